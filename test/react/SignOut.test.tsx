import { AuthProvider, SignOut } from 'react-jwt-session'
import { createTestAuthServer } from 'react-jwt-session/testing'
import { expect, it, vi } from 'vitest'
import { advance, makeClient, paragraphs, renderStrict, setupReactTests } from './harness'

setupReactTests()

it.each([
  [false, '/auth/logout'],
  [true, '/auth/logout-all'],
])(
  'signs out once under StrictMode (everywhere: %s), shows its children, then calls onSignedOut once',
  async (everywhere, path) => {
    // Every answer takes 100 ms, so the "Signing out…" phase is visible.
    const server = createTestAuthServer({ accessTtl: 60, latency: 100 })
    server.signIn()
    const client = makeClient({ fetch: server.fetch })
    const onSignedOut = vi.fn()
    renderStrict(
      <AuthProvider client={client} fallback={<p>Loading</p>}>
        <SignOut everywhere={everywhere} onSignedOut={onSignedOut}>
          <p>Signing out…</p>
        </SignOut>
      </AuthProvider>,
    )
    await advance(100)
    expect(server.stats.refreshes).toBe(1)
    // Mounted after the gate: memory is cleared at once, the server call is on its way.
    expect(paragraphs()).toEqual(['Signing out…'])
    expect(client.getState()).toMatchObject({
      status: 'unauthenticated',
      reason: 'logout',
      accessToken: null,
    })
    expect(onSignedOut).not.toHaveBeenCalled()

    await advance(100)
    expect(onSignedOut).toHaveBeenCalledTimes(1)
    expect(paragraphs()).toEqual([])
    expect(server.stats.logouts).toBe(1)
    expect(
      server.requests.filter((request) => request.path.startsWith('/auth/logout')).map((r) => r.path),
    ).toEqual([path])
    expect(server.hasCookie).toBe(false)

    await advance(60_000)
    expect(onSignedOut).toHaveBeenCalledTimes(1)
    expect(server.stats.logouts).toBe(1)
  },
)

it('still signs out, and calls onSignedOut, when the server is unreachable', async () => {
  const server = createTestAuthServer({ accessTtl: 60 })
  server.signIn()
  const client = makeClient({ transport: server.transport })
  const onSignedOut = vi.fn()
  const app = (signingOut: boolean) => (
    <AuthProvider client={client}>
      {signingOut ? <SignOut onSignedOut={onSignedOut}>Signing out…</SignOut> : <p>Home</p>}
    </AuthProvider>
  )
  const { rerender } = renderStrict(app(false))
  await advance()
  expect(client.getState().status).toBe('authenticated')

  server.fail('network')
  rerender(app(true))
  await advance()
  expect(onSignedOut).toHaveBeenCalledTimes(1)
  expect(client.getState()).toMatchObject({ status: 'unauthenticated', reason: 'logout', accessToken: null })
  expect(client.getState().error?.code).toBe('network')
  expect(server.stats.logouts).toBe(0)
})
