import { type FormEvent, useId, useState } from 'react'
import { type SignOutReason, safeReturnTo } from 'react-jwt-session'
import { describeLoginError, describeRefreshError, useLogin, useSession } from './auth'
import { Redirect } from './router'

const notices: Partial<Record<SignOutReason, string>> = {
  logout: 'You signed out.',
  'other-tab': 'You were signed out in another tab.',
  expired: 'Your session ended. Sign in again.',
  revoked: 'Your session was revoked: you (or someone with your account) signed out everywhere.',
}

export function LoginPage() {
  const { status, reason, error } = useSession()
  // Back to the page the visitor asked for: `next` comes from the URL, so only a path of this origin.
  if (status === 'authenticated') {
    return (
      <Redirect to={safeReturnTo(new URLSearchParams(window.location.search).get('next'), '/dashboard')} />
    )
  }

  let notice = reason ? (notices[reason] ?? null) : null
  if (reason === 'network' && error) {
    notice = `${describeRefreshError(error)} Your session could not be restored yet; retrying in the background.`
  } else if (reason === 'logout' && error) {
    notice = 'You are signed out in this browser, but the server could not be told. Sign out again later.'
  }

  return (
    <section className="card narrow" aria-labelledby="login-title">
      <h1 id="login-title">Sign in</h1>
      <p className="notice" role="status" aria-live="polite">
        {notice}
      </p>
      <LoginForm />
      <aside className="hint" aria-label="About this demo">
        <p>
          Demo accounts: <code>alice</code> / <code>alice-password</code> (admin), <code>bob</code> /{' '}
          <code>bob-password</code> (member).
        </p>
        <p>
          The access token stays in memory only; the refresh token is an HttpOnly cookie this page cannot
          read. Open a second tab to see one session shared by both.
        </p>
      </aside>
    </section>
  )
}

function LoginForm() {
  const login = useLogin()
  const [username, setUsername] = useState('')
  const [password, setPassword] = useState('')
  const errorId = useId()

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault()
    login.mutate({ username, password })
  }
  const failed = login.error !== null

  return (
    <form onSubmit={onSubmit} aria-describedby={failed ? errorId : undefined}>
      <label htmlFor="username">Username</label>
      <input
        id="username"
        name="username"
        autoComplete="username"
        required
        value={username}
        aria-invalid={failed || undefined}
        onChange={(event) => setUsername(event.target.value)}
      />
      <label htmlFor="password">Password</label>
      <input
        id="password"
        name="password"
        type="password"
        autoComplete="current-password"
        required
        value={password}
        aria-invalid={failed || undefined}
        onChange={(event) => setPassword(event.target.value)}
      />
      <div id={errorId} className="error" role="alert">
        {login.error ? describeLoginError(login.error) : null}
      </div>
      <button type="submit" disabled={login.isPending}>
        {login.isPending ? 'Signing in…' : 'Sign in'}
      </button>
    </form>
  )
}
