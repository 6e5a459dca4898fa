import { AuthError } from 'react-jwt-session/core'
import { createTestAuthServer } from 'react-jwt-session/testing'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { credentials, flush, setup } from '../helpers/clients'

beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  vi.useRealTimers()
})

describe('start()', () => {
  it('restores the session with one refresh, however often it is called', async () => {
    const { server, client } = setup()
    server.signIn()
    expect(client.getState().status).toBe('loading')
    for (let i = 0; i < 5; i += 1) client.start()
    await flush()
    expect(server.stats.refreshes).toBe(1)
    expect(client.getState()).toMatchObject({ status: 'authenticated', reason: null, error: null })
    expect(client.getState().user).toMatchObject({ sub: 'user-ada', name: 'Ada Lovelace' })
  })

  it('stop and start again (StrictMode) makes no second request', async () => {
    const { server, client } = setup()
    server.signIn()
    const stop = client.start()
    stop()
    client.start()
    await flush()
    expect(server.stats.refreshes).toBe(1)
    expect(client.getState().status).toBe('authenticated')
  })

  it('a refused initial refresh means no session: unauthenticated, no error', async () => {
    const { server, client } = setup()
    client.start()
    await flush()
    expect(client.getState()).toMatchObject({ status: 'unauthenticated', reason: 'no-session', error: null })
    expect(server.requests.filter((r) => r.path === '/auth/refresh')).toHaveLength(1)
  })

  it('a dropped cookie ends the gate after exactly one call, no loop', async () => {
    const { server, client } = setup()
    client.start()
    await flush(10 * 60_000)
    expect(server.requests.map((r) => r.path)).toEqual(['/auth/refresh'])
    expect(client.getState().reason).toBe('no-session')
  })

  it('a hung initial refresh ends the gate at requestTimeout, then recovers in the background', async () => {
    const { server, client } = setup({}, { requestTimeout: 5_000 })
    server.signIn()
    server.fail('hang')
    client.start()
    await flush(4_999)
    expect(client.getState().status).toBe('loading')
    await flush(1)
    expect(client.getState()).toMatchObject({ status: 'unauthenticated', reason: 'network' })
    expect(client.getState().error?.code).toBe('timeout')
    await flush(1_300) // first retry: 1 s ± 20 %
    expect(client.getState()).toMatchObject({ status: 'authenticated', error: null, reason: null })
  })

  it('an initial network failure shows signed out with the reason and signs in once the server is back', async () => {
    const { server, client } = setup()
    server.signIn()
    server.fail('network', 2)
    client.start()
    await flush()
    expect(client.getState()).toMatchObject({ status: 'unauthenticated', reason: 'network' })
    expect(client.getState().error?.code).toBe('network')
    await flush(1_200)
    expect(client.getState().status).toBe('unauthenticated')
    window.dispatchEvent(new Event('online'))
    await flush()
    expect(client.getState().status).toBe('authenticated')
  })

  it('starts authenticated from initialSession with no request', async () => {
    const first = setup()
    await first.client.login(credentials)
    const { accessToken } = first.client.getState()
    const { server, client } = setup({}, { initialSession: { access_token: accessToken, expires_in: 600 } })
    expect(client.getState().status).toBe('authenticated')
    client.start()
    await flush()
    expect(server.requests).toHaveLength(0)
  })
})

describe('login()', () => {
  it('signs in and resolves with the session', async () => {
    const { client } = setup()
    const session = await client.login(credentials)
    expect(session.accessToken).toBe(client.getState().accessToken)
    expect(session.user).toBe(client.getState().user)
    expect(client.getState().status).toBe('authenticated')
  })

  it.each([
    ['wrong password', () => undefined, { ...credentials, password: 'nope' }, 'invalid_credentials'],
    ['network', (s: ReturnType<typeof setup>['server']) => s.fail('network'), credentials, 'network'],
    ['500', (s: ReturnType<typeof setup>['server']) => s.fail('500'), credentials, 'server'],
    ['429', (s: ReturnType<typeof setup>['server']) => s.fail('429'), credentials, 'server'],
    ['HTML page', (s: ReturnType<typeof setup>['server']) => s.fail('html'), credentials, 'bad_response'],
  ] as const)('rejects with AuthError on %s, signed out, nothing stored', async (_, arrange, creds, code) => {
    const { server, client } = setup()
    arrange(server)
    const error = await client.login(creds).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(AuthError)
    expect((error as AuthError).code).toBe(code)
    expect(client.getState().accessToken).toBeNull()
    expect(server.stats.refreshes).toBe(0)
  })

  it('the login call’s own 401 never triggers a refresh', async () => {
    const { server, client } = setup()
    await client.login({ username: 'ada', password: 'wrong' }).catch(() => {})
    expect(server.requests.map((r) => r.path)).toEqual(['/auth/login'])
  })

  it('a login during the initial refresh wins over it', async () => {
    const { server, client } = setup({
      users: [
        { username: 'ada', password: 'lovelace', sub: 'ada' },
        { username: 'bob', password: 'builder', sub: 'bob' },
      ],
    })
    server.signIn('ada')
    client.start()
    await client.login({ username: 'bob', password: 'builder' })
    await flush()
    expect(client.getState().claims?.sub).toBe('bob')
  })
})

describe('logout()', () => {
  it('clears memory synchronously, before the server answers', async () => {
    const { server, client } = setup({ latency: 1_000 })
    const login = client.login(credentials)
    await flush(1_000)
    await login
    const done = client.logout()
    expect(client.getState()).toMatchObject({
      status: 'unauthenticated',
      accessToken: null,
      user: null,
      reason: 'logout',
    })
    await flush(1_000)
    await done
    expect(server.stats.logouts).toBe(1)
    expect(server.hasCookie).toBe(false)
  })

  it('never rejects when the server is down; reports it through error', async () => {
    const { server, client } = setup()
    await client.login(credentials)
    server.fail('network')
    await expect(client.logout()).resolves.toBeUndefined()
    expect(client.getState()).toMatchObject({ status: 'unauthenticated', reason: 'logout' })
    expect(client.getState().error?.code).toBe('network')
  })

  it('a logout the server answers 4xx (no session left there) is not reported as an error', async () => {
    const server = createTestAuthServer()
    // The test server answers logout 200 even without a cookie; a stricter server says 401.
    const strict: typeof fetch = async (input, init) =>
      String(input).endsWith('/auth/logout')
        ? new Response('{"error":"no_session"}', { status: 401 })
        : server.fetch(input, init)
    const { client } = setup({}, { fetch: strict })
    await client.login(credentials)
    await client.logout()
    expect(client.getState()).toMatchObject({ status: 'unauthenticated', reason: 'logout', error: null })
  })

  it('everywhere revokes the other devices', async () => {
    const device1 = setup()
    await device1.client.login(credentials)
    device1.server.signIn() // a second device of the same user on the same server
    await device1.client.logout({ everywhere: true })
    device1.client.start()
    await expect(device1.client.refresh()).resolves.toBeNull()
    expect(device1.server.stats.logouts).toBe(1)
  })

  it('a refresh that finishes after logout() is dropped (the session does not come back)', async () => {
    const { server, client } = setup({ latency: 500 })
    server.signIn()
    client.start()
    await flush(500)
    expect(client.getState().status).toBe('authenticated')
    const renewing = client.refresh()
    await flush(100)
    void client.logout()
    await flush(1_000)
    await renewing
    expect(client.getState()).toMatchObject({
      status: 'unauthenticated',
      reason: 'logout',
      accessToken: null,
    })
    expect(server.stats.refreshes).toBe(2) // the server did answer; the client dropped it
  })
})

describe('setSession()', () => {
  it('adopts a token response obtained elsewhere, and refuses a bad one with AuthError', async () => {
    const source = setup()
    await source.client.login(credentials)
    const { client } = setup()
    client.setSession({ accessToken: source.client.getState().accessToken, expiresIn: 600 })
    expect(client.getState().status).toBe('authenticated')
    expect(() => client.setSession({ access_token: 'not-a-jwt', expires_in: 60 })).toThrow(AuthError)
    expect(client.getState().accessToken).toBe(source.client.getState().accessToken)
  })
})

describe('getAccessToken()', () => {
  it('waits for the initial refresh, then returns the token', async () => {
    const { server, client } = setup({ latency: 300 })
    server.signIn()
    client.start()
    const token = client.getAccessToken()
    await flush(300)
    await expect(token).resolves.toBe(client.getState().accessToken)
    expect(server.stats.refreshes).toBe(1)
  })

  it('returns null when signed out, without a request', async () => {
    const { server, client } = setup()
    client.start()
    await flush()
    await expect(client.getAccessToken()).resolves.toBeNull()
    expect(server.requests).toHaveLength(1)
  })

  it('renews first when the token would not last minValidity', async () => {
    const { server, client } = setup({ accessTtl: 600 })
    await client.login(credentials)
    const first = client.getState().accessToken
    await expect(client.getAccessToken({ minValidity: 60_000 })).resolves.toBe(first)
    const renewed = await client.getAccessToken({ minValidity: 700_000 })
    expect(renewed).not.toBe(first)
    expect(server.stats.refreshes).toBe(1)
  })
  it('when the renewal fails, returns the token while it still lasts, and the error once it has expired', async () => {
    const { server, client } = setup({ accessTtl: 600 })
    await client.login(credentials)
    client.start()
    const token = client.getState().accessToken
    server.fail('503')
    // Wants 700 s of validity: renews, the server fails, the 10 minutes left are still worth using.
    await expect(client.getAccessToken({ minValidity: 700_000 })).resolves.toBe(token)
    expect(client.getState().error?.code).toBe('server')
    // While a retry is scheduled, no new request: the token is used as long as it lasts …
    server.fail('503', 100)
    const calls = server.requests.length
    await expect(client.getAccessToken({ minValidity: 700_000 })).resolves.toBe(token)
    expect(server.requests.length).toBe(calls)
    // … and once it has expired the caller learns why.
    vi.setSystemTime(Date.now() + 601_000)
    await expect(client.getAccessToken()).rejects.toMatchObject({ code: 'server' })
  })
})

describe('destroy()', () => {
  it('makes no request afterwards, even with a refresh due', async () => {
    const { server, client } = setup({ accessTtl: 60 })
    await client.login(credentials)
    client.start()
    client.destroy()
    await flush(10 * 60_000)
    await client.refresh()
    expect(server.requests.map((r) => r.path)).toEqual(['/auth/login'])
  })

  it('start() on a destroyed client warns once and makes no request', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    const { server, client } = setup()
    server.signIn()
    client.destroy()
    const stop = client.start()
    client.start()
    await flush(1_000)
    expect(server.requests).toHaveLength(0)
    // Destroyed before any restore: settled signed out with a reason of its own, never left loading.
    expect(client.getState()).toMatchObject({ status: 'unauthenticated', reason: 'destroyed' })
    expect(warn.mock.calls.filter(([m]) => String(m).includes('destroyed client'))).toHaveLength(1)
    stop()
  })

  it('create/start/destroy 100 times leaves no timer or listener behind', async () => {
    const added = vi.spyOn(window, 'addEventListener')
    const removed = vi.spyOn(window, 'removeEventListener')
    const docAdded = vi.spyOn(document, 'addEventListener')
    const docRemoved = vi.spyOn(document, 'removeEventListener')
    for (let i = 0; i < 100; i += 1) {
      const { server, client } = setup({ accessTtl: 60 }, { crossTab: { name: `leak-${i}` } })
      server.signIn()
      client.start()
      await flush(150)
      expect(client.getState().status).toBe('authenticated')
      client.destroy()
    }
    expect(vi.getTimerCount()).toBe(0)
    expect(added.mock.calls.length).toBe(removed.mock.calls.length)
    expect(docAdded.mock.calls.length).toBe(docRemoved.mock.calls.length)
    expect(added.mock.calls.length).toBe(300)
  })

  it('stop() of the last start removes timers and listeners; a new start() restores them', async () => {
    const { server, client } = setup({ accessTtl: 60 })
    server.signIn()
    const stop = client.start()
    await flush()
    expect(vi.getTimerCount()).toBe(1)
    stop()
    expect(vi.getTimerCount()).toBe(0)
    client.start()
    expect(vi.getTimerCount()).toBe(1)
    await flush(60_000)
    expect(server.stats.refreshes).toBe(2)
  })
})
