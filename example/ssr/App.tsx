import { type FormEvent, StrictMode, useState } from 'react'
import {
  AuthProvider,
  type AuthState,
  isAuthError,
  SignedIn,
  SignedOut,
  type TokenResponse,
  useAuth,
} from 'react-jwt-session'

/** The user as the reference server sends it in the token answer. */
export interface DemoUser {
  id: string
  username: string
  name: string
  role: string
}

interface Item {
  id: string
  title: string
  done: boolean
}

export interface RootProps {
  /**
   * The token answer `refreshOnServer` got for this request; `null` when it found no session (the browser then
   * starts signed out, with no refresh call); `undefined` when it could not check (the browser checks itself).
   */
  session?: TokenResponse | null
}

/**
 * The whole app, rendered on the server with the session `refreshOnServer` obtained and hydrated in the
 * browser with the same session: both sides start `authenticated`, so the markup matches and the browser
 * makes no refresh call on load.
 */
export function Root({ session }: RootProps) {
  return (
    <StrictMode>
      <AuthProvider<DemoUser> initialSession={session}>
        <Page />
      </AuthProvider>
    </StrictMode>
  )
}

function Page() {
  const loading = useAuth((state: AuthState<DemoUser>) => state.status === 'loading')
  return (
    <main>
      <h1>react-jwt-session · server rendering</h1>
      {loading ? <p data-testid="loading">Checking your session…</p> : null}
      <SignedIn>
        <Profile />
      </SignedIn>
      <SignedOut>
        <SignInForm />
      </SignedOut>
    </main>
  )
}

function Profile() {
  const user = useAuth((state: AuthState<DemoUser>) => state.user)
  const { fetch, logout } = useAuth()
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
    <section data-testid="profile">
      <p>
        Signed in as <strong data-testid="user-name">{user?.name}</strong> ({user?.role})
      </p>
      <button type="button" onClick={() => void loadItems()}>
        Load my items
      </button>{' '}
      <button type="button" onClick={() => void logout()}>
        Sign out
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

function SignInForm() {
  const { login } = useAuth<DemoUser>()
  const [error, setError] = useState<string | null>(null)
  const [pending, setPending] = useState(false)

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault()
    const form = new FormData(event.currentTarget)
    setPending(true)
    setError(null)
    try {
      await login({ username: String(form.get('username')), password: String(form.get('password')) })
    } catch (thrown) {
      setError(
        isAuthError(thrown) && thrown.code === 'invalid_credentials'
          ? 'Wrong username or password'
          : 'Sign-in failed; try again',
      )
    } finally {
      setPending(false)
    }
  }

  return (
    <form data-testid="sign-in" onSubmit={(event) => void submit(event)}>
      <p>Signed out. Try alice / alice-password.</p>
      <label>
        Username <input name="username" autoComplete="username" required />
      </label>{' '}
      <label>
        Password <input name="password" type="password" autoComplete="current-password" required />
      </label>{' '}
      <button type="submit" disabled={pending}>
        Sign in
      </button>
      {error ? <p role="alert">{error}</p> : null}
    </form>
  )
}
