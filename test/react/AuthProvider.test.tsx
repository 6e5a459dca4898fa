import { QueryClient, QueryClientProvider } from '@tanstack/react-query'
import { act } from '@testing-library/react'
import { version } from 'react'
import {
  type AuthClient,
  AuthProvider,
  type AuthState,
  parseTokenResponse,
  type TokenResponse,
  useAuth,
  useAuthClient,
} from 'react-jwt-session'
import { createTestAuthServer, createTestToken } from 'react-jwt-session/testing'
import { describe, expect, it, vi } from 'vitest'
import { advance, channelName, makeClient, paragraphs, renderStrict, setupReactTests } from './harness'

setupReactTests()

interface User {
  sub: string
  name: string
}

function Name() {
  const user = useAuth((state: AuthState<User>) => state.user)
  return <p>{user ? `Signed in as ${user.name}` : 'Signed out'}</p>
}

function ClientProbe({ seen }: { seen: unknown[] }) {
  seen.push(useAuthClient())
  return null
}

function Status({ seen }: { seen?: string[] }) {
  const status = useAuth((state) => state.status)
  seen?.push(status)
  return <p>status: {status}</p>
}

const users = [
  { username: 'ada', password: 'lovelace', sub: 'user-ada', name: 'Ada Lovelace' },
  { username: 'grace', password: 'hopper', sub: 'user-grace', name: 'Grace Hopper' },
]

describe('start and loading gate', () => {
  it('restores the session with one refresh under StrictMode, behind the gate', async () => {
    const server = createTestAuthServer({ accessTtl: 60 })
    server.signIn()
    const client = makeClient({ transport: server.transport })
    renderStrict(
      <AuthProvider client={client} fallback={<p>Restoring session…</p>}>
        <Name />
      </AuthProvider>,
    )
    expect(paragraphs()).toEqual(['Restoring session…'])

    await advance()
    expect(paragraphs()).toEqual(['Signed in as Ada Lovelace'])
    expect(server.stats.refreshes).toBe(1)
    expect(server.stats.reuseDetections).toBe(0)
    expect(client.getState().status).toBe('authenticated')
  })

  it('two providers on one client make one refresh', async () => {
    const server = createTestAuthServer({ accessTtl: 60 })
    server.signIn()
    const client = makeClient({ transport: server.transport })
    renderStrict(
      <>
        <AuthProvider client={client} fallback={<p>Loading</p>}>
          <Name />
        </AuthProvider>
        <AuthProvider client={client} fallback={<p>Loading</p>}>
          <Name />
        </AuthProvider>
      </>,
    )
    await advance(1_000)
    expect(paragraphs()).toEqual(['Signed in as Ada Lovelace', 'Signed in as Ada Lovelace'])
    expect(server.stats.refreshes).toBe(1)
    expect(server.stats.reuseDetections).toBe(0)
  })

  it('makes one client from options (cross-tab on) and asks the other tabs before one refresh', async () => {
    const server = createTestAuthServer({ accessTtl: 60 })
    server.signIn()
    const parse = vi.fn(parseTokenResponse)
    const { unmount } = renderStrict(
      <AuthProvider<User>
        transport={server.transport}
        crossTab={{ name: channelName() }}
        parseTokenResponse={parse}
        fallback={<p>Loading</p>}
      >
        <Name />
      </AuthProvider>,
    )
    // The hand-off question to other tabs comes first: no refresh before its wait is over.
    await advance(50)
    expect(paragraphs()).toEqual(['Loading'])
    expect(server.stats.refreshes).toBe(0)

    await advance(100)
    expect(paragraphs()).toEqual(['Signed in as Ada Lovelace'])
    expect(server.stats.refreshes).toBe(1)
    expect(parse).toHaveBeenCalledTimes(1)
    // Unmounting stops the provider's own client: no more timers, so no renewal later.
    unmount()
    await advance(10 * 60_000)
    expect(server.stats.refreshes).toBe(1)
  })

  it('a new tab beside a signed-in tab takes its session, with no refresh call, under StrictMode', async () => {
    const name = channelName()
    const server = createTestAuthServer({ accessTtl: 60 })
    server.signIn()
    const openTab = makeClient({ transport: server.transport, crossTab: { name } })
    openTab.start()
    await advance(100)
    expect(openTab.getState().status).toBe('authenticated')
    expect(server.stats.refreshes).toBe(1)

    const newTab = makeClient({ transport: server.transport, crossTab: { name } })
    renderStrict(
      <AuthProvider client={newTab} fallback={<p>Loading</p>}>
        <Name />
      </AuthProvider>,
    )
    await advance(100)
    expect(paragraphs()).toEqual(['Signed in as Ada Lovelace'])
    expect(newTab.getState().accessToken).toBe(openTab.getState().accessToken)
    expect(server.stats.refreshes).toBe(1)
  })

  it('without a fallback renders the children at once, while loading', async () => {
    const server = createTestAuthServer({ accessTtl: 60 })
    server.signIn()
    const client = makeClient({ transport: server.transport })
    renderStrict(
      <AuthProvider client={client}>
        <Status />
      </AuthProvider>,
    )
    expect(paragraphs()).toEqual(['status: loading'])
    await advance()
    expect(paragraphs()).toEqual(['status: authenticated'])
  })

  it('makes its client from options once, and keeps it across renders', async () => {
    const server = createTestAuthServer({ accessTtl: 60 })
    server.signIn()
    // With initialSession the token is parsed when a client is made, so this counts the clients made.
    const parse = vi.fn(parseTokenResponse)
    const initialSession: TokenResponse = {
      access_token: createTestToken({ sub: 'user-ada', name: 'Ada Lovelace' }, { expiresIn: 900 }),
      expires_in: 900,
    }
    const seen: unknown[] = []
    const app = (label: string) => (
      <AuthProvider<User>
        transport={server.transport}
        crossTab={false}
        initialSession={initialSession}
        parseTokenResponse={parse}
      >
        <p>{label}</p>
        <ClientProbe seen={seen} />
      </AuthProvider>
    )
    const { rerender } = renderStrict(app('first'))
    rerender(app('second'))
    await advance(1_000)
    expect(paragraphs()).toEqual(['second'])
    expect(new Set(seen).size).toBe(1)
    // React 19 keeps the first render's refs for StrictMode's second render; React 18 (dev only) drops them,
    // so one extra client is made and thrown away there. It is never started: construction has no effects.
    expect(parse).toHaveBeenCalledTimes(Number(version.split('.')[0]) >= 19 ? 1 : 2)
    expect((seen[0] as AuthClient).getState().status).toBe('authenticated')
    expect(server.stats.refreshes).toBe(0)
  })

  it('with initialSession the first render is authenticated and no refresh is made', async () => {
    const server = createTestAuthServer({ accessTtl: 60 })
    const initialSession: TokenResponse = {
      access_token: createTestToken({ sub: 'user-ada', name: 'Ada Lovelace' }, { expiresIn: 900 }),
      expires_in: 900,
    }
    const seen: string[] = []
    renderStrict(
      <AuthProvider<User>
        transport={server.transport}
        crossTab={{ name: channelName() }}
        initialSession={initialSession}
        fallback={<p>Loading</p>}
      >
        <Status seen={seen} />
        <Name />
      </AuthProvider>,
    )
    expect(seen[0]).toBe('authenticated')
    expect(paragraphs()).toEqual(['status: authenticated', 'Signed in as Ada Lovelace'])
    await advance(1_000)
    expect(server.stats.refreshes).toBe(0)
    expect(new Set(seen)).toEqual(new Set(['authenticated']))
  })
})

describe('a logout whose server call failed', () => {
  it('stays a logout when the provider is unmounted and mounted again: no late sign-in', async () => {
    const server = createTestAuthServer({ accessTtl: 60 })
    server.signIn()
    const client = makeClient<User>({ transport: server.transport })
    const signins: string[] = []
    client.on('signin', ({ source }) => signins.push(source))
    const first = renderStrict(
      <AuthProvider client={client}>
        <Name />
      </AuthProvider>,
    )
    await advance()
    expect(paragraphs()).toEqual(['Signed in as Ada Lovelace'])
    server.fail('network')
    await act(() => client.logout())
    expect(client.getState()).toMatchObject({ status: 'unauthenticated', reason: 'logout' })
    expect(client.getState().error?.code).toBe('network')
    first.unmount()
    renderStrict(
      <AuthProvider client={client}>
        <Name />
      </AuthProvider>,
    )
    await advance(120_000)
    expect(paragraphs()).toEqual(['Signed out'])
    expect(client.getState()).toMatchObject({ status: 'unauthenticated', reason: 'logout' })
    expect(signins).toEqual(['restore'])
  })

  it('with initialSession null (the server found no session) renders signed out and makes no refresh', async () => {
    const server = createTestAuthServer({ accessTtl: 60 })
    server.signIn()
    const seen: string[] = []
    renderStrict(
      <AuthProvider<User>
        transport={server.transport}
        crossTab={false}
        initialSession={null}
        fallback={<p>Loading</p>}
      >
        <Status seen={seen} />
      </AuthProvider>,
    )
    expect(seen[0]).toBe('unauthenticated')
    await advance(1_000)
    expect(server.stats.refreshes).toBe(0)
    expect(paragraphs()).toEqual(['status: unauthenticated'])
  })
})

describe('cleanup', () => {
  it('mounting and unmounting 100 times leaves no timer, listener or channel behind', async () => {
    const server = createTestAuthServer({ accessTtl: 60 })
    server.signIn()
    const client = makeClient({ transport: server.transport, crossTab: { name: channelName() } })
    const added = vi.spyOn(window, 'addEventListener')
    const removed = vi.spyOn(window, 'removeEventListener')
    const channels = { open: 0, opened: 0 }
    vi.stubGlobal(
      'BroadcastChannel',
      class extends BroadcastChannel {
        constructor(name: string) {
          super(name)
          channels.open += 1
          channels.opened += 1
        }
        override close() {
          channels.open -= 1
          super.close()
        }
      },
    )
    for (let i = 0; i < 100; i += 1) {
      const { unmount } = renderStrict(
        <AuthProvider client={client}>
          <Name />
        </AuthProvider>,
      )
      await advance(i === 0 ? 100 : 0)
      expect(paragraphs()).toEqual(['Signed in as Ada Lovelace'])
      // Mounted: the renewal timer is the only timer.
      expect(vi.getTimerCount()).toBe(1)
      expect(channels.open).toBe(1)
      unmount()
      expect(vi.getTimerCount()).toBe(0)
      expect(channels.open).toBe(0)
    }
    const names = (calls: unknown[][]) => calls.map(([type]) => type).sort()
    expect(names(added.mock.calls).length).toBeGreaterThan(0)
    expect(names(removed.mock.calls)).toEqual(names(added.mock.calls))
    // StrictMode mounts effects twice: two channels per mount, every one closed.
    expect(channels.opened).toBe(200)
    await advance(10 * 60_000)
    expect(server.stats.refreshes).toBe(1)
    expect(server.stats.reuseDetections).toBe(0)
  })
})

describe('clears the query cache', () => {
  async function signedIn(options: { crossTab?: string; queryClientProp?: boolean } = {}) {
    const server = createTestAuthServer({ accessTtl: 60, users })
    server.signIn('ada')
    const client = makeClient({
      transport: server.transport,
      crossTab: options.crossTab ? { name: options.crossTab } : false,
    })
    const queryClient = new QueryClient()
    const app = options.queryClientProp ? (
      <AuthProvider client={client} queryClient={queryClient}>
        <Name />
      </AuthProvider>
    ) : (
      <QueryClientProvider client={queryClient}>
        <AuthProvider client={client}>
          <Name />
        </AuthProvider>
      </QueryClientProvider>
    )
    renderStrict(app)
    await advance(options.crossTab ? 100 : 0)
    expect(paragraphs()).toEqual(['Signed in as Ada Lovelace'])
    queryClient.setQueryData(['orders'], [{ id: 1, total: 42 }])
    queryClient.setQueryData(['profile'], { bio: 'Analytical Engine' })
    expect(queryClient.getQueryCache().getAll()).toHaveLength(2)
    return { server, client, queryClient }
  }

  it('on a local sign-out', async () => {
    const { client, queryClient } = await signedIn()
    await act(() => client.logout())
    expect(queryClient.getQueryCache().getAll()).toHaveLength(0)
    expect(paragraphs()).toEqual(['Signed out'])
  })

  it('given as the queryClient prop, with no QueryClientProvider', async () => {
    const { client, queryClient } = await signedIn({ queryClientProp: true })
    await act(() => client.logout())
    expect(queryClient.getQueryCache().getAll()).toHaveLength(0)
  })

  it('when another tab signs out', async () => {
    const name = channelName()
    const { server, client, queryClient } = await signedIn({ crossTab: name })
    const otherTab = makeClient({ transport: server.transport, crossTab: { name } })
    otherTab.start()
    await advance(100)
    // The second tab got the session from the first one, without a refresh call.
    expect(otherTab.getState().status).toBe('authenticated')
    expect(server.stats.refreshes).toBe(1)

    await act(() => otherTab.logout())
    await advance()
    expect(client.getState()).toMatchObject({ status: 'unauthenticated', reason: 'other-tab' })
    expect(queryClient.getQueryCache().getAll()).toHaveLength(0)
    expect(paragraphs()).toEqual(['Signed out'])
  })

  it('when the refresh is refused (session revoked on the server)', async () => {
    const { server, client, queryClient } = await signedIn()
    server.revoke()
    // 60 s token, 12 s margin: the silent refresh is due at 48 s.
    await advance(47_000)
    expect(queryClient.getQueryCache().getAll()).toHaveLength(2)
    await advance(1_000)
    expect(client.getState()).toMatchObject({ status: 'unauthenticated', reason: 'revoked' })
    expect(queryClient.getQueryCache().getAll()).toHaveLength(0)
  })

  it('when another user signs in', async () => {
    const { client, queryClient } = await signedIn()
    await act(() => client.login({ username: 'grace', password: 'hopper' }))
    expect(queryClient.getQueryCache().getAll()).toHaveLength(0)
    expect(paragraphs()).toEqual(['Signed in as Grace Hopper'])
  })

  it('but not on a silent refresh of the same user', async () => {
    const { server, queryClient } = await signedIn()
    await advance(48_000)
    expect(server.stats.refreshes).toBe(2)
    expect(queryClient.getQueryCache().getAll()).toHaveLength(2)
  })
})
