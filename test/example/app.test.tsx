import { fireEvent, render, screen, within } from '@testing-library/react'
import { createTestAuthServer, type TestUser } from 'react-jwt-session/testing'
import { createAuthWrapper } from 'react-jwt-session/testing/react'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { App } from '../../example/app/src/App'
import { queryClient } from '../../example/app/src/auth'
import { Dashboard } from '../../example/app/src/Dashboard'
import { LoginPage } from '../../example/app/src/LoginPage'
import { advance, setupReactTests } from '../react/harness'

// The demo app's components in jsdom, against the strict test server with the demo's API registered as routes:
// what an app's own component tests look like with react-jwt-session/testing.

setupReactTests()

const destroy: Array<() => void> = []
afterEach(() => {
  for (const done of destroy.splice(0)) done()
  window.history.replaceState(null, '', '/')
  localStorage.clear()
})

const users: TestUser[] = [
  { username: 'alice', password: 'alice-password', sub: 'alice', id: 'alice', name: 'Alice', role: 'admin' },
  { username: 'bob', password: 'bob-password', sub: 'bob', id: 'bob', name: 'Bob', role: 'member' },
]

const items: Record<string, Array<{ id: string; title: string; done: boolean }>> = {
  alice: [
    { id: '1', title: 'Rotate the signing keys', done: true },
    { id: '2', title: 'Review sign-in logs', done: false },
  ],
  bob: [{ id: '3', title: 'Water the plants', done: false }],
}

const demoServer = () =>
  createTestAuthServer({
    users,
    accessTtl: 30,
    routes: { 'GET /api/items': ({ user }) => ({ items: items[String(user?.username)] ?? [] }) },
  })

/** The demo's auth calls and API calls: the server's fetch as the page's. */
function wrapperFor(server: ReturnType<typeof demoServer>, signedInAs?: string) {
  const made = createAuthWrapper(server, signedInAs === undefined ? {} : { signedInAs })
  destroy.push(made.client.destroy)
  return made
}

function signIn(username: string, password: string) {
  fireEvent.change(screen.getByLabelText('Username'), { target: { value: username } })
  fireEvent.change(screen.getByLabelText('Password'), { target: { value: password } })
  fireEvent.click(screen.getByRole('button', { name: 'Sign in' }))
}

const listed = () =>
  within(screen.getByRole('list', { name: 'Items' }))
    .getAllByRole('listitem')
    .map((item) => item.textContent)

describe('LoginPage', () => {
  it('says so on wrong credentials, then signs in and goes to the dashboard', async () => {
    const server = demoServer()
    const { wrapper, client } = wrapperFor(server)
    window.history.replaceState(null, '', '/login')
    render(<LoginPage />, { wrapper })
    await advance()
    expect(screen.getByRole('heading', { name: 'Sign in' })).toBeTruthy()

    signIn('alice', 'not-her-password')
    await advance()
    expect(screen.getByRole('alert').textContent).toBe('Wrong username or password.')
    expect(client.getState().status).toBe('unauthenticated')

    signIn('alice', 'alice-password')
    await advance()
    expect(client.getState()).toMatchObject({
      status: 'authenticated',
      user: { name: 'Alice', role: 'admin' },
    })
    expect(window.location.pathname).toBe('/dashboard')
    expect(server.stats).toMatchObject({ logins: 1, failedLogins: 1 })
  })

  it('tells a user whose sign-in cannot reach the server', async () => {
    const server = demoServer()
    const { wrapper } = wrapperFor(server)
    render(<LoginPage />, { wrapper })
    await advance()
    server.fail('network')
    signIn('bob', 'bob-password')
    await advance()
    expect(screen.getByRole('alert').textContent).toBe(
      'The server could not be reached. Check your connection and try again.',
    )
  })
})

describe('Dashboard', () => {
  it('greets the user and lists their items from GET /api/items, sent with the Bearer token', async () => {
    const server = demoServer()
    const { wrapper } = wrapperFor(server, 'bob')
    render(<Dashboard />, { wrapper })
    expect(screen.getByRole('heading', { name: 'Dashboard' })).toBeTruthy()
    expect(screen.getByText('Bob')).toBeTruthy()
    await advance()
    expect(listed()).toEqual(['○ Water the plants'])
    expect(server.requests.filter((request) => request.path === '/api/items')).toEqual([
      { method: 'GET', path: '/api/items', credentials: undefined, bearer: true },
    ])
  })

  it('shows the renewal failure banner while the session is kept', async () => {
    const server = demoServer()
    const { wrapper, client } = wrapperFor(server, 'alice')
    render(<Dashboard />, { wrapper })
    await advance()
    server.fail('503', 10)
    // The 30 s token is renewed 6 s before it expires: that renewal fails, the user stays signed in.
    await advance(25_000)
    expect(screen.getByRole('alert').textContent).toContain('The auth server answered with an error (503).')
    expect(client.getState().status).toBe('authenticated')
  })

  it('"Sign out everywhere" signs out and revokes every session on the server', async () => {
    const server = demoServer()
    const { wrapper, client } = wrapperFor(server, 'alice')
    render(<Dashboard />, { wrapper })
    await advance()
    fireEvent.click(screen.getByRole('button', { name: 'Sign out everywhere' }))
    await advance()
    expect(client.getState()).toMatchObject({
      status: 'unauthenticated',
      reason: 'logout',
      accessToken: null,
    })
    expect(server.requests.filter((request) => request.path.startsWith('/auth/logout'))).toEqual([
      { method: 'POST', path: '/auth/logout-all', credentials: 'include', bearer: false },
    ])
    expect(server.hasCookie).toBe(false)
  })
})

describe('App', () => {
  it('sends a visitor to sign in, shows the dashboard after it, and signs out from the /logout route', async () => {
    // The demo's client is made once in its auth module, on the global fetch: the server's fetch stands in for
    // the network, as it does for any app that builds its client at import.
    const server = demoServer()
    vi.stubGlobal('fetch', server.fetch)
    window.history.replaceState(null, '', '/dashboard')
    render(<App />)
    await advance(1_000)
    expect(window.location.pathname).toBe('/login')
    expect(screen.getByRole('heading', { name: 'Sign in' })).toBeTruthy()

    signIn('alice', 'alice-password')
    await advance()
    expect(window.location.pathname).toBe('/dashboard')
    expect(screen.getByRole('heading', { name: 'Dashboard' })).toBeTruthy()
    expect(screen.getByText('Signed in as', { exact: false }).textContent).toBe('Signed in as Alice')
    await advance()
    expect(listed()).toEqual(['✓ Rotate the signing keys (done)', '○ Review sign-in logs'])
    expect(server.requests.find((request) => request.path === '/api/items')?.bearer).toBe(true)

    fireEvent.click(screen.getByRole('link', { name: 'Sign out' }))
    await advance()
    expect(window.location.pathname).toBe('/login')
    expect(screen.getByText('You signed out.')).toBeTruthy()
    expect(screen.queryByText('Signed in as', { exact: false })).toBeNull()
    expect(server.stats).toMatchObject({ logins: 1, logouts: 1, reuseDetections: 0 })
    // Nothing of Alice's is left for the next user.
    expect(queryClient.getQueryCache().getAll()).toEqual([])
  })
})
