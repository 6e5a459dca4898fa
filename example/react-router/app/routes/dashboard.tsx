import { useEffect, useState } from 'react'
import { type LoaderFunctionArgs, redirect, useNavigate } from 'react-router'
import { currentAuthClient, type Item, RequireAuth, useAuth } from '../auth'
import { Nav } from '../Nav'
import { sessionContext } from '../session.server'

const TO_SIGN_IN = '/login?next=%2Fdashboard'

/** A document request: the root middleware has renewed the session; without one the server redirects. */
export function loader({ context }: LoaderFunctionArgs) {
  if (!context.get(sessionContext)) throw redirect(TO_SIGN_IN)
  return null
}

/**
 * A client-side navigation: the tab's auth client knows whether it is signed in, so there is no server
 * round trip (which would renew, and rotate the cookie, for nothing).
 */
export function clientLoader() {
  if (currentAuthClient()?.getState().status !== 'authenticated') throw redirect(TO_SIGN_IN)
  return null
}

function ToSignIn() {
  const navigate = useNavigate()
  useEffect(() => {
    void navigate(TO_SIGN_IN, { replace: true })
  }, [navigate])
  return <p>Signed out. Taking you to the sign-in page…</p>
}

export default function Dashboard() {
  return (
    <main>
      <Nav />
      <RequireAuth fallback={<ToSignIn />} loading={<p>Checking your session…</p>}>
        <Protected />
      </RequireAuth>
    </main>
  )
}

function Protected() {
  const { user, fetch, logout } = useAuth()
  const [items, setItems] = useState<Item[] | null>(null)
  const [problem, setProblem] = useState<string | null>(null)

  const loadItems = async () => {
    setProblem(null)
    const res = await fetch('/api/items')
    if (!res.ok) {
      setProblem(`The API answered ${res.status}`)
      return
    }
    setItems(((await res.json()) as { items: Item[] }).items)
  }

  return (
    <section>
      <h1 id="dashboard-title">Dashboard</h1>
      <p>
        Welcome, {user?.name} ({user?.role}).
      </p>
      <button type="button" onClick={() => void loadItems()}>
        Load my items
      </button>
      <button type="button" onClick={() => void logout()}>
        Sign out
      </button>
      <button type="button" onClick={() => void logout({ everywhere: true })}>
        Sign out everywhere
      </button>
      {problem ? <p role="alert">{problem}</p> : null}
      {items ? (
        <ul data-testid="items">
          {items.map((item) => (
            <li key={item.id}>{item.title}</li>
          ))}
        </ul>
      ) : null}
    </section>
  )
}
