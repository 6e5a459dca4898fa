import { QueryClient, QueryClientProvider } from '@tanstack/react-query'
import { fireEvent, screen } from '@testing-library/react'
import type { ReactElement } from 'react'
import { AuthProvider, SignedIn, SignedOut, useLogout } from 'react-jwt-session'
import { createTestAuthServer } from 'react-jwt-session/testing'
import { describe, expect, it, vi } from 'vitest'
import { advance, makeClient, renderStrict, setupReactTests } from './harness'

setupReactTests()

function SignOutButtons({ onSignedOut }: { onSignedOut: () => void }) {
  const logout = useLogout({ onSuccess: onSignedOut })
  return (
    <>
      <button type="button" onClick={() => logout.mutate()} disabled={logout.isPending}>
        Sign out
      </button>
      <button type="button" onClick={() => logout.mutate({ everywhere: true })} disabled={logout.isPending}>
        Sign out everywhere
      </button>
      <p role="status">{logout.isPending ? 'Signing out…' : logout.isSuccess ? 'Signed out' : 'Idle'}</p>
    </>
  )
}

function app(client: ReturnType<typeof makeClient>, onSignedOut: () => void) {
  return (
    <AuthProvider client={client} fallback={<p>Loading…</p>}>
      <SignedIn>
        <p>Welcome</p>
      </SignedIn>
      <SignedOut>
        <p>Signed-out page</p>
      </SignedOut>
      <SignOutButtons onSignedOut={onSignedOut} />
    </AuthProvider>
  )
}

describe.each([
  ['without a QueryClientProvider', (ui: ReactElement) => ui],
  [
    'inside a QueryClientProvider',
    (ui: ReactElement) => <QueryClientProvider client={new QueryClient()}>{ui}</QueryClientProvider>,
  ],
])('a sign-out button on useLogout, %s', (_, wrap) => {
  it.each([
    ['Sign out', '/auth/logout'],
    ['Sign out everywhere', '/auth/logout-all'],
  ])('"%s": signed out at once, pending until the server answered, one call to %s', async (name, path) => {
    // Each answer takes 100 ms, so the pending state is visible.
    const server = createTestAuthServer({ accessTtl: 60, latency: 100 })
    server.signIn()
    const client = makeClient({ fetch: server.fetch })
    const onSignedOut = vi.fn()
    renderStrict(wrap(app(client, onSignedOut)))
    await advance(100)
    expect(screen.getByText('Welcome')).toBeTruthy()

    fireEvent.click(screen.getByRole('button', { name }))
    await advance(0)
    // Memory is cleared before the server call: the signed-out view shows while the call is pending.
    expect(screen.getByText('Signed-out page')).toBeTruthy()
    expect(screen.getByRole('status').textContent).toBe('Signing out…')
    expect((screen.getByRole('button', { name }) as HTMLButtonElement).disabled).toBe(true)
    expect(onSignedOut).not.toHaveBeenCalled()

    await advance(100)
    await advance(1)
    expect(screen.getByRole('status').textContent).toBe('Signed out')
    expect(onSignedOut).toHaveBeenCalledTimes(1)
    expect(server.stats.logouts).toBe(1)
    expect(server.requests.filter((r) => r.path.startsWith('/auth/logout')).map((r) => r.path)).toEqual([
      path,
    ])
    expect(client.getState()).toMatchObject({ status: 'unauthenticated', reason: 'logout' })
  })
})

it('succeeds (the tab is signed out) when the server cannot be reached; the client reports the failure', async () => {
  const server = createTestAuthServer({ accessTtl: 60 })
  server.signIn()
  const client = makeClient({ transport: server.transport })
  const onSignedOut = vi.fn()
  renderStrict(app(client, onSignedOut))
  await advance(0)
  server.fail('network')
  fireEvent.click(screen.getByRole('button', { name: 'Sign out' }))
  await advance(0)
  await advance(1)
  expect(screen.getByRole('status').textContent).toBe('Signed out')
  expect(onSignedOut).toHaveBeenCalledTimes(1)
  expect(client.getState()).toMatchObject({ status: 'unauthenticated', reason: 'logout' })
  expect(client.getState().error?.code).toBe('network')
})
