import { type FormEvent, type ReactNode, useId, useState } from 'react'
import { useLogin } from 'react-jwt-session'
import { loginErrorMessage } from './messages'
import type { StoryUser } from './storyUsers'

export interface LoginFormProps {
  /** Shown above the fields. @default 'Sign in' */
  title?: ReactNode
  /** Pre-filled username. @default '' */
  defaultUsername?: string
}

/**
 * A sign-in form built on `useLogin()`: the button says what is happening, the error says what to do, and
 * the fields keep their labels. A sample for the stories, not part of the package.
 */
export function LoginForm({ title = 'Sign in', defaultUsername = '' }: LoginFormProps) {
  const login = useLogin<StoryUser>()
  const [username, setUsername] = useState(defaultUsername)
  const [password, setPassword] = useState('')
  const id = useId()

  const submit = (event: FormEvent) => {
    event.preventDefault()
    login.mutate({ username, password })
  }

  return (
    <form className="card login" aria-labelledby={`${id}-title`} onSubmit={submit}>
      <h2 id={`${id}-title`}>{title}</h2>
      <label htmlFor={`${id}-username`}>Username</label>
      <input
        id={`${id}-username`}
        name="username"
        autoComplete="username"
        value={username}
        onChange={(event) => setUsername(event.target.value)}
        required
      />
      <label htmlFor={`${id}-password`}>Password</label>
      <input
        id={`${id}-password`}
        name="password"
        type="password"
        autoComplete="current-password"
        value={password}
        onChange={(event) => setPassword(event.target.value)}
        required
      />
      <div aria-live="polite" className="form-status">
        {login.error ? (
          <p role="alert" className="error">
            {loginErrorMessage(login.error)}
          </p>
        ) : null}
      </div>
      <button type="submit" className="primary" disabled={login.isPending} aria-busy={login.isPending}>
        {login.isPending ? 'Signing in…' : 'Sign in'}
      </button>
      <p className="hint">
        Try <kbd>ada</kbd> / <kbd>lovelace</kbd> (admin) or <kbd>grace</kbd> / <kbd>hopper</kbd> (reader).
      </p>
    </form>
  )
}
