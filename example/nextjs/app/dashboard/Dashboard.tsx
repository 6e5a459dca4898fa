'use client'
import { useRouter } from 'next/navigation'
import { useEffect, useState } from 'react'
import { type Item, RequireAuth, useAuth } from '../../lib/auth'

function ToSignIn() {
  const router = useRouter()
  useEffect(() => router.replace('/login?next=/dashboard'), [router])
  return <p>Signed out. Taking you to the sign-in page…</p>
}

export function Dashboard() {
  return (
    <RequireAuth fallback={<ToSignIn />} loading={<p>Checking your session…</p>}>
      <Protected />
    </RequireAuth>
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
