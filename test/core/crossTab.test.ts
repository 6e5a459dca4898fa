import {
  type AuthClient,
  type AuthClientOptions,
  type AuthState,
  type AuthTransport,
  createAuthClient,
  type TokenResponse,
} from 'react-jwt-session/core'
import { storageEvents } from 'react-jwt-session/storage-events'
import { createTestAuthServer, type TestAuthServer } from 'react-jwt-session/testing'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { openTabSync } from '../../src/core/crossTab'
import { TAB_PROTOCOL, type TabMessage } from '../../src/core/tabProtocol'
import { withRefreshLock } from '../../src/core/withLock'
import { installLockShim } from '../helpers/locks'

// Several clients in one jsdom window stand for the tabs of one browser: each opens its own
// BroadcastChannel (Node's, which jsdom exposes), and they share one strict test server whose cookie jar is
// the browser's. jsdom has no Web Locks, so each test installs a FIFO mutex with the same API.

interface TestUser {
  username: string
  sub: string
  name: string
}

const ttl = 60 // s
const lifetime = ttl * 1000
const users = [
  { username: 'ada', password: 'lovelace', sub: 'user-ada', name: 'Ada Lovelace' },
  { username: 'bob', password: 'builder', sub: 'user-bob', name: 'Bob Builder' },
]
const jwtShaped = /eyJ[\w-]+\.eyJ[\w-]+\.[\w-]*/

/**
 * The shared strict server. Its answers take 20 ms, like a network: requests sent in the same tick overlap,
 * so two tabs renewing at once really present the same refresh cookie.
 */
const makeServer = () => createTestAuthServer({ accessTtl: ttl, users, latency: 20 })

/** A transport that counts the calls one tab makes, in front of the shared server. */
function countingTransport(server: TestAuthServer) {
  const calls = { login: 0, refresh: 0, logout: 0 }
  const logins: TokenResponse[] = []
  const transport: AuthTransport = {
    login: async (credentials, context) => {
      calls.login += 1
      const body = await server.transport.login(credentials, context)
      logins.push(body)
      return body
    },
    refresh: (context) => {
      calls.refresh += 1
      return server.transport.refresh(context)
    },
    logout: (options, context) => {
      calls.logout += 1
      return server.transport.logout(options, context)
    },
  }
  return { transport, calls, logins }
}

let name = ''
let runs = 0
let locks: ReturnType<typeof installLockShim>
const cleanups: Array<() => void> = []

beforeEach(() => {
  vi.useFakeTimers()
  runs += 1
  name = `cross-tab-test-${runs}`
  locks = installLockShim()
  localStorage.clear()
})

afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup()
  locks.uninstall()
  localStorage.clear()
  vi.unstubAllGlobals()
  vi.useRealTimers()
})

/** A tab: a client on the shared server, started, with its own call counter and state history. */
function openTab(server: TestAuthServer, options: AuthClientOptions<TestUser> = {}) {
  const { transport, calls, logins } = countingTransport(server)
  const client: AuthClient<TestUser> = createAuthClient<TestUser>({
    transport,
    crossTab: { name },
    ...options,
  })
  const history: AuthState<TestUser>[] = [client.getState()]
  const unsubscribe = client.subscribe((state) => {
    history.push(state)
  })
  cleanups.push(() => {
    unsubscribe()
    client.destroy()
  })
  client.start()
  return { client, calls, history, logins }
}
type Tab = ReturnType<typeof openTab>

/** Lets messages between the tabs (real message ports) and promise chains run, without moving the clock. */
const settle = async () => {
  for (let i = 0; i < 5; i += 1) await vi.advanceTimersByTimeAsync(0)
}

/** Moves the fake clock by `ms` in 10 ms steps, letting messages between the tabs land at each step. */
async function elapse(ms: number) {
  for (let t = 0; t < ms; t += 10) await vi.advanceTimersByTimeAsync(Math.min(10, ms - t))
}

/** Moves the fake clock in small steps until `promise` settles (the server answers after its latency). */
async function run<T>(promise: Promise<T>): Promise<T> {
  let done = false
  promise.then(
    () => {
      done = true
    },
    () => {
      done = true
    },
  )
  for (let i = 0; i < 1000 && !done; i += 1) await vi.advanceTimersByTimeAsync(10)
  return promise
}

/**
 * Opens `count` tabs signed in to one session (one cookie, one absolute expiry): the first one signs in, the
 * others are handed the session by it. Without cross-tab, where no tab hears another, each of them adopts the
 * same sign-in answer instead, as if it had been there when the user signed in.
 */
async function openSignedInTabs(
  server: TestAuthServer,
  count: number,
  options?: AuthClientOptions<TestUser>,
) {
  const first = openTab(server, options)
  await vi.advanceTimersByTimeAsync(200)
  await run(first.client.login({ username: 'ada', password: 'lovelace' }))
  const tabs = [first]
  for (let i = 1; i < count; i += 1) {
    const tab = openTab(server, options)
    if (options?.crossTab === false) tab.client.setSession(first.logins[0]!)
    else await vi.advanceTimersByTimeAsync(200)
    tabs.push(tab)
  }
  return tabs
}

const tokens = (tabs: Tab[]) => new Set(tabs.map((tab) => tab.client.getState().accessToken))
const statuses = (tabs: Tab[]) => tabs.map((tab) => tab.client.getState().status)
/** The sign-outs a tab went through after `from` (an index into its history). */
const signOuts = (tab: Tab, from = 0) =>
  tab.history.filter(
    (state, i) =>
      i >= from && state.status === 'unauthenticated' && tab.history[i - 1]?.status !== state.status,
  )

describe('one refresh per token lifetime across tabs', () => {
  it('5 tabs over 3 token lifetimes make 3 refresh requests, with no reuse and no sign-out', async () => {
    const server = makeServer()
    const tabs = await openSignedInTabs(server, 5)
    expect(statuses(tabs)).toEqual(Array(5).fill('authenticated'))
    expect(server.stats.refreshes).toBe(0)
    // Every tab holds the same absolute expiry, so all five timers are due in the same tick.
    expect(new Set(tabs.map((tab) => tab.client.getState().expiresAt)).size).toBe(1)
    const from = tabs.map((tab) => tab.history.length)

    await vi.advanceTimersByTimeAsync(3 * lifetime)

    expect(server.stats.refreshes).toBe(3)
    expect(server.stats.reuseDetections).toBe(0)
    expect(statuses(tabs)).toEqual(Array(5).fill('authenticated'))
    expect(tokens(tabs).size).toBe(1)
    expect(tabs.flatMap((tab, i) => signOuts(tab, from[i]))).toEqual([])
    // The lock was really contended: every tab asked for it at each refresh point.
    expect(locks.stats.requests).toBeGreaterThanOrEqual(15)
  })

  it('a tab whose messages arrive late (thawed from a freeze, a busy main thread) does not renew twice', async () => {
    const server = makeServer()
    const tabs = await openSignedInTabs(server, 4)
    // The fifth tab hears every message 30 ms late, still in order; the lock is granted to it at once. It
    // takes the lock knowing nothing of the renewal that just happened, as a tab thawed with a queue of
    // messages does.
    const Real = BroadcastChannel
    vi.stubGlobal(
      'BroadcastChannel',
      class extends Real {
        override set onmessage(listener: ((event: MessageEvent) => void) | null) {
          super.onmessage = listener && ((event: MessageEvent) => setTimeout(() => listener(event), 30))
        }
      },
    )
    tabs.push(openTab(server))
    await elapse(200)
    vi.unstubAllGlobals()
    expect(statuses(tabs)).toEqual(Array(5).fill('authenticated'))
    const since = server.stats.refreshes

    await vi.advanceTimersByTimeAsync(3 * lifetime)

    expect(server.stats.refreshes - since).toBe(3)
    expect(server.stats.reuseDetections).toBe(0)
    expect(statuses(tabs)).toEqual(Array(5).fill('authenticated'))
    expect(tokens(tabs).size).toBe(1)
  })

  it('control: the same 5 tabs with crossTab: false replay the refresh token and get signed out', async () => {
    const server = makeServer()
    const tabs = await openSignedInTabs(server, 5, { crossTab: false })
    expect(statuses(tabs)).toEqual(Array(5).fill('authenticated'))
    expect(new Set(tabs.map((tab) => tab.client.getState().expiresAt)).size).toBe(1)
    expect(server.stats.reuseDetections).toBe(0)

    await vi.advanceTimersByTimeAsync(3 * lifetime)

    expect(server.stats.reuseDetections).toBeGreaterThan(0)
    expect(statuses(tabs)).toContain('unauthenticated')
    expect(locks.stats.requests).toBe(0)
  })

  it('5 tabs restoring a session at the same moment make one refresh request', async () => {
    const server = makeServer()
    server.signIn('ada')
    const tabs = Array.from({ length: 5 }, () => openTab(server))
    await vi.advanceTimersByTimeAsync(1000)

    expect(server.stats.refreshes).toBe(1)
    expect(server.stats.reuseDetections).toBe(0)
    expect(statuses(tabs)).toEqual(Array(5).fill('authenticated'))
    expect(tokens(tabs).size).toBe(1)
  })

  it('a focus storm past the refresh point makes one refresh request', async () => {
    const server = makeServer()
    const tabs = await openSignedInTabs(server, 5)
    // The clock jumps (a sleeping laptop) without any timer firing; then every tab wakes up at once.
    vi.setSystemTime(Date.now() + lifetime - 5000)
    window.dispatchEvent(new Event('focus'))
    document.dispatchEvent(new Event('visibilitychange'))
    window.dispatchEvent(new Event('online'))
    await vi.advanceTimersByTimeAsync(1000)

    expect(server.stats.refreshes).toBe(1)
    expect(server.stats.reuseDetections).toBe(0)
    expect(statuses(tabs)).toEqual(Array(5).fill('authenticated'))
    expect(tokens(tabs).size).toBe(1)
  })

  it('refresh() called in every tab at once makes one refresh request', async () => {
    const server = makeServer()
    const tabs = await openSignedInTabs(server, 5)
    const before = tabs[0]!.client.getState().accessToken

    const sessions = await run(Promise.all(tabs.map((tab) => tab.client.refresh())))

    expect(server.stats.refreshes).toBe(1)
    expect(server.stats.reuseDetections).toBe(0)
    expect(new Set(sessions.map((session) => session?.accessToken)).size).toBe(1)
    expect(sessions[0]?.accessToken).not.toBe(before)
    expect(tokens(tabs).size).toBe(1)
  })
})

describe('sign-out and sign-in reach every tab', () => {
  it('sign-out in one tab signs out the others with reason other-tab, with no server call of their own', async () => {
    const server = makeServer()
    const [a, b, c] = (await openSignedInTabs(server, 3)) as [Tab, Tab, Tab]

    const done = a.client.logout()
    // Memory first, synchronously, in the tab that signs out.
    expect(a.client.getState()).toMatchObject({ status: 'unauthenticated', reason: 'logout' })
    await run(done)
    await settle()

    for (const tab of [b, c]) {
      expect(tab.client.getState()).toMatchObject({
        status: 'unauthenticated',
        reason: 'other-tab',
        accessToken: null,
        user: null,
        claims: null,
      })
      expect(tab.calls).toEqual({ login: 0, refresh: 0, logout: 0 })
    }
    expect(server.stats.logouts).toBe(1)

    // Nothing brings the session back later: no timer is left in any tab.
    await vi.advanceTimersByTimeAsync(3 * lifetime)
    expect(statuses([a, b, c])).toEqual(Array(3).fill('unauthenticated'))
    expect(server.stats.refreshes).toBe(0)
  })

  it('sign-in in one tab signs in the others with no refresh request', async () => {
    const server = makeServer()
    const tabs = Array.from({ length: 3 }, () => openTab(server))
    await vi.advanceTimersByTimeAsync(1000)
    expect(tabs.map((tab) => tab.client.getState().reason)).toEqual(Array(3).fill('no-session'))
    const restoreCalls = server.stats.refreshes
    const callsBefore = tabs.map((tab) => ({ ...tab.calls }))

    await run(tabs[0]!.client.login({ username: 'ada', password: 'lovelace' }))
    await settle()

    expect(statuses(tabs)).toEqual(Array(3).fill('authenticated'))
    expect(tokens(tabs).size).toBe(1)
    expect(tabs.map((tab) => tab.client.getState().user?.name)).toEqual(Array(3).fill('Ada Lovelace'))
    expect(tabs.map((tab) => tab.client.getState().expiresAt)).toEqual(
      Array(3).fill(tabs[0]!.client.getState().expiresAt),
    )
    expect(server.stats.refreshes).toBe(restoreCalls)
    expect(tabs.slice(1).map((tab) => tab.calls)).toEqual(callsBefore.slice(1))
  })

  it('a tab holding user A that receives user B goes through signed out, never mixing the two', async () => {
    const server = makeServer()
    const [a, b] = (await openSignedInTabs(server, 2)) as [Tab, Tab]
    expect(a.client.getState().user?.sub).toBe('user-ada')
    const from = a.history.length
    const refreshCalls = a.calls.refresh

    await run(b.client.login({ username: 'bob', password: 'builder' }))
    await settle()

    const seen = a.history.slice(from)
    expect(a.client.getState()).toMatchObject({ status: 'authenticated', user: { sub: 'user-bob' } })
    // Every state is one user's or nobody's: the user, the claims and the token always agree.
    for (const state of a.history) {
      if (state.status === 'authenticated') {
        expect(state.claims?.sub).toBe(state.user?.sub)
        expect(decodeSub(state.accessToken)).toBe(state.user?.sub)
      } else {
        expect([state.user, state.claims, state.accessToken]).toEqual([null, null, null])
      }
    }
    // Ada, then nobody, then Bob.
    const subjects = seen.map((state) => state.user?.sub ?? null).filter((s, i, all) => s !== all[i - 1])
    expect(subjects).toEqual([null, 'user-bob'])
    expect(seen.find((state) => state.status === 'unauthenticated')?.reason).toBe('other-tab')
    expect(a.calls.refresh).toBe(refreshCalls)
  })

  it("a sign-in waits for a renewal in flight in another tab, so the cookie is the new user's", async () => {
    const server = makeServer()
    const [a, b] = (await openSignedInTabs(server, 2)) as [Tab, Tab]
    server.fail('slow') // Ada's renewal in tab A takes 3 s …
    const renewing = a.client.refresh()
    await settle()
    const login = b.client.login({ username: 'bob', password: 'builder' }) // … Bob signs in meanwhile in B.
    await run(Promise.all([renewing, login]))
    await settle()
    expect(statuses([a, b])).toEqual(['authenticated', 'authenticated'])
    expect([a, b].map((tab) => tab.client.getState().user?.sub)).toEqual(['user-bob', 'user-bob'])
    // The browser's refresh cookie must be Bob's too: the next renewal, from any tab, is Bob's.
    const next = await run(server.transport.refresh())
    expect((next as { user: { sub: string } }).user.sub).toBe('user-bob')
    expect(server.stats.reuseDetections).toBe(0)
  })

  it('a new tab beside a signed-in tab is handed the session with no refresh request', async () => {
    const server = makeServer()
    const a = openTab(server)
    await vi.advanceTimersByTimeAsync(200)
    await run(a.client.login({ username: 'ada', password: 'lovelace' }))
    const refreshesBefore = server.stats.refreshes

    const b = openTab(server)
    expect(b.client.getState().status).toBe('loading')
    await vi.advanceTimersByTimeAsync(200)

    expect(b.client.getState()).toMatchObject({ status: 'authenticated', user: { sub: 'user-ada' } })
    expect(b.client.getState().accessToken).toBe(a.client.getState().accessToken)
    expect(b.client.getState().expiresAt).toBe(a.client.getState().expiresAt)
    expect(server.stats.refreshes).toBe(refreshesBefore)
    expect(b.calls).toEqual({ login: 0, refresh: 0, logout: 0 })
  })

  it('a new tab with no open tab to answer calls the refresh endpoint once, after the hand-off wait', async () => {
    const server = makeServer()
    server.signIn('ada')
    const a = openTab(server)
    await settle()
    expect(a.calls.refresh).toBe(0)
    await vi.advanceTimersByTimeAsync(200)
    expect(a.calls.refresh).toBe(1)
    expect(a.client.getState().status).toBe('authenticated')
  })
})

describe('storage-event fallback (no BroadcastChannel, crossTab.fallback: storageEvents)', () => {
  it('propagates sign-in and sign-out through one key holding only { type, at, v }, never a token', async () => {
    vi.stubGlobal('BroadcastChannel', undefined)
    const key = `${name}:event`
    const written: string[] = []
    const setItemReal = Storage.prototype.setItem
    vi.spyOn(Storage.prototype, 'setItem').mockImplementation(function (this: Storage, k: string, v: string) {
      written.push(`${k}=${v}`)
      setItemReal.call(this, k, v)
    })
    const server = makeServer()
    const a = openTab(server, { crossTab: { name, fallback: storageEvents } })
    const b = openTab(server, { crossTab: { name, fallback: storageEvents } })
    await vi.advanceTimersByTimeAsync(200)
    expect(statuses([a, b])).toEqual(['unauthenticated', 'unauthenticated'])
    expect(a.client.getTabInfo().kind).toBe('storage')

    /** What the browser does in the other tabs after a write to localStorage. */
    const deliver = () => {
      const newValue = localStorage.getItem(key)
      window.dispatchEvent(new StorageEvent('storage', { key, newValue, storageArea: localStorage }))
    }

    await run(a.client.login({ username: 'ada', password: 'lovelace' }))
    const signin = JSON.parse(localStorage.getItem(key) ?? 'null')
    expect(Object.keys(signin).sort()).toEqual(['at', 'type', 'v'])
    expect(signin.type).toBe('signin')
    expect(b.client.getState().status).toBe('unauthenticated')
    deliver()
    await vi.advanceTimersByTimeAsync(100)
    // No token travels: the other tab renews with the browser's (shared) cookie itself.
    expect(b.client.getState()).toMatchObject({ status: 'authenticated', user: { sub: 'user-ada' } })
    expect(b.calls.refresh).toBe(2)
    expect(server.stats.reuseDetections).toBe(0)

    // A renewal is not a sign-in: it stays in its tab, and each tab renews on its own with the shared cookie
    // (serialized by the lock, so never a replay).
    const writes = written.length
    await vi.advanceTimersByTimeAsync(lifetime)
    expect(written.slice(writes).filter((entry) => entry.startsWith(`${key}=`))).toEqual([])
    expect(statuses([a, b])).toEqual(['authenticated', 'authenticated'])
    expect(server.stats.refreshes).toBeGreaterThanOrEqual(2)
    expect(server.stats.reuseDetections).toBe(0)

    // Someone else's key is not a message.
    window.dispatchEvent(new StorageEvent('storage', { key: 'other', newValue: '{"type":"logout"}' }))
    window.dispatchEvent(new StorageEvent('storage', { key, newValue: 'not json' }))
    await settle()
    expect(b.client.getState().status).toBe('authenticated')

    await run(a.client.logout())
    const logout = JSON.parse(localStorage.getItem(key) ?? 'null')
    expect(Object.keys(logout).sort()).toEqual(['at', 'type', 'v'])
    expect(logout.type).toBe('logout')
    deliver()
    await vi.advanceTimersByTimeAsync(100)
    expect(b.client.getState()).toMatchObject({ status: 'unauthenticated', reason: 'other-tab' })
    expect(b.calls.logout).toBe(0)

    expect(written.length).toBeGreaterThan(0)
    expect(written.filter((entry) => jwtShaped.test(entry))).toEqual([])
    for (let i = 0; i < localStorage.length; i += 1) {
      const k = localStorage.key(i) ?? ''
      expect(`${k}=${localStorage.getItem(k)}`).not.toMatch(jwtShaped)
    }
  })

  it('is opt-in: without it the tabs of such a browser do not hear each other, and development says how to opt in', async () => {
    vi.stubGlobal('BroadcastChannel', undefined)
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    const setItem = vi.spyOn(Storage.prototype, 'setItem')
    const server = makeServer()
    const a = openTab(server)
    const b = openTab(server)
    await vi.advanceTimersByTimeAsync(200)
    expect([a.client.getTabInfo().kind, b.client.getTabInfo().kind]).toEqual(['none', 'none'])
    await run(a.client.login({ username: 'ada', password: 'lovelace' }))
    await run(a.client.logout())
    expect(setItem.mock.calls.filter(([k]) => k === `${name}:event`)).toEqual([])
    const warnings = warn.mock.calls.map(([message]) => String(message))
    expect(warnings.filter((message) => message.includes('no BroadcastChannel'))).toHaveLength(1)
    expect(warnings.join('\n')).toContain('crossTab: { fallback: storageEvents }')
  })
})

describe('races and failures', () => {
  it('a logout racing an in-flight refresh in another tab stays signed out, and nothing is broadcast', async () => {
    const server = makeServer()
    const [a, b, c] = (await openSignedInTabs(server, 3)) as [Tab, Tab, Tab]
    // B's refresh reaches the server (the token rotates) but its answer is held until A has signed out.
    let release: () => void = () => {}
    const held = new Promise<void>((resolve) => {
      release = resolve
    })
    const { refresh } = server.transport
    vi.spyOn(server.transport, 'refresh').mockImplementationOnce(async (context) => {
      const body = await refresh(context)
      await held
      return body
    })
    const messages = listen()

    const refreshing = b.client.refresh()
    await elapse(200)
    expect(server.stats.refreshes).toBe(1)
    await run(a.client.logout())
    await settle()
    release()
    await run(refreshing)
    await settle()

    expect(a.client.getState()).toMatchObject({ status: 'unauthenticated', reason: 'logout' })
    expect(b.client.getState()).toMatchObject({ status: 'unauthenticated', reason: 'other-tab' })
    expect(c.client.getState()).toMatchObject({ status: 'unauthenticated', reason: 'other-tab' })
    // Before B renews it asks the others whether one of them already did; after the logout, nothing but it.
    expect(
      messages.map((message) => message.type).filter((type) => type !== 'ask' && type !== 'answer'),
    ).toEqual(['logout'])
    await vi.advanceTimersByTimeAsync(3 * lifetime)
    expect(statuses([a, b, c])).toEqual(Array(3).fill('unauthenticated'))
  })

  it('a refresh answer that lands in the refreshing tab just before the logout message does not sign the other tab back in', async () => {
    const server = makeServer()
    const [a, b] = (await openSignedInTabs(server, 2)) as [Tab, Tab]
    let release: () => void = () => {}
    const held = new Promise<void>((resolve) => {
      release = resolve
    })
    const { refresh } = server.transport
    vi.spyOn(server.transport, 'refresh').mockImplementationOnce(async (context) => {
      const body = await refresh(context)
      await held
      return body
    })
    const refreshing = b.client.refresh()
    await elapse(200)
    // A signs out and, in the same task, B's refresh answer lands: B adopts and shares it before A's
    // logout message reaches it.
    void a.client.logout()
    release()
    await run(refreshing)
    await settle()

    expect(a.client.getState()).toMatchObject({ status: 'unauthenticated', reason: 'logout' })
    expect(b.client.getState()).toMatchObject({ status: 'unauthenticated', reason: 'other-tab' })
  })

  it('the lock wait is bounded: a lock held forever delays the refresh by at most requestTimeout', async () => {
    const server = makeServer()
    server.signIn('ada')
    locks.holdForever(`${name}:refresh`)
    const a = openTab(server, { requestTimeout: 5000 })

    await vi.advanceTimersByTimeAsync(4000)
    expect(a.client.getState().status).toBe('loading')
    expect(server.stats.refreshes).toBe(0)

    await vi.advanceTimersByTimeAsync(2000)
    expect(a.client.getState()).toMatchObject({ status: 'authenticated', user: { sub: 'user-ada' } })
    expect(server.stats.refreshes).toBe(1)
    expect(locks.stats.aborted).toBe(1)

    // And so is every later renewal: the session lives on while the lock stays stuck.
    await vi.advanceTimersByTimeAsync(3 * lifetime)
    expect(a.client.getState().status).toBe('authenticated')
    expect(server.stats.refreshes).toBe(4)
  })

  it("ignores its own echo: a message carrying the tab's own id changes nothing", async () => {
    const server = makeServer()
    const messages = listen()
    const [a] = (await openSignedInTabs(server, 1)) as [Tab]
    const ownId = messages.find((message) => message.type === 'ask')?.from
    expect(ownId).toEqual(expect.any(String))

    const raw = new BroadcastChannel(name)
    cleanups.push(() => raw.close())
    raw.postMessage({ type: 'logout', from: ownId })
    await settle()
    expect(a.client.getState().status).toBe('authenticated')

    // Control: the same message from another tab signs it out.
    raw.postMessage({ type: 'logout', from: 'another-tab' })
    await settle()
    expect(a.client.getState()).toMatchObject({ status: 'unauthenticated', reason: 'other-tab' })
  })

  it('crossTab: false opens no channel, takes no lock and listens to no storage event', async () => {
    const opened = vi.fn()
    const Real = BroadcastChannel
    vi.stubGlobal(
      'BroadcastChannel',
      class extends Real {
        constructor(channel: string) {
          super(channel)
          opened(channel)
        }
      },
    )
    const addEventListener = vi.spyOn(window, 'addEventListener')
    const server = makeServer()
    server.signIn('ada')
    const a = openTab(server, { crossTab: false })
    await vi.advanceTimersByTimeAsync(100)
    expect(a.client.getState().status).toBe('authenticated')
    await run(a.client.refresh())
    await run(a.client.logout())

    expect(opened).not.toHaveBeenCalled()
    expect(locks.stats.requests).toBe(0)
    expect(addEventListener.mock.calls.map(([type]) => type)).not.toContain('storage')
    // And a channel opened by a cross-tab client of the same name does not reach it.
    expect(localStorage.length).toBe(0)
  })
})

/** Every message posted on this test's channel, as another tab would see it. */
function listen() {
  const seen: Array<{ type: string; from: string }> = []
  const channel = new BroadcastChannel(name)
  channel.onmessage = (event: MessageEvent) => {
    seen.push(event.data)
  }
  cleanups.push(() => channel.close())
  return seen
}

function decodeSub(token: string | null): unknown {
  const payload = token?.split('.')[1]
  if (!payload) return undefined
  return JSON.parse(atob(payload.replace(/-/g, '+').replace(/_/g, '/'))).sub
}

// The units under the client: openTabSync and withRefreshLock.

/** A raw channel of this test's name, as a tab of any release sees it: what arrives, and a way to post. */
function rawChannel() {
  const seen: unknown[] = []
  const waiting: Array<() => void> = []
  const channel = new BroadcastChannel(name)
  channel.onmessage = (event: MessageEvent) => {
    seen.push(event.data)
    waiting.shift()?.()
  }
  cleanups.push(() => channel.close())
  return {
    seen,
    post: (message: unknown) => channel.postMessage(message),
    /** Resolves once `count` messages in all have arrived. */
    received: (count: number) =>
      new Promise<void>((resolve) => {
        const check = () => (seen.length >= count ? resolve() : waiting.push(check))
        check()
      }),
  }
}

/** A tab sync whose received messages are recorded; `next()` waits for the next one. */
function syncWithInbox(fallback?: typeof storageEvents) {
  const inbox: TabMessage[] = []
  const waiting: Array<() => void> = []
  const sync = openTabSync<unknown>(
    name,
    (message) => {
      inbox.push(message)
      waiting.shift()?.()
    },
    undefined,
    fallback,
  )
  cleanups.push(() => sync.close())
  return {
    sync,
    inbox,
    next: () =>
      new Promise<void>((resolve) => {
        waiting.push(resolve)
      }),
  }
}

const sharedSession = { accessToken: 'a.b.c', expiresAt: 1, lifetime: 1, user: {}, claims: {} }

describe('openTabSync over BroadcastChannel', () => {
  it('posts every message with its own id as `from` and the protocol version as `v`', async () => {
    const other = rawChannel()
    const { sync } = syncWithInbox()
    expect(sync.kind).toBe('broadcast')

    sync.post({ type: 'ask' })
    sync.post({ type: 'logout' })
    sync.post({ type: 'session', cause: 'refresh', session: sharedSession })
    await other.received(3)

    expect(TAB_PROTOCOL).toBe(1)
    expect(other.seen).toEqual([
      { type: 'ask', from: sync.id, v: TAB_PROTOCOL },
      { type: 'logout', from: sync.id, v: TAB_PROTOCOL },
      { type: 'session', cause: 'refresh', session: sharedSession, from: sync.id, v: TAB_PROTOCOL },
    ])
  })

  it('takes messages of its own version, and sign-out of any version; ignores every other unknown version', async () => {
    const other = rawChannel()
    const { inbox, next } = syncWithInbox()
    const foreign = [
      { type: 'session', from: 'tab-2', v: 2, cause: 'refresh', session: { token: 'x' } },
      { type: 'ask', from: 'tab-2', v: 2 },
      { type: 'answer', from: 'tab-0', to: 'me', session: sharedSession },
      { type: 'ask', from: 'tab-1', v: '1' },
      { type: 'ask', from: 'tab-1', v: 0 },
    ]
    for (const message of foreign) other.post(message)
    other.post({ type: 'logout', from: 'tab-2', v: 2, reason: 'idle' })
    other.post({ type: 'logout', from: 'tab-0' })
    other.post({ type: 'ask', from: 'tab-1', v: TAB_PROTOCOL })
    // One sender's messages arrive in order: once the last is in, every earlier one was looked at.
    while (inbox.length < 3) await next()
    await settle()

    expect(inbox).toEqual([
      { type: 'logout', from: 'tab-2', v: 2, reason: 'idle' },
      { type: 'logout', from: 'tab-0' },
      { type: 'ask', from: 'tab-1', v: TAB_PROTOCOL },
    ])
  })

  it('ignores its own echo, even a sign-out, and anything that is not a message', async () => {
    const other = rawChannel()
    const { sync, inbox, next } = syncWithInbox()
    for (const junk of [null, 'logout', 42, { type: 'logout' }, { from: 'tab-1', v: TAB_PROTOCOL }]) {
      other.post(junk)
    }
    other.post({ type: 'logout', from: sync.id, v: TAB_PROTOCOL })
    other.post({ type: 'logout', from: 'tab-1', v: TAB_PROTOCOL })
    while (inbox.length < 1) await next()
    await settle()

    expect(inbox).toEqual([{ type: 'logout', from: 'tab-1', v: TAB_PROTOCOL }])
  })

  it('hears nothing after close()', async () => {
    const other = rawChannel()
    const { sync, inbox } = syncWithInbox()
    const control = syncWithInbox()
    sync.close()
    other.post({ type: 'logout', from: 'tab-1', v: TAB_PROTOCOL })
    while (control.inbox.length < 1) await control.next()
    await settle()
    expect(inbox).toEqual([])
  })
})

describe('openTabSync over storageEvents (no BroadcastChannel)', () => {
  const key = () => `${name}:event`
  const storageEvent = (newValue: string | null, eventKey = key()) =>
    window.dispatchEvent(new StorageEvent('storage', { key: eventKey, newValue, storageArea: localStorage }))

  it('writes only sign-in and sign-out, as { type, at, v }, never a session', () => {
    vi.stubGlobal('BroadcastChannel', undefined)
    const { sync } = syncWithInbox(storageEvents)
    expect(sync.kind).toBe('storage')

    sync.post({ type: 'session', cause: 'refresh', session: sharedSession })
    sync.post({ type: 'ask' })
    expect(localStorage.getItem(key())).toBeNull()

    sync.post({ type: 'session', cause: 'signin', session: sharedSession })
    expect(JSON.parse(localStorage.getItem(key()) ?? 'null')).toEqual({
      type: 'signin',
      at: Date.now(),
      v: TAB_PROTOCOL,
    })
    sync.post({ type: 'logout' })
    expect(JSON.parse(localStorage.getItem(key()) ?? 'null')).toEqual({
      type: 'logout',
      at: Date.now(),
      v: TAB_PROTOCOL,
    })
    expect(localStorage.getItem(key())).not.toContain('a.b.c')
  })

  it('takes sign-in of its own version and sign-out of any; ignores other keys, other types and junk', () => {
    vi.stubGlobal('BroadcastChannel', undefined)
    const { inbox } = syncWithInbox(storageEvents)
    storageEvent(JSON.stringify({ type: 'signin', at: 1, v: 2 }))
    storageEvent(JSON.stringify({ type: 'signin', at: 2 }))
    storageEvent(JSON.stringify({ type: 'session', at: 3, v: TAB_PROTOCOL }))
    storageEvent(JSON.stringify({ type: 'logout', at: 4, v: TAB_PROTOCOL }), 'another-key')
    storageEvent('not json')
    storageEvent(null)
    expect(inbox).toEqual([])

    storageEvent(JSON.stringify({ type: 'signin', at: 5, v: TAB_PROTOCOL }))
    storageEvent(JSON.stringify({ type: 'logout', at: 6, v: 2 }))
    storageEvent(JSON.stringify({ type: 'logout', at: 7 }))
    expect(inbox.map((message) => message.type)).toEqual(['signin', 'logout', 'logout'])
    expect(new Set(inbox.map((message) => message.from))).toEqual(new Set(['storage']))
  })

  it('stops listening on close()', () => {
    vi.stubGlobal('BroadcastChannel', undefined)
    const { sync, inbox } = syncWithInbox(storageEvents)
    sync.close()
    storageEvent(JSON.stringify({ type: 'logout', at: 1, v: TAB_PROTOCOL }))
    expect(inbox).toEqual([])
  })

  it('is kind none, posting nowhere, with neither BroadcastChannel nor localStorage', () => {
    vi.stubGlobal('BroadcastChannel', undefined)
    vi.stubGlobal('localStorage', undefined)
    // Put back before the after-each hook, which clears localStorage.
    cleanups.push(() => vi.unstubAllGlobals())
    const { sync } = syncWithInbox(storageEvents)
    expect(sync.kind).toBe('none')
    expect(() => sync.post({ type: 'logout' })).not.toThrow()
  })
})

describe('withRefreshLock', () => {
  it('asks for the lock named <name>:refresh, a name that never changes between releases', async () => {
    const request = vi.spyOn(navigator.locks, 'request')
    await withRefreshLock('my-app', 1000, async () => 'done')
    // Tabs of an old and a new release serialize their refreshes only while they ask for the same lock.
    expect(request.mock.calls.map(([lockName]) => lockName)).toEqual(['my-app:refresh'])
  })

  it('runs the tasks of two callers one after the other', async () => {
    const log: string[] = []
    let release = () => {}
    const first = withRefreshLock(name, 10_000, async () => {
      log.push('first in')
      await new Promise<void>((resolve) => {
        release = resolve
      })
      log.push('first out')
      return 1
    })
    const second = withRefreshLock(name, 10_000, async () => {
      log.push('second in')
      return 2
    })
    await settle()
    expect(log).toEqual(['first in'])
    release()
    expect(await Promise.all([first, second])).toEqual([1, 2])
    expect(log).toEqual(['first in', 'first out', 'second in'])
    // The wait timers are gone once each caller has the lock.
    expect(vi.getTimerCount()).toBe(0)
  })

  it('waits at most maxWait for a lock held forever, then runs the task without it', async () => {
    locks.holdForever(`${name}:refresh`)
    const task = vi.fn(async () => 'ran')
    const result = withRefreshLock(name, 5000, task)

    await vi.advanceTimersByTimeAsync(4999)
    expect(task).not.toHaveBeenCalled()
    await vi.advanceTimersByTimeAsync(1)
    expect(await result).toBe('ran')
    expect(task).toHaveBeenCalledTimes(1)
    expect(locks.stats.aborted).toBe(1)
  })

  it('passes a failing task’s error on, having run it once', async () => {
    const boom = new Error('boom')
    const task = vi.fn(async () => {
      throw boom
    })
    await expect(withRefreshLock(name, 5000, task)).rejects.toBe(boom)
    expect(task).toHaveBeenCalledTimes(1)
    // The lock is free again.
    expect(await withRefreshLock(name, 5000, async () => 'next')).toBe('next')
  })

  it('runs the task at once where Web Locks are missing', async () => {
    locks.uninstall()
    const task = vi.fn(async () => 'ran')
    expect(await withRefreshLock(name, 5000, task)).toBe('ran')
    expect(task).toHaveBeenCalledTimes(1)
  })
})
