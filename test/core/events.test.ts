import { AuthError, createAuthClient } from 'react-jwt-session/core'
import { storageEvents } from 'react-jwt-session/storage-events'
import { createTestAuthServer } from 'react-jwt-session/testing'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { credentials, flush, setup } from '../helpers/clients'
import { installLockShim } from '../helpers/locks'
import { elapse, label, openTab, recordEvents, run, settle, type TabUser, tabUsers } from '../helpers/tabs'

let runs = 0
let name = ''
let locks: ReturnType<typeof installLockShim>
const cleanups: Array<() => void> = []

beforeEach(() => {
  vi.useFakeTimers()
  runs += 1
  name = `events-test-${runs}`
  locks = installLockShim()
  localStorage.clear()
})
afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup()
  locks.uninstall()
  localStorage.clear()
  vi.restoreAllMocks()
  vi.useRealTimers()
})

const ada = { username: 'ada', password: 'lovelace' }
const auth = ['signin', 'signout', 'refresh', 'error'] as const

describe('client.on', () => {
  it('login → renewal → another tab’s renewal → 503 → recovery → revoke: each event once, in order, with its source', async () => {
    const server = createTestAuthServer({ accessTtl: 600, users: tabUsers, latency: 20 })
    const a = openTab(server, name, cleanups)
    const b = openTab(server, name, cleanups)
    await elapse(300) // both find no session: a first visit fires nothing
    const events = recordEvents(a, [...auth])
    const other = recordEvents(b, [...auth])
    expect(a.getState().reason).toBe('no-session')

    await run(a.login(ada))
    await run(a.refresh())
    await run(b.refresh())
    server.fail('503')
    const failed = await run(a.refresh()).catch((error: unknown) => error)
    expect(failed).toBeInstanceOf(AuthError)
    await run(a.refresh())
    server.revoke()
    await run(a.refresh())
    await settle()

    const session = expect.objectContaining({ user: expect.objectContaining({ sub: 'user-ada' }) })
    expect(events.log).toEqual([
      { name: 'signin', source: 'this-tab', session },
      { name: 'refresh', source: 'this-tab', session },
      { name: 'refresh', source: 'other-tab', session },
      { name: 'error', error: expect.objectContaining({ code: 'server', status: 503 }) },
      { name: 'refresh', source: 'this-tab', session },
      { name: 'signout', reason: 'revoked', error: expect.objectContaining({ code: 'session_expired' }) },
      { name: 'error', error: expect.objectContaining({ code: 'session_expired' }) },
    ])
    // Each renewal carries its own new token.
    const refreshes = events.log.filter((event) => event.name === 'refresh')
    expect(new Set(refreshes.map((event) => event.session.accessToken)).size).toBe(3)
    // The other tab: signed in by this one, renewed itself, adopted this tab's renewals, signed out with it.
    expect(other.log.map(label)).toEqual([
      ['signin', 'other-tab'],
      ['refresh', 'other-tab'],
      ['refresh', 'this-tab'],
      ['refresh', 'other-tab'],
      ['signout', 'other-tab'],
    ])
  })

  it('the timer’s silent renewal fires refresh this-tab, and the restore at start fires signin restore', async () => {
    const { server, client } = setup<TabUser>()
    server.signIn()
    const events = recordEvents(client, [...auth])
    client.start()
    await flush()
    await flush(600_000 - 60_000)
    expect(events.log.map(label)).toEqual([
      ['signin', 'restore'],
      ['refresh', 'this-tab'],
    ])
  })

  it('a first visit with no session fires nothing; an initial network failure that recovers fires signin restore', async () => {
    const first = setup<TabUser>()
    const quiet = recordEvents(first.client, ['signin', 'signout', 'refresh'])
    first.client.start()
    await flush()
    expect(first.client.getState().reason).toBe('no-session')
    expect(quiet.log).toEqual([])

    const { server, client } = setup<TabUser>()
    server.signIn()
    server.fail('network')
    const events = recordEvents(client, [...auth])
    client.start()
    await flush(1_300)
    expect(events.log.map(label)).toEqual([
      ['error', null],
      ['signin', 'restore'],
    ])
  })

  it('a sign-in of another user in another tab fires signout other-tab, then signin other-tab', async () => {
    const server = createTestAuthServer({ accessTtl: 600, users: tabUsers, latency: 20 })
    const a = openTab(server, name, cleanups)
    await elapse(300)
    await run(a.login(ada))
    const b = openTab(server, name, cleanups)
    await elapse(300)
    const events = recordEvents(a, [...auth])
    await run(b.login({ username: 'bob', password: 'builder' }))
    await settle()
    expect(events.log).toEqual([
      { name: 'signout', reason: 'other-tab', error: null },
      {
        name: 'signin',
        source: 'other-tab',
        session: expect.objectContaining({ claims: expect.objectContaining({ sub: 'user-bob' }) }),
      },
    ])
  })

  it('logout({ reason: idle }) signs every tab out with reason idle; only this tab calls the server', async () => {
    const server = createTestAuthServer({ accessTtl: 600, users: tabUsers, latency: 20 })
    const a = openTab(server, name, cleanups)
    await elapse(300)
    await run(a.login(ada))
    const b = openTab(server, name, cleanups)
    await elapse(300)
    expect(b.getState().status).toBe('authenticated')
    const here = recordEvents(a, ['signout'])
    const there = recordEvents(b, ['signout'])
    await run(a.logout({ reason: 'idle' }))
    await settle()
    expect(a.getState().reason).toBe('idle')
    expect(b.getState().reason).toBe('idle')
    expect(here.log).toEqual([{ name: 'signout', reason: 'idle', error: null }])
    expect(there.log).toEqual([{ name: 'signout', reason: 'idle', error: null }])
    expect(server.stats.logouts).toBe(1)
  })

  it('a listener that throws breaks neither the client nor the other listeners, and is reported once', async () => {
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {})
    const { client } = setup()
    const seen: string[] = []
    client.on('signin', () => {
      throw new Error('analytics is down')
    })
    client.on('signin', (event) => seen.push(event.source))
    await client.login(credentials)
    await client.logout()
    await client.login(credentials)
    expect(seen).toEqual(['this-tab', 'this-tab'])
    expect(client.getState().status).toBe('authenticated')
    expect(errors).toHaveBeenCalledTimes(1)
    expect(String(errors.mock.calls[0]?.[0])).toContain('[react-jwt-session]')
  })

  it('unsubscribe stops the listener and leaves the others', async () => {
    const { client } = setup()
    const first: string[] = []
    const second: string[] = []
    const stop = client.on('signout', (event) => first.push(event.reason))
    client.on('signout', (event) => second.push(event.reason))
    await client.login(credentials)
    await client.logout()
    stop()
    stop()
    await client.login(credentials)
    await client.logout()
    expect(first).toEqual(['logout'])
    expect(second).toEqual(['logout', 'logout'])
  })
})

describe('diagnostics events', () => {
  it('request: every auth call with its outcome and duration, a dropped answer included', async () => {
    const server = createTestAuthServer({ accessTtl: 600, users: tabUsers, latency: 20 })
    const client = openTab(server, name, cleanups, { crossTab: false })
    await elapse(300)
    const { log } = recordEvents(client, ['request'])
    await run(client.login({ username: 'ada', password: 'nope' }).catch(() => null))
    await run(client.login(ada))
    server.fail('503')
    await run(client.refresh().catch(() => null))
    const late = client.refresh()
    await vi.advanceTimersByTimeAsync(5)
    void client.logout()
    await run(late)
    await elapse(50)
    expect(log.map(({ kind, outcome, error }) => [kind, outcome, error?.code ?? null])).toEqual([
      ['login', 'refused', 'invalid_credentials'],
      ['login', 'ok', null],
      ['refresh', 'failed', 'server'],
      ['refresh', 'dropped', null],
      ['logout', 'ok', null],
    ])
    expect(log.map((event) => event.duration)).toEqual([20, 20, 20, 20, 20])
  })

  it('message: what this tab sends and receives, with the peer, never the token', async () => {
    const server = createTestAuthServer({ accessTtl: 600, users: tabUsers, latency: 20 })
    const a = openTab(server, name, cleanups)
    await elapse(300)
    const inA = recordEvents(a, ['message'])
    const b = createAuthClient<TabUser>({ transport: server.transport, crossTab: { name } })
    cleanups.push(() => b.destroy())
    const inB = recordEvents(b, ['message'])
    b.start()
    await run(a.login(ada))
    await elapse(300)
    await run(a.logout())
    await settle()
    const idA = a.getTabInfo().id
    const idB = b.getTabInfo().id
    expect(idA).not.toBe(idB)
    expect(a.getTabInfo()).toEqual({ id: idA, kind: 'broadcast', name })
    expect(inA.log.map((m) => [m.direction, m.type, m.peer])).toEqual([
      ['in', 'ask', idB],
      ['out', 'session', null],
      ['out', 'logout', null],
    ])
    expect(inB.log.map((m) => [m.direction, m.type, m.peer])).toEqual([
      ['out', 'ask', null],
      ['in', 'session', idA],
      ['in', 'logout', idA],
    ])
    expect(JSON.stringify([inA.log, inB.log])).not.toMatch(/eyJ/)
  })

  it('getTabInfo: a stable id from creation; kind none before start and with crossTab: false', () => {
    const { client } = setup()
    const { id } = client.getTabInfo()
    expect(client.getTabInfo()).toEqual({ id, kind: 'none', name: null })
    client.start()
    expect(client.getTabInfo()).toEqual({ id, kind: 'none', name: null })
  })
})

describe('the idle reason across tabs', () => {
  it('travels through the storage-event fallback too, as a reason, never a token', async () => {
    vi.stubGlobal('BroadcastChannel', undefined)
    const key = `${name}:event`
    /** What the browser does in the other tabs after a write to localStorage (jsdom does not). */
    const deliver = () =>
      window.dispatchEvent(new StorageEvent('storage', { key, newValue: localStorage.getItem(key) }))
    const server = createTestAuthServer({ accessTtl: 600, users: tabUsers, latency: 20 })
    const fallback = { crossTab: { name, fallback: storageEvents } }
    const a = openTab(server, name, cleanups, fallback)
    const b = openTab(server, name, cleanups, fallback)
    await elapse(300)
    await run(a.login(ada))
    deliver()
    await elapse(300)
    expect(b.getState().status).toBe('authenticated')
    expect(b.getTabInfo().kind).toBe('storage')
    const there = recordEvents(b, ['signout', 'message'])
    await run(a.logout({ reason: 'idle' }))
    const written = localStorage.getItem(key) ?? ''
    expect(Object.keys(JSON.parse(written)).sort()).toEqual(['at', 'reason', 'type', 'v'])
    expect(JSON.parse(written)).toMatchObject({ type: 'logout', reason: 'idle' })
    expect(written).not.toMatch(/eyJ/)
    deliver()
    await settle()
    expect(b.getState()).toMatchObject({ status: 'unauthenticated', reason: 'idle' })
    expect(there.log).toEqual([
      { name: 'message', direction: 'in', type: 'logout', peer: null },
      { name: 'signout', reason: 'idle', error: null },
    ])
  })
})
