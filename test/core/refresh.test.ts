import { AuthError, createAuthClient } from 'react-jwt-session/core'
import { createTestAuthServer, createTestToken, type TestFault } from 'react-jwt-session/testing'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { backoffDelay, MAX_TIMER_DELAY, scheduleAt } from '../../src/core/timers'
import { credentials, flush, setup } from '../helpers/clients'

beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  vi.useRealTimers()
})

const MINUTE = 60_000

describe('the refresh schedule', () => {
  it('renews min(60 s, 20 % of the lifetime) before expiry, once per lifetime', async () => {
    const { server, client } = setup({ accessTtl: 15 * 60 })
    server.signIn()
    client.start()
    await flush()
    expect(server.stats.refreshes).toBe(1)
    await flush(14 * MINUTE - 1)
    expect(server.stats.refreshes).toBe(1)
    await flush(1)
    expect(server.stats.refreshes).toBe(2)
    await flush(14 * MINUTE)
    expect(server.stats.refreshes).toBe(3)
    expect(server.stats.reuseDetections).toBe(0)
  })

  it('uses 20 % of a short lifetime', async () => {
    const { server, client } = setup({ accessTtl: 10 })
    server.signIn()
    client.start()
    await flush()
    await flush(7_999)
    expect(server.stats.refreshes).toBe(1)
    await flush(1)
    expect(server.stats.refreshes).toBe(2)
  })

  it('honours refreshMargin, and caps one at half the lifetime instead of looping', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    const { server, client } = setup({ accessTtl: 60 }, { refreshMargin: 120_000 })
    await client.login(credentials)
    client.start()
    await flush(10 * MINUTE)
    // Half of 60 s: one refresh every 30 s, never a loop.
    expect(server.stats.refreshes).toBe(20)
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/^\[react-jwt-session\] refreshMargin/))
    expect(warn.mock.calls.join()).not.toMatch(/eyJ/)
  })

  it.each([
    [1, 'second'],
    [60, 'minute'],
    [15 * 60, '15 minutes'],
    [24 * 3600, 'day'],
    [30 * 24 * 3600, '30 days'],
    [365 * 24 * 3600, '365 days'],
  ])('a lifetime of %i s (a %s): no timer over 2^31-1 ms, one refresh per lifetime', async (ttl) => {
    const timeouts = vi.spyOn(globalThis, 'setTimeout')
    const { server, client } = setup({ accessTtl: ttl })
    server.signIn()
    client.start()
    await flush()
    const lifetimes = 3
    for (let i = 0; i < lifetimes; i += 1) await flush(ttl * 1000)
    const delays = timeouts.mock.calls.map((call) => call[1] ?? 0)
    expect(Math.max(...delays)).toBeLessThanOrEqual(MAX_TIMER_DELAY)
    expect(server.stats.refreshes).toBe(1 + lifetimes)
    expect(client.getState().status).toBe('authenticated')
  })

  it('a clamped timer re-checks the clock when it fires instead of firing early', async () => {
    const fired = vi.fn()
    const at = Date.now() + 2 * MAX_TIMER_DELAY + 5
    scheduleAt(at, Date.now, fired)
    await flush(MAX_TIMER_DELAY)
    await flush(MAX_TIMER_DELAY)
    expect(fired).not.toHaveBeenCalled()
    await flush(5)
    expect(fired).toHaveBeenCalledTimes(1)
  })

  it.each([-2, -1, 0, 1, 2])(
    'a client clock %i h off the server: one refresh per lifetime, never a null token',
    async (hours) => {
      const server = createTestAuthServer({ accessTtl: 300, now: () => Date.now() })
      const client = createAuthClient({
        transport: server.transport,
        crossTab: false,
        now: () => Date.now() + hours * 3_600_000,
      })
      server.signIn()
      client.start()
      await flush()
      for (let second = 0; second < 3 * 300; second += 10) {
        await flush(10_000)
        expect(client.getState().accessToken).not.toBeNull()
      }
      expect(server.stats.refreshes).toBe(1 + 3)
      expect(server.stats.reuseDetections).toBe(0)
      client.destroy()
    },
  )
})

describe('waking up (RELIABILITY 4)', () => {
  it.each([
    ['visibilitychange', () => document.dispatchEvent(new Event('visibilitychange'))],
    ['focus', () => window.dispatchEvent(new Event('focus'))],
    ['online', () => window.dispatchEvent(new Event('online'))],
    ['pageshow', () => window.dispatchEvent(new Event('pageshow'))],
  ])('after the clock jumps 20 min without timers firing, %s renews at once', async (_, wake) => {
    const { server, client } = setup({ accessTtl: 15 * 60 })
    server.signIn()
    client.start()
    await flush()
    vi.setSystemTime(Date.now() + 20 * MINUTE)
    const waiting = client.getAccessToken()
    wake()
    await flush()
    expect(server.stats.refreshes).toBe(2)
    await expect(waiting).resolves.toBe(client.getState().accessToken)
    expect(client.getState().expiresAt).toBeGreaterThan(Date.now() + 14 * MINUTE)
  })

  it('getAccessToken() after a sleep renews before answering, even with no event', async () => {
    const { server, client } = setup({ accessTtl: 15 * 60 })
    server.signIn()
    client.start()
    await flush()
    const stale = client.getState().accessToken
    vi.setSystemTime(Date.now() + 20 * MINUTE)
    const token = await client.getAccessToken()
    expect(token).not.toBe(stale)
    expect(server.stats.refreshes).toBe(2)
  })

  it('a focus storm while nothing is due makes no request', async () => {
    const { server, client } = setup({ accessTtl: 15 * 60 })
    server.signIn()
    client.start()
    await flush()
    for (let i = 0; i < 20; i += 1) window.dispatchEvent(new Event('focus'))
    await flush()
    expect(server.stats.refreshes).toBe(1)
  })
})

describe('failures during a refresh (RELIABILITY 5)', () => {
  const transient: [TestFault, string][] = [
    ['network', 'network'],
    ['timeout', 'timeout'],
    ['500', 'server'],
    ['503', 'server'],
    ['429', 'server'],
    ['html', 'bad_response'],
    ['hang', 'timeout'],
  ]

  it.each(transient)('%s keeps the session, sets error %s, and retries with backoff', async (fault, code) => {
    const { server, client } = setup({ accessTtl: 60 }, { requestTimeout: 5_000 })
    server.signIn()
    client.start()
    await flush()
    const token = client.getState().accessToken
    // Without a Retry-After (the test server's 429 sends one by default, tested below): the backoff alone.
    server.fail(fault, 1, { retryAfter: null })
    await flush(48_000) // the refresh point
    if (fault === 'hang') await flush(5_000) // a hang ends at requestTimeout
    expect(client.getState()).toMatchObject({ status: 'authenticated', accessToken: token })
    expect(client.getState().error?.code).toBe(code)
    expect(server.stats.refreshes).toBe(1)
    await flush(1_200) // first retry 1 s ± 20 %
    expect(server.stats.refreshes).toBe(2)
    expect(client.getState()).toMatchObject({ status: 'authenticated', error: null })
    expect(client.getState().accessToken).not.toBe(token)
  })

  it('backs off 1 s doubling to 30 s with ±20 % jitter', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 10].map((n) => backoffDelay(n, () => 0.5))).toEqual([
      1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000,
    ])
    expect(backoffDelay(0, () => 0)).toBe(800)
    expect(backoffDelay(0, () => 1)).toBe(1200)
    expect(backoffDelay(9, () => 1)).toBe(36000)
  })

  it('keeps retrying through a long outage, staying signed in with the error once the token expired', async () => {
    const { server, client } = setup({ accessTtl: 60 })
    server.signIn()
    client.start()
    await flush()
    server.fail('503', 20)
    await flush(5 * MINUTE)
    expect(client.getState().status).toBe('authenticated')
    expect(client.getState().error).toBeInstanceOf(AuthError)
    expect(client.getState().expiresAt).toBeLessThan(Date.now())
    // 1, 2, 4, 8, 16, then every 30 s: about 13 calls in the 252 s after the refresh point, not a loop.
    const refreshCalls = server.requests.filter((r) => r.path === '/auth/refresh').length
    expect(refreshCalls).toBeGreaterThanOrEqual(10)
    expect(refreshCalls).toBeLessThanOrEqual(16)
    await expect(client.fetch('/api/me')).rejects.toMatchObject({ code: 'server' })
    await flush(6 * MINUTE)
    expect(client.getState()).toMatchObject({ status: 'authenticated', error: null })
  })

  it('online retries at once during the backoff', async () => {
    const { server, client } = setup({ accessTtl: 60 })
    server.signIn()
    client.start()
    await flush()
    server.fail('network', 3)
    await flush(48_000)
    await flush(1_200)
    await flush(2_400)
    expect(client.getState().error?.code).toBe('network')
    window.dispatchEvent(new Event('online'))
    await flush()
    expect(client.getState().error).toBeNull()
  })

  it.each([
    ['refused (401)', (s: ReturnType<typeof createTestAuthServer>) => s.clearCookie(), 'expired'],
    ['revoked', (s: ReturnType<typeof createTestAuthServer>) => s.revoke(), 'revoked'],
  ])('%s signs out exactly once with reason %s', async (_, arrange, reason) => {
    const { server, client } = setup({ accessTtl: 60 })
    server.signIn()
    client.start()
    await flush()
    const changes: string[] = []
    client.subscribe((s, prev) => {
      if (s.status !== prev.status) changes.push(`${s.status}:${s.reason}`)
    })
    arrange(server)
    await flush(10 * MINUTE)
    expect(changes).toEqual([`unauthenticated:${reason}`])
    expect(client.getState().error?.code).toBe('session_expired')
    expect(server.requests.filter((r) => r.path === '/auth/refresh')).toHaveLength(2)
  })

  it('a malformed token in a 200 answer is never adopted', async () => {
    const body = { access_token: createTestToken({ sub: 'x' }, { expiresIn: -10 }) }
    let calls = 0
    const client = createAuthClient({
      crossTab: false,
      transport: {
        login: async () => ({ access_token: createTestToken({ sub: 'x' }, { expiresIn: 60 }) }),
        refresh: async () => {
          calls += 1
          return calls === 1 ? body : { access_token: 'a.b.c', expires_in: 60 }
        },
        logout: async () => ({}),
      },
    })
    await client.login({})
    const token = client.getState().accessToken
    client.start()
    await expect(client.refresh()).rejects.toMatchObject({ code: 'bad_token' })
    await expect(client.refresh()).rejects.toMatchObject({ code: 'bad_token' })
    expect(client.getState().accessToken).toBe(token)
    expect(client.getState().status).toBe('authenticated')
    client.destroy()
  })
})

describe('custom transport', () => {
  it('treats an error with a 4xx status as the end of the session, any other throw as a network failure', async () => {
    let fail: unknown = null
    const server = createTestAuthServer({ accessTtl: 60 })
    const client = createAuthClient({
      crossTab: false,
      transport: {
        ...server.transport,
        refresh: async () => {
          if (fail) throw fail
          return server.transport.refresh()
        },
      },
    })
    await client.login(credentials)
    fail = new Error('socket hang up')
    await expect(client.refresh()).rejects.toMatchObject({ code: 'network' })
    expect(client.getState().status).toBe('authenticated')
    fail = Object.assign(new Error('Forbidden'), { status: 403 })
    await expect(client.refresh()).resolves.toBeNull()
    expect(client.getState()).toMatchObject({ status: 'unauthenticated', reason: 'expired' })
    client.destroy()
  })

  it('is bounded by requestTimeout even when it ignores the abort signal', async () => {
    const client = createAuthClient({
      crossTab: false,
      requestTimeout: 2_000,
      transport: {
        login: () => new Promise(() => {}),
        refresh: () => new Promise(() => {}),
        logout: async () => ({}),
      },
    })
    const login = client.login({}).catch((e: unknown) => e)
    await flush(2_000)
    expect(await login).toMatchObject({ code: 'timeout' })
    client.destroy()
  })
})

describe('single flight', () => {
  it('the timer, start(), getAccessToken() and refresh() share one request', async () => {
    const { server, client } = setup({ accessTtl: 60, latency: 200 })
    server.signIn()
    client.start()
    const all = Promise.all([
      client.refresh(),
      client.getAccessToken(),
      client.refresh(),
      client.getAccessToken(),
    ])
    await flush(200)
    const [a, b, c, d] = await all
    expect(server.stats.refreshes).toBe(1)
    expect(new Set([a?.accessToken, b, c?.accessToken, d]).size).toBe(1)
  })

  it('sets refreshing while a refresh is in flight', async () => {
    const { server, client } = setup({ accessTtl: 60, latency: 200 })
    server.signIn()
    client.start()
    await flush(0)
    expect(client.getState().refreshing).toBe(true)
    await flush(200)
    expect(client.getState().refreshing).toBe(false)
  })
})

describe('details from review', () => {
  it('reads expires_in one level above a token nested under data', async () => {
    const { parseTokenResponse } = await import('react-jwt-session/core')
    const token = createTestToken({ sub: 'x' }, { expiresIn: 60 })
    expect(parseTokenResponse({ data: { token }, expires_in: 30 })).toEqual({
      accessToken: token,
      expiresIn: 30,
    })
  })

  it('an OAuth invalid_grant whose description says revoked signs out as revoked', async () => {
    const { isRevocation, errorForStatus } = await import('../../src/core/httpTransport')
    const cause = { error: 'invalid_grant', error_description: 'Refresh token was revoked' }
    expect(isRevocation(errorForStatus(400, 'refresh', cause))).toBe(true)
    expect(isRevocation(errorForStatus(400, 'refresh', { error: 'invalid_grant' }))).toBe(false)
  })

  it('warns once, without a token, when the refresh endpoint answers 404', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    const client = createAuthClient({
      crossTab: false,
      endpoints: { refresh: '/auth/wrong-path' },
      fetch: createTestAuthServer().fetch,
    })
    client.start()
    await flush()
    await client.refresh()
    expect(client.getState()).toMatchObject({ status: 'unauthenticated', reason: 'no-session' })
    expect(warn.mock.calls.filter(([m]) => String(m).includes('endpoints.refresh'))).toHaveLength(1)
    client.destroy()
  })
})

describe('refreshAt', () => {
  it('is when the timer renews: the margin and its half-lifetime cap, the backoff, null when nothing is due', async () => {
    const { server, client } = setup({ accessTtl: 60 }, { refreshMargin: 45_000 })
    server.signIn()
    const stop = client.start()
    await flush()
    const { expiresAt, refreshAt } = client.getState()
    // A 45 s margin on a 60 s token is capped at half the lifetime.
    expect(refreshAt).toBe((expiresAt as number) - 30_000)
    await flush((refreshAt as number) - Date.now() - 1)
    expect(server.stats.refreshes).toBe(1)
    await flush(1)
    expect(server.stats.refreshes).toBe(2)
    expect(client.getState().refreshAt).toBe((client.getState().expiresAt as number) - 30_000)

    server.fail('503')
    const before = Date.now()
    await client.refresh().catch(() => null)
    const retryAt = client.getState().refreshAt as number
    expect(retryAt - before).toBeGreaterThanOrEqual(800)
    expect(retryAt - before).toBeLessThanOrEqual(1_200)
    await flush(retryAt - Date.now())
    expect(server.stats.refreshes).toBe(3)
    expect(client.getState()).toMatchObject({
      error: null,
      refreshAt: (client.getState().expiresAt as number) - 30_000,
    })

    stop()
    expect(client.getState().refreshAt).toBeNull()
    client.start()
    expect(client.getState().refreshAt).toBe((client.getState().expiresAt as number) - 30_000)
    await client.logout()
    expect(client.getState().refreshAt).toBeNull()
  })

  it('is null before start(), and set by the same store write that adopts the session', async () => {
    const { client } = setup()
    await client.login(credentials)
    expect(client.getState()).toMatchObject({ status: 'authenticated', refreshAt: null })
    client.start()
    expect(client.getState().refreshAt).toBe((client.getState().expiresAt as number) - 60_000)
    const writes: Array<{ expiresAt: number | null; refreshAt: number | null }> = []
    client.subscribe(({ expiresAt, refreshAt }) => writes.push({ expiresAt, refreshAt }))
    const before = client.getState().expiresAt as number
    await flush(1_000)
    await client.refresh()
    // No write shows the new expiry with the old renewal time (or none): readers never see them disagree.
    expect(writes.filter((w) => w.expiresAt !== before).length).toBeGreaterThan(0)
    for (const w of writes) expect(w.refreshAt).toBe((w.expiresAt as number) - 60_000)
  })
})
