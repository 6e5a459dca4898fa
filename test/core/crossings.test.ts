import {
  type AuthClient,
  type AuthClientOptions,
  AuthError,
  type AuthTransport,
  createAuthClient,
  type SignOutReason,
} from 'react-jwt-session/core'
import { createTestAuthServer, createTestToken } from 'react-jwt-session/testing'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { credentials, flush, setup } from '../helpers/clients'
import { installLockShim } from '../helpers/locks'
import { elapse, openTab, run, settle, type TabUser, tabUsers } from '../helpers/tabs'

// Lifecycle crossings: a login, a logout, a remount or destroy() meeting a renewal. Each settles as the README
// says: the login wins over a renewal it meets, no session comes back after a logout, no token leaves a
// destroyed client, and silent renewal never stops while there is a session to renew.

beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  vi.useRealTimers()
  vi.restoreAllMocks()
})

type Kind = keyof AuthTransport
interface Call {
  kind: Kind
  resolve(body: unknown): void
  reject(error: unknown): void
}

/** A transport whose answers the test gives by hand, in the order it chooses. */
function scriptedServer() {
  const calls: Call[] = []
  const waitFor = (kind: Kind) =>
    new Promise((resolve, reject) => {
      calls.push({ kind, resolve, reject })
    })
  const transport: AuthTransport = {
    login: () => waitFor('login'),
    refresh: () => waitFor('refresh'),
    logout: () => waitFor('logout'),
  }
  /** Answers every call of `kind` waiting now; returns how many there were. */
  function answer(kind: Kind, outcome: unknown) {
    const waiting = calls.filter((call) => call.kind === kind)
    for (const call of waiting) {
      calls.splice(calls.indexOf(call), 1)
      if (outcome instanceof Error) call.reject(outcome)
      else call.resolve(outcome)
    }
    return waiting.length
  }
  const waiting = (kind: Kind) => calls.filter((call) => call.kind === kind).length
  return { transport, answer, waiting }
}

let issued = 0
/** A token answer; each token differs (its `jti`), so a renewed token never equals the one it replaces. */
const answerFor = (sub: string, expiresIn = 60) => ({
  access_token: createTestToken({ sub, name: sub, jti: String(++issued) }, { expiresIn }),
  expires_in: expiresIn,
})

const refused = () => new AuthError('session_expired', undefined, { status: 401 })

const clients: AuthClient<unknown>[] = []
afterEach(() => {
  for (const client of clients.splice(0)) client.destroy()
})

/** A client on a scripted server, signed in as `ada` from the start, with a clock the test can jump. */
function signedInClient(options: AuthClientOptions<unknown> = {}) {
  const server = scriptedServer()
  let skew = 0
  const client = createAuthClient({
    transport: server.transport,
    crossTab: false,
    initialSession: answerFor('ada'),
    now: () => Date.now() + skew,
    ...options,
  })
  clients.push(client)
  client.start()
  /** Moves the client's clock without firing timers, as a sleeping laptop does. */
  const sleep = (ms: number) => {
    skew += ms
  }
  return { server, client, sleep, now: () => Date.now() + skew }
}

const refreshCalls = (server: { requests: { path: string }[] }) =>
  server.requests.filter((request) => request.path === '/auth/refresh').length

const subject = (client: AuthClient<unknown>) => client.getState().claims?.sub

describe('a login meeting a renewal: the login wins (issue 18, item 4)', () => {
  it('a renewal refused while the login is in flight does not cancel the login', async () => {
    const { server, client } = signedInClient()
    const login = client.login({ username: 'bob' })
    const renewal = client.refresh()
    await flush()
    server.answer('refresh', refused())
    await flush()
    server.answer('login', answerFor('bob'))
    await flush()
    await expect(login).resolves.toMatchObject({ claims: { sub: 'bob' } })
    await expect(renewal).resolves.toMatchObject({ claims: { sub: 'bob' } })
    expect(client.getState()).toMatchObject({ status: 'authenticated', reason: null, refreshing: false })
    expect(subject(client)).toBe('bob')
  })

  it('a renewal answering for another user while the login is in flight does not cancel the login', async () => {
    const { server, client } = signedInClient()
    const login = client.login({ username: 'bob' })
    void client.refresh().catch(() => null)
    await flush()
    server.answer('refresh', answerFor('carol'))
    await flush()
    server.answer('login', answerFor('bob'))
    await flush()
    await expect(login).resolves.toMatchObject({ claims: { sub: 'bob' } })
    expect(subject(client)).toBe('bob')
  })

  it('a renewal asked for during a login makes no call of its own when the login succeeds', async () => {
    const { server, client } = signedInClient()
    const login = client.login({ username: 'bob' })
    const renewal = client.refresh()
    await flush()
    expect(server.waiting('refresh')).toBe(0)
    server.answer('login', answerFor('bob'))
    await flush()
    await login
    expect((await renewal)?.claims.sub).toBe('bob')
    expect(server.waiting('refresh')).toBe(0)
  })
})

describe('a failed login does not stop silent renewal (issue 18, item 5)', () => {
  it('the renewal the login dropped runs again, and the session is renewed before it expires', async () => {
    const { server, client, now } = signedInClient()
    await flush(48_000) // the renewal point of a 60 s token
    expect(server.waiting('refresh')).toBe(1)
    const login = client.login({ username: 'bob', password: 'wrong' })
    login.catch(() => null)
    await flush()
    server.answer('login', new AuthError('invalid_credentials', undefined, { status: 401 }))
    await flush()
    await expect(login).rejects.toMatchObject({ code: 'invalid_credentials' })
    // Nothing left behind: the renewal is in flight again, or scheduled in the future.
    const s = client.getState()
    expect(s.refreshing || (s.refreshAt !== null && s.refreshAt > now())).toBe(true)
    for (let round = 0; round < 3; round += 1) {
      server.answer('refresh', answerFor('ada'))
      await flush()
    }
    expect(client.getState()).toMatchObject({ status: 'authenticated', refreshing: false, error: null })
    expect(client.getState().expiresAt).toBeGreaterThan(now() + 30_000)
    expect(client.getState().refreshAt).toBeGreaterThan(now())
    expect(subject(client)).toBe('ada')
  })
})

describe('a failed login while a renewal waits to retry', () => {
  it('leaves the retry armed: it runs, or is scheduled in the future', async () => {
    const { server, client, now } = signedInClient()
    client.refresh().catch(() => null)
    await flush()
    server.answer('refresh', new AuthError('server', undefined, { status: 503 }))
    await flush()
    const login = client.login({ username: 'bob', password: 'wrong' })
    login.catch(() => null)
    await flush(5_000) // the retry (about 1 s) comes due while the login is in flight
    server.answer('login', new AuthError('invalid_credentials', undefined, { status: 401 }))
    await flush()
    await expect(login).rejects.toMatchObject({ code: 'invalid_credentials' })
    const s = client.getState()
    expect(s.refreshing || (s.refreshAt !== null && s.refreshAt > now())).toBe(true)
    expect(server.waiting('refresh')).toBe(1)
  })
})

describe('getAccessToken() never resolves an expired token, nor one after destroy() (issue 18, item 6)', () => {
  it('its renewal dropped by a login that succeeds: it resolves the login’s token', async () => {
    const { server, client, sleep } = signedInClient()
    const expired = client.getState().accessToken
    sleep(70_000)
    const token = client.getAccessToken()
    await flush()
    expect(server.waiting('refresh')).toBe(1)
    const login = client.login({ username: 'bob' })
    // The dropped renewal answers first, then the login.
    server.answer('refresh', answerFor('ada'))
    await flush()
    server.answer('login', answerFor('bob'))
    await flush()
    await login
    const resolved = await token
    expect(resolved).not.toBe(expired)
    expect(resolved).toBe(client.getState().accessToken)
    expect(subject(client)).toBe('bob')
  })

  it('its renewal dropped by a login that fails: it resolves a renewed token', async () => {
    const { server, client, sleep, now } = signedInClient()
    const expired = client.getState().accessToken
    sleep(70_000)
    const token = client.getAccessToken()
    await flush()
    const login = client.login({ username: 'bob', password: 'wrong' })
    login.catch(() => null)
    server.answer('refresh', answerFor('ada'))
    await flush()
    server.answer('login', new AuthError('invalid_credentials', undefined, { status: 401 }))
    await flush()
    server.answer('refresh', answerFor('ada'))
    await flush()
    const resolved = await token
    expect(resolved).not.toBe(expired)
    expect(resolved).toBe(client.getState().accessToken)
    expect(client.getState().expiresAt).toBeGreaterThan(now())
  })

  it('its renewal dropped by a login that is dropped in turn and fails: it never resolves the expired token', async () => {
    const { server, client, sleep } = signedInClient()
    const expired = client.getState().accessToken
    sleep(70_000)
    const token = client.getAccessToken().catch((error: unknown) => error)
    await flush()
    const first = client.login({ username: 'bob', password: 'wrong' })
    first.catch(() => null)
    server.answer('refresh', answerFor('ada')) // dropped: the token follows the first login
    await flush()
    const second = client.login({ username: 'bob', password: 'builder' })
    second.catch(() => null)
    await flush()
    server.answer('login', new AuthError('invalid_credentials', undefined, { status: 401 }))
    await flush()
    const resolved = await token
    expect(resolved).not.toBe(expired)
    expect(resolved).toBeInstanceOf(AuthError)
  })

  it('destroyed while its renewal is in flight: it resolves null', async () => {
    const { server, client, sleep } = signedInClient()
    sleep(70_000)
    const token = client.getAccessToken()
    await flush()
    client.destroy()
    server.answer('refresh', answerFor('ada'))
    await flush()
    await expect(token).resolves.toBeNull()
  })
})

describe('Retry-After is honoured by the renewal retry (issue 18, item 11)', () => {
  it('after a 503 with Retry-After: 120 the next attempt comes no sooner than 120 s', async () => {
    // Renewed 5 min before expiry, so the pause fits before the token expires.
    const { server, client } = setup({ accessTtl: 900 }, { refreshMargin: 300_000 })
    server.signIn()
    client.start()
    await flush()
    server.fail('503', 1, { retryAfter: 120 })
    await flush(600_000) // the renewal point
    expect(refreshCalls(server)).toBe(2)
    expect(client.getState().error).toMatchObject({ code: 'server', retryAfter: 120 })
    await flush(119_000)
    expect(refreshCalls(server)).toBe(2)
    await flush(2_000)
    expect(refreshCalls(server)).toBe(3)
    expect(client.getState()).toMatchObject({ status: 'authenticated', error: null })
  })

  it('a pause longer than the token lasts is cut short: the token is tried once more before it expires', async () => {
    const { server, client } = setup({ accessTtl: 60 })
    server.signIn()
    client.start()
    await flush()
    const expiresAt = client.getState().expiresAt as number
    server.fail('429', 1, { retryAfter: 120 })
    await flush(48_000) // the renewal point, 12 s before expiry
    expect(refreshCalls(server)).toBe(2)
    await flush(5_000)
    expect(refreshCalls(server)).toBe(2)
    await flush(expiresAt - Date.now() - 1)
    expect(refreshCalls(server)).toBe(3)
    expect(client.getState()).toMatchObject({ status: 'authenticated', error: null })
    expect(client.getState().expiresAt).toBeGreaterThan(expiresAt)
  })
})

describe('a Retry-After that is not a finite number', () => {
  it.each([Number.NaN, Number.POSITIVE_INFINITY])(
    'retryAfter %s: the backoff alone, no loop',
    async (retryAfter) => {
      const server = scriptedServer()
      const client = createAuthClient({ transport: server.transport, crossTab: false })
      clients.push(client)
      client.start()
      await flush()
      server.answer('refresh', new AuthError('server', undefined, { status: 503, retryAfter }))
      await flush()
      expect(client.getState()).toMatchObject({ status: 'unauthenticated', reason: 'network' })
      await flush(1_300) // the first retry: 1 s ± 20 %
      expect(server.waiting('refresh')).toBe(1)
      server.answer('refresh', answerFor('ada'))
      await flush()
      expect(client.getState().status).toBe('authenticated')
    },
  )
})

describe('signout only for a client that was signed in (issue 18, item 13)', () => {
  it('logout() after a restore that failed for a network reason fires no signout', async () => {
    const { server, client } = setup()
    server.signIn()
    server.fail('network')
    const signouts: SignOutReason[] = []
    client.on('signout', ({ reason }) => signouts.push(reason))
    client.start()
    await flush()
    expect(client.getState()).toMatchObject({ status: 'unauthenticated', reason: 'network' })
    await client.logout()
    expect(client.getState()).toMatchObject({ status: 'unauthenticated', reason: 'logout' })
    expect(signouts).toEqual([])
  })
})

describe('a logout whose server call failed stays a logout (issue 18, item 9)', () => {
  it('stopping and starting the client again (a provider remounted) does not sign the user back in', async () => {
    const { server, client } = setup()
    server.signIn()
    const stop = client.start()
    await flush()
    expect(client.getState().status).toBe('authenticated')
    const signins: string[] = []
    client.on('signin', ({ source }) => signins.push(source))
    server.fail('network')
    await client.logout()
    expect(client.getState()).toMatchObject({ status: 'unauthenticated', reason: 'logout' })
    expect(client.getState().error?.code).toBe('network')
    const refreshes = server.stats.refreshes
    stop()
    client.start()
    await flush(120_000)
    expect(client.getState()).toMatchObject({ status: 'unauthenticated', reason: 'logout' })
    expect(signins).toEqual([])
    expect(server.stats.refreshes).toBe(refreshes)
  })
})

describe('initialSession: null means the server found no session', () => {
  it('starts signed out and makes no refresh call', async () => {
    const { server, client } = setup({}, { initialSession: null })
    server.signIn()
    expect(client.getState()).toMatchObject({ status: 'unauthenticated', reason: 'no-session' })
    client.start()
    await flush(1_000)
    expect(server.stats.refreshes).toBe(0)
    expect(client.getState()).toMatchObject({ status: 'unauthenticated', reason: 'no-session', error: null })
  })

  it('left out, the session is unknown: the client restores it', async () => {
    const { server, client } = setup()
    server.signIn()
    expect(client.getState().status).toBe('loading')
    client.start()
    await flush()
    expect(server.stats.refreshes).toBe(1)
    expect(client.getState().status).toBe('authenticated')
  })
})

describe('a client destroyed while loading', () => {
  it('settles signed out with reason "destroyed", and its pending calls settle', async () => {
    const { server, client } = setup({ latency: 50 })
    server.signIn()
    client.start()
    const token = client.getAccessToken()
    await flush(10)
    client.destroy()
    await flush(100)
    expect(client.getState()).toMatchObject({ status: 'unauthenticated', reason: 'destroyed', error: null })
    await expect(token).resolves.toBeNull()
  })
})

describe('a user the structured-clone algorithm cannot copy, across tabs (issue 18, item 8)', () => {
  let locks: ReturnType<typeof installLockShim>
  const cleanups: Array<() => void> = []
  let runs = 0
  beforeEach(() => {
    locks = installLockShim()
  })
  afterEach(() => {
    for (const cleanup of cleanups.splice(0).reverse()) cleanup()
    locks.uninstall()
  })

  it('login() resolves, the other tab gets a plain-JSON copy, renewals do not loop, and a warning says so once', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    const server = createTestAuthServer({ accessTtl: 60, users: tabUsers })
    const name = `uncloneable-user-${++runs}`
    const withMethod: AuthClientOptions<TabUser> = {
      getUser: (claims) => ({ ...claims, greet: () => 'Hello' }) as unknown as TabUser,
    }
    const a = openTab(server, name, cleanups, withMethod)
    const b = openTab(server, name, cleanups, withMethod)
    await elapse(300)
    const session = await run(a.login(credentials))
    expect(a.getState()).toMatchObject({ status: 'authenticated', error: null })
    expect(typeof (session.user as unknown as { greet: unknown }).greet).toBe('function')
    await elapse(100)
    expect(b.getState()).toMatchObject({
      status: 'authenticated',
      user: { sub: 'user-ada', name: 'Ada Lovelace' },
    })
    expect('greet' in (b.getState().user as object)).toBe(false)
    const refreshes = server.stats.refreshes
    await elapse(120_000, 100) // two token lifetimes
    expect(server.stats.refreshes - refreshes).toBeLessThanOrEqual(3)
    expect(server.stats.reuseDetections).toBe(0)
    expect([a, b].map((tab) => tab.getState().status)).toEqual(['authenticated', 'authenticated'])
    expect(warn.mock.calls.filter(([message]) => String(message).includes('plain-JSON'))).toHaveLength(1)
  })
})

describe('a user that has neither a structured clone nor a JSON copy (nested too deep)', () => {
  /** A user nested far deeper than JSON.stringify and the structured-clone algorithm can walk. */
  const deepUser = () => {
    let user: Record<string, unknown> = { sub: 'ada' }
    for (let depth = 0; depth < 200_000; depth += 1) user = { a: user }
    return user
  }

  it('setSession(), login() and a renewal succeed, and the session stays in this tab', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {})
    const user = deepUser()
    const { server, client } = signedInClient({ crossTab: { name: `deep-user-${Date.now()}` } })
    expect(() => client.setSession({ ...answerFor('ada'), user })).not.toThrow()
    expect(client.getState().status).toBe('authenticated')
    expect(client.getState().user).toBe(user)
    const login = client.login(credentials)
    await flush()
    const loginUser = deepUser()
    server.answer('login', { ...answerFor('ada'), user: loginUser })
    expect((await login).user).toBe(loginUser)
    await flush(48_000)
    server.answer('refresh', { ...answerFor('ada'), user: deepUser() })
    await flush()
    const { status, error, refreshing, refreshAt } = client.getState()
    expect({ status, error, refreshing }).toEqual({ status: 'authenticated', error: null, refreshing: false })
    expect(refreshAt).toBeGreaterThan(Date.now())
  })
})

describe('destroy() while a login waits for the refresh lock', () => {
  it('sends no login request, and the login rejects', async () => {
    const locks = installLockShim()
    try {
      const name = `destroyed-login-${Date.now()}`
      let release = () => {}
      // Another tab holds the refresh lock.
      void navigator.locks.request(
        `${name}:refresh`,
        () => new Promise<void>((resolve) => (release = resolve)),
      )
      const { server, client } = signedInClient({ crossTab: { name } })
      const login = client.login(credentials)
      login.catch(() => null)
      await flush(10)
      client.destroy()
      release()
      await flush(10)
      expect(server.waiting('login')).toBe(0)
      await expect(login).rejects.toMatchObject({ code: 'network' })
    } finally {
      locks.uninstall()
    }
  })
})

describe('a logout in another tab ends a login in flight in a signed-out tab', () => {
  it('the login rejects, and no tab is signed in', async () => {
    const name = `logout-ends-login-${Date.now()}`
    const other = signedInClient({ crossTab: { name } })
    const { server, client } = signedInClient({ crossTab: { name }, initialSession: null })
    await settle()
    const login = client.login(credentials)
    login.catch(() => null)
    await settle()
    void other.client.logout()
    await settle()
    server.answer('login', answerFor('ada'))
    await settle()
    await expect(login).rejects.toMatchObject({ code: 'session_expired' })
    expect([client, other.client].map((tab) => tab.getState().status)).toEqual([
      'unauthenticated',
      'unauthenticated',
    ])
  })
})

describe('a wake-up that finds the renewal not yet due', () => {
  it('arms it again from the clock, so it is not late by the time the laptop slept', async () => {
    const { server, client, sleep } = signedInClient()
    const refreshAt = client.getState().refreshAt as number
    await flush(10_000)
    sleep(30_000) // the clock moves on; the armed timer does not
    window.dispatchEvent(new Event('focus'))
    await flush()
    expect(server.waiting('refresh')).toBe(0)
    await flush(refreshAt - Date.now() - 30_000)
    expect(server.waiting('refresh')).toBe(1)
  })
  it('runs a retry that came due while the laptop slept at once', async () => {
    const { server, client, sleep } = signedInClient()
    client.refresh().catch(() => null)
    await flush()
    server.answer('refresh', new AuthError('server', undefined, { status: 503 }))
    await flush()
    expect(client.getState().error?.code).toBe('server')
    sleep(10_000) // the backoff retry (about 1 s) is overdue; the token is not
    window.dispatchEvent(new Event('focus'))
    await flush()
    expect(server.waiting('refresh')).toBe(1)
  })
})

describe('client.fetch whose 401 arrives after logout()', () => {
  it('returns the 401 and makes no renewal that could sign the user back in', async () => {
    let answer = (_response: Response) => {}
    const fetch = vi.fn(
      () =>
        new Promise<Response>((resolve) => {
          answer = resolve
        }),
    )
    const { server, client } = signedInClient({ fetch })
    const response = client.fetch('/api/items')
    await flush()
    void client.logout()
    answer(new Response(null, { status: 401 }))
    await flush()
    expect(server.waiting('refresh')).toBe(0)
    expect((await response).status).toBe(401)
    expect(client.getState()).toMatchObject({ status: 'unauthenticated', reason: 'logout' })
  })
})

describe('a renewal refused in another tab while a login is in flight', () => {
  it('does not cancel the login the server accepts', async () => {
    const name = `refused-elsewhere-${Date.now()}`
    const other = signedInClient({ crossTab: { name } })
    const { server, client } = signedInClient({ crossTab: { name } })
    await settle()
    const login = client.login({ username: 'bob', password: 'builder' })
    login.catch(() => null)
    other.client.refresh().catch(() => null)
    await settle()
    other.server.answer('refresh', refused())
    await settle()
    expect(other.client.getState()).toMatchObject({ status: 'unauthenticated', reason: 'expired' })
    server.answer('login', answerFor('bob'))
    await settle()
    await expect(login).resolves.toMatchObject({ claims: { sub: 'bob' } })
    expect(client.getState()).toMatchObject({ status: 'authenticated', claims: { sub: 'bob' } })
  })
})

describe('a login that crosses a logout in another tab', () => {
  it('signs no tab back in: the tab that signed out drops a sign-in whose call began before its logout', async () => {
    const name = `login-crosses-logout-${Date.now()}`
    const other = signedInClient({ crossTab: { name } })
    const { server, client } = signedInClient({ crossTab: { name } })
    await settle()
    const login = client.login(credentials)
    login.catch(() => null)
    await settle()
    // The login's answer and the other tab's logout in the same moment: each tab's message reaches the other
    // after it acted on its own.
    server.answer('login', answerFor('bob'))
    void other.client.logout()
    await settle()
    expect([client, other.client].map((tab) => tab.getState().status)).toEqual([
      'unauthenticated',
      'unauthenticated',
    ])
  })

  it('a sign-in that began after the logout is adopted by the tab that signed out', async () => {
    const name = `login-after-logout-${Date.now()}`
    const other = signedInClient({ crossTab: { name } })
    const { server, client } = signedInClient({ crossTab: { name } })
    await settle()
    void other.client.logout()
    await settle()
    await flush(5)
    const login = client.login(credentials)
    await settle()
    server.answer('login', answerFor('bob'))
    await login
    await settle()
    expect([client, other.client].map((tab) => subject(tab))).toEqual(['bob', 'bob'])
  })
})
