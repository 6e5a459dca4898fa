import { type FormEvent, useState } from 'react'
import { isAuthError } from 'react-jwt-session'
import { useNavigate, useSearchParams } from 'react-router'
import { useAuth } from '../auth'
import { Nav } from '../Nav'

/** Only a path on this site, never another origin (`//evil.example`), is a place to go back to. */
const safeNext = (next: string | null) =>
  next?.startsWith('/') && !next.startsWith('//') ? next : '/dashboard'

export default function Login() {
  const { login } = useAuth()
  const navigate = useNavigate()
  const [params] = useSearchParams()
  const next = safeNext(params.get('next'))
  const [error, setError] = useState<string | null>(null)
  const [pending, setPending] = useState(false)

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault()
    const form = new FormData(event.currentTarget)
    setPending(true)
    setError(null)
    try {
      await login({ username: String(form.get('username')), password: String(form.get('password')) })
      await navigate(next, { replace: true })
    } catch (thrown) {
      setError(
        isAuthError(thrown) && thrown.code === 'invalid_credentials'
          ? 'Wrong username or password'
          : 'Sign-in failed; try again',
      )
      setPending(false)
    }
  }

  return (
    <main>
      <Nav />
      <h1 id="login-title">Sign in</h1>
      <p>Try alice / alice-password or bob / bob-password.</p>
      <form onSubmit={(event) => void submit(event)}>
        <label>
          Username <input name="username" autoComplete="username" required />
        </label>
        <label>
          Password <input name="password" type="password" autoComplete="current-password" required />
        </label>
        <button type="submit" disabled={pending}>
          Sign in
        </button>
        {error ? <p role="alert">{error}</p> : null}
      </form>
    </main>
  )
}
