// @vitest-environment node
import { renderToString } from 'react-dom/server'
import {
  AuthProvider,
  RequireAuth,
  SignedIn,
  SignedOut,
  type TokenResponse,
  useAuth,
  useSession,
} from 'react-jwt-session'
import { createTestAuthServer, createTestToken } from 'react-jwt-session/testing'
import { afterEach, beforeEach, expect, it, vi } from 'vitest'

interface User {
  name: string
}

function Page() {
  const name = useAuth((state) => (state.user as User | null)?.name)
  const { status } = useSession<User>()
  return (
    <main>
      <p>status: {status}</p>
      <SignedIn>
        <p>Hello, {name}</p>
      </SignedIn>
      <SignedOut>
        <p>Please sign in</p>
      </SignedOut>
      <RequireAuth loading={<p>Checking…</p>}>
        <p>Private</p>
      </RequireAuth>
    </main>
  )
}

const server = createTestAuthServer({ accessTtl: 60 })
const transport = server.transport

beforeEach(() => {
  vi.spyOn(console, 'error')
  vi.spyOn(console, 'warn')
})

afterEach(() => {
  expect(console.error).not.toHaveBeenCalled()
  expect(console.warn).not.toHaveBeenCalled()
})

it('runs with no window, document or storage', () => {
  expect(typeof window).toBe('undefined')
  expect(typeof document).toBe('undefined')
  expect(typeof localStorage).toBe('undefined')
})

it('renders the fallback while the session is unknown', () => {
  const html = renderToString(
    <AuthProvider transport={transport} fallback={<p>Restoring session…</p>}>
      <Page />
    </AuthProvider>,
  )
  expect(html).toBe('<p>Restoring session…</p>')
})

it('without a fallback renders the children in their loading state', () => {
  const html = renderToString(
    <AuthProvider transport={transport}>
      <Page />
    </AuthProvider>,
  )
  expect(html).toContain('status: <!-- -->loading')
  expect(html).toContain('Checking…')
  expect(html).not.toContain('Please sign in')
  expect(html).not.toContain('Private')
})

it('with initialSession renders the signed-in page and makes no request', () => {
  const initialSession: TokenResponse = {
    access_token: createTestToken({ sub: 'user-ada', name: 'Ada Lovelace' }, { expiresIn: 900 }),
    expires_in: 900,
  }
  const html = renderToString(
    <AuthProvider<User> transport={transport} initialSession={initialSession} fallback={<p>Restoring…</p>}>
      <Page />
    </AuthProvider>,
  )
  expect(html).toContain('status: <!-- -->authenticated')
  expect(html).toContain('Hello, <!-- -->Ada Lovelace')
  expect(html).toContain('Private')
  expect(html).not.toContain('Restoring…')
  expect(server.stats).toMatchObject({ logins: 0, refreshes: 0 })
})
