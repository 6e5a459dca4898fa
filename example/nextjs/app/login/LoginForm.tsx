'use client'
import { useRouter, useSearchParams } from 'next/navigation'
import { type FormEvent, useState } from 'react'
import { isAuthError } from 'react-jwt-session'
import { useAuth } from '../../lib/auth'

/** Only a path on this site, never another origin (`//evil.example`), is a place to go back to. */
const safeNext = (next: string | null) =>
  next?.startsWith('/') && !next.startsWith('//') ? next : '/dashboard'

export function LoginForm() {
  const { login } = useAuth()
  const router = useRouter()
  const next = safeNext(useSearchParams().get('next'))
  const [error, setError] = useState<string | null>(null)
  const [pending, setPending] = useState(false)

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault()
    const form = new FormData(event.currentTarget)
    setPending(true)
    setError(null)
    try {
      await login({ username: String(form.get('username')), password: String(form.get('password')) })
      router.replace(next)
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
  )
}
