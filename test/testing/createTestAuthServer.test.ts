import { AuthError, decodeToken } from 'react-jwt-session/core'
import {
  createTestAuthServer,
  createTestToken,
  type TestAuthServer,
  type TestFault,
} from 'react-jwt-session/testing'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'

const ADA = { username: 'ada', password: 'lovelace' }
const NOW = Date.UTC(2030, 0, 1, 12, 0, 0)

interface TokenBody {
  access_token: string
  token_type: string
  expires_in: number
  user: Record<string, unknown>
}

/** A fixed server clock, moved by hand. */
function clock(start = NOW) {
  let time = start
  return { now: () => time, advance: (ms: number) => (time += ms) }
}

/** Follows a promise without awaiting it, so a test can tell a pending call from a settled one. */
function track<T>(promise: Promise<T>) {
  const state: { settled: boolean; value?: T; error?: unknown } = { settled: false }
  promise.then(
    (value) => Object.assign(state, { settled: true, value }),
    (error: unknown) => Object.assign(state, { settled: true, error }),
  )
  return state
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise
  } catch (error) {
    return error
  }
  throw new Error('the call did not reject')
}

async function authRejection(promise: Promise<unknown>): Promise<AuthError> {
  const error = await rejection(promise)
  expect(error).toBeInstanceOf(AuthError)
  return error as AuthError
}

const post = (
  server: TestAuthServer,
  path: string,
  body: unknown = {},
  credentials: RequestCredentials = 'include',
  signal?: AbortSignal,
) =>
  server.fetch(path, {
    method: 'POST',
    credentials,
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
    ...(signal ? { signal } : {}),
  })

const api = (server: TestAuthServer, token: string | null, path = '/api/me', init: RequestInit = {}) =>
  server.fetch(path, { ...init, headers: token === null ? {} : { Authorization: `Bearer ${token}` } })

const loginVia = async (server: TestAuthServer) => (await server.transport.login(ADA)) as TokenBody

describe('server.transport: login, refresh, logout', () => {
  it('login answers a token response for the default user', async () => {
    const { now } = clock()
    const server = createTestAuthServer({ now })
    const body = await loginVia(server)
    expect(body).toStrictEqual({
      access_token: expect.any(String),
      token_type: 'Bearer',
      expires_in: 900,
      user: { username: 'ada', sub: 'user-ada', name: 'Ada Lovelace' },
    })
    expect(decodeToken(body.access_token)).toStrictEqual({
      sub: 'user-ada',
      name: 'Ada Lovelace',
      jti: 'at-1',
      iat: NOW / 1000,
      exp: NOW / 1000 + 900,
    })
    expect(server.hasCookie).toBe(true)
    expect(server.stats).toStrictEqual({
      logins: 1,
      failedLogins: 0,
      refreshes: 0,
      reuseDetections: 0,
      logouts: 0,
      apiRequests: 0,
    })
  })

  it('uses accessTtl and the server clock for the token', async () => {
    const { now } = clock(NOW + 7_000)
    const server = createTestAuthServer({ accessTtl: 60, now })
    const body = await loginVia(server)
    expect(body.expires_in).toBe(60)
    expect(decodeToken(body.access_token)).toMatchObject({ iat: NOW / 1000 + 7, exp: NOW / 1000 + 67 })
  })

  it('puts custom users’ claims in the token and the user, never the password', async () => {
    const server = createTestAuthServer({
      users: [
        { username: 'grace', password: 'cobol', sub: 'u-grace', role: 'admin', teams: ['navy'] },
        { username: 'alan', password: 'enigma', sub: 'u-alan' },
      ],
    })
    await expect(server.transport.login(ADA)).rejects.toBeInstanceOf(AuthError)
    const body = (await server.transport.login({ username: 'grace', password: 'cobol' })) as TokenBody
    expect(body.user).toStrictEqual({ username: 'grace', sub: 'u-grace', role: 'admin', teams: ['navy'] })
    expect(decodeToken(body.access_token)).toMatchObject({ sub: 'u-grace', role: 'admin', teams: ['navy'] })
    expect(JSON.stringify(body)).not.toContain('cobol')
    expect(JSON.stringify(decodeToken(body.access_token))).not.toContain('cobol')
  })

  it('a wrong password → invalid_credentials 401, counted as a failed login, no cookie', async () => {
    const server = createTestAuthServer()
    const error = await authRejection(server.transport.login({ username: 'ada', password: 'nope' }))
    expect(error.code).toBe('invalid_credentials')
    expect(error.status).toBe(401)
    expect(error.cause).toEqual({ error: 'invalid_credentials' })
    const unknown = await authRejection(server.transport.login({ username: 'eve', password: 'lovelace' }))
    expect(unknown.status).toBe(401)
    expect(server.stats.failedLogins).toBe(2)
    expect(server.stats.logins).toBe(0)
    expect(server.hasCookie).toBe(false)
  })

  it('a login without username or password → 400, not counted as a failed login', async () => {
    const server = createTestAuthServer()
    for (const credentials of [{}, { username: 'ada' }, { username: 'ada', password: 1 }]) {
      const error = await authRejection(server.transport.login(credentials))
      expect(error.code).toBe('invalid_credentials')
      expect(error.status).toBe(400)
      expect(error.cause).toEqual({ error: 'bad_request', message: 'username and password are required' })
    }
    expect(server.stats.failedLogins).toBe(0)
  })

  it('refresh without a cookie → session_expired 401 no_refresh_cookie', async () => {
    const server = createTestAuthServer()
    const error = await authRejection(server.transport.refresh())
    expect(error.code).toBe('session_expired')
    expect(error.status).toBe(401)
    expect(error.cause).toEqual({ error: 'no_refresh_cookie' })
    expect(server.stats.refreshes).toBe(0)
  })

  it('refresh rotates: each call gets a new token, sequential refreshes never count as reuse', async () => {
    const server = createTestAuthServer()
    const first = await loginVia(server)
    const tokens = [first.access_token]
    for (let i = 0; i < 5; i += 1) tokens.push(((await server.transport.refresh()) as TokenBody).access_token)
    expect(new Set(tokens).size).toBe(6)
    expect(tokens.map((t) => decodeToken(t).jti)).toEqual(['at-1', 'at-2', 'at-3', 'at-4', 'at-5', 'at-6'])
    expect(server.stats.refreshes).toBe(5)
    expect(server.stats.reuseDetections).toBe(0)
  })

  it('logout clears the cookie and counts; a refresh after it is refused', async () => {
    const server = createTestAuthServer()
    await loginVia(server)
    await expect(server.transport.logout({ everywhere: false })).resolves.toEqual({ ok: true })
    expect(server.hasCookie).toBe(false)
    expect(server.stats.logouts).toBe(1)
    expect((await authRejection(server.transport.refresh())).cause).toEqual({ error: 'no_refresh_cookie' })
  })

  it('logout without a cookie still answers 200 and counts', async () => {
    const server = createTestAuthServer()
    await expect(server.transport.logout({ everywhere: true })).resolves.toEqual({ ok: true })
    expect(server.stats.logouts).toBe(1)
  })

  it('logout revokes the refresh token on the server: a refresh that was in flight with it is refused', async () => {
    const server = createTestAuthServer()
    await loginVia(server)
    const out = server.transport.logout({ everywhere: false })
    const refresh = server.transport.refresh()
    await out
    const error = await authRejection(refresh)
    expect(error.cause).toEqual({ error: 'token_revoked' })
    expect(server.stats.refreshes).toBe(0)
  })

  it('logout everywhere revokes the user’s other sessions, plain logout does not', async () => {
    for (const everywhere of [true, false]) {
      const server = createTestAuthServer()
      await loginVia(server)
      // The logout goes out with this session's cookie; meanwhile another device's session is in use.
      const out = server.transport.logout({ everywhere })
      server.signIn('ada')
      const elsewhere = track(server.transport.refresh())
      await out
      await vi.waitFor(() => expect(elsewhere.settled).toBe(true))
      if (everywhere) expect((elsewhere.error as AuthError).cause).toEqual({ error: 'token_revoked' })
      else expect((elsewhere.value as TokenBody).user).toMatchObject({ sub: 'user-ada' })
    }
  })

  it('logout everywhere leaves other users alone', async () => {
    const server = createTestAuthServer({
      users: [
        { username: 'ada', password: 'lovelace', sub: 'user-ada' },
        { username: 'bob', password: 'b', sub: 'user-bob' },
      ],
    })
    await loginVia(server)
    const out = server.transport.logout({ everywhere: true })
    server.signIn('bob')
    const bob = server.transport.refresh()
    await out
    expect(((await bob) as TokenBody).user).toMatchObject({ sub: 'user-bob' })
  })
})

describe('server.transport: strict refresh-token rotation', () => {
  it('two refreshes started in the same tick: one succeeds, the other is a reuse that revokes the family', async () => {
    const server = createTestAuthServer()
    await loginVia(server)
    const [a, b] = await Promise.allSettled([server.transport.refresh(), server.transport.refresh()])
    expect(a.status).toBe('fulfilled')
    expect(b.status).toBe('rejected')
    const reuse = (b as PromiseRejectedResult).reason as AuthError
    expect(reuse).toBeInstanceOf(AuthError)
    expect(reuse.code).toBe('session_expired')
    expect(reuse.status).toBe(401)
    expect(reuse.cause).toEqual({ error: 'token_reused' })
    expect(server.stats.reuseDetections).toBe(1)
    expect(server.stats.refreshes).toBe(1)
    // The winner's new cookie belongs to the revoked family: refused too.
    expect(server.hasCookie).toBe(true)
    expect((await authRejection(server.transport.refresh())).cause).toEqual({ error: 'token_revoked' })
    expect(server.stats.reuseDetections).toBe(1)
  })

  it('the same two refreshes one after the other are fine (the race, not the count, is what fails)', async () => {
    const server = createTestAuthServer()
    await loginVia(server)
    await server.transport.refresh()
    await server.transport.refresh()
    expect(server.stats.reuseDetections).toBe(0)
    expect(server.stats.refreshes).toBe(2)
  })

  it('three overlapping refreshes: one success, one reuse detection, then the family is already revoked', async () => {
    const server = createTestAuthServer()
    await loginVia(server)
    const results = await Promise.allSettled([1, 2, 3].map(() => server.transport.refresh()))
    expect(results.map((r) => (r.status === 'fulfilled' ? 'ok' : (r.reason as AuthError).cause))).toEqual([
      'ok',
      { error: 'token_reused' },
      { error: 'token_revoked' },
    ])
    expect(server.stats.reuseDetections).toBe(1)
  })

  it('a new login after a reuse starts a new family that works', async () => {
    const server = createTestAuthServer()
    await loginVia(server)
    await Promise.allSettled([server.transport.refresh(), server.transport.refresh()])
    await loginVia(server)
    await expect(server.transport.refresh()).resolves.toMatchObject({ token_type: 'Bearer' })
    expect(server.stats.logins).toBe(2)
  })

  it('the cookie is read when the call is sent and stored when the answer arrives (latency)', async () => {
    vi.useFakeTimers({ now: NOW })
    try {
      const server = createTestAuthServer({ latency: 100 })
      const login = server.transport.login(ADA)
      expect(server.hasCookie).toBe(false)
      await vi.advanceTimersByTimeAsync(99)
      expect(server.hasCookie).toBe(false)
      await vi.advanceTimersByTimeAsync(1)
      await login
      expect(server.hasCookie).toBe(true)
      // Started 50 ms apart, both still carry the first cookie: the second is a reuse.
      const first = track(server.transport.refresh())
      await vi.advanceTimersByTimeAsync(50)
      const second = track(server.transport.refresh())
      await vi.advanceTimersByTimeAsync(100)
      expect(first.value).toMatchObject({ token_type: 'Bearer' })
      expect((second.error as AuthError).cause).toEqual({ error: 'token_reused' })
      expect(server.stats.reuseDetections).toBe(1)
    } finally {
      vi.useRealTimers()
    }
  })
})

describe('server.fetch: the auth endpoints', () => {
  it('answers login with JSON, no-store, and sets the cookie', async () => {
    const server = createTestAuthServer()
    const response = await post(server, '/auth/login', ADA)
    expect(response.status).toBe(200)
    expect(response.headers.get('Content-Type')).toBe('application/json')
    expect(response.headers.get('Cache-Control')).toBe('no-store')
    const body = (await response.json()) as TokenBody
    expect(body.token_type).toBe('Bearer')
    expect(body.user).toStrictEqual({ username: 'ada', sub: 'user-ada', name: 'Ada Lovelace' })
    expect(server.hasCookie).toBe(true)
    expect(server.stats.logins).toBe(1)
  })

  it('answers a wrong password 401 and a missing one 400', async () => {
    const server = createTestAuthServer()
    const wrong = await post(server, '/auth/login', { username: 'ada', password: 'x' })
    expect(wrong.status).toBe(401)
    expect(await wrong.json()).toEqual({ error: 'invalid_credentials' })
    const missing = await post(server, '/auth/login', {})
    expect(missing.status).toBe(400)
    expect(await missing.json()).toEqual({
      error: 'bad_request',
      message: 'username and password are required',
    })
    const empty = await server.fetch('/auth/login', { method: 'POST', credentials: 'include' })
    expect(empty.status).toBe(400)
    expect(server.stats.failedLogins).toBe(1)
  })

  it('refresh, logout and logout-all work with credentials: "include"', async () => {
    const server = createTestAuthServer()
    await post(server, '/auth/login', ADA)
    const refreshed = await post(server, '/auth/refresh')
    expect(refreshed.status).toBe(200)
    expect(await refreshed.json()).toMatchObject({ token_type: 'Bearer', expires_in: 900 })
    expect((await post(server, '/auth/logout')).status).toBe(200)
    expect(server.hasCookie).toBe(false)
    const again = await post(server, '/auth/refresh')
    expect(again.status).toBe(401)
    expect(await again.json()).toEqual({ error: 'no_refresh_cookie' })
    expect((await post(server, '/auth/logout-all')).status).toBe(200)
    expect(server.stats).toMatchObject({ logins: 1, refreshes: 1, logouts: 2 })
  })

  it('sends the cookie only with credentials: "include"', async () => {
    const server = createTestAuthServer()
    server.signIn()
    for (const credentials of ['omit', 'same-origin'] as const) {
      const response = await post(server, '/auth/refresh', {}, credentials)
      expect(response.status).toBe(401)
      expect(await response.json()).toEqual({ error: 'no_refresh_cookie' })
    }
    const response = await server.fetch('/auth/refresh', { method: 'POST', body: '{}' })
    expect(response.status).toBe(401)
    expect((await post(server, '/auth/refresh', {}, 'include')).status).toBe(200)
    expect(server.stats.refreshes).toBe(1)
  })

  it('stores the answer’s cookie only with credentials: "include"', async () => {
    const server = createTestAuthServer()
    expect((await post(server, '/auth/login', ADA, 'same-origin')).status).toBe(200)
    expect(server.hasCookie).toBe(false)
    expect((await post(server, '/auth/refresh')).status).toBe(401)
    server.signIn()
    expect((await post(server, '/auth/logout', {}, 'omit')).status).toBe(200)
    expect(server.hasCookie).toBe(true)
  })

  it('two overlapping refreshes through fetch: one 200, one 401 token_reused', async () => {
    const server = createTestAuthServer()
    await post(server, '/auth/login', ADA)
    const [a, b] = await Promise.all([post(server, '/auth/refresh'), post(server, '/auth/refresh')])
    expect([a.status, b.status]).toEqual([200, 401])
    expect(await b.json()).toEqual({ error: 'token_reused' })
    expect(server.stats.reuseDetections).toBe(1)
    const after = await post(server, '/auth/refresh')
    expect(after.status).toBe(401)
    expect(await after.json()).toEqual({ error: 'token_revoked' })
  })

  it('accepts a Request and a URL as input', async () => {
    const server = createTestAuthServer()
    const request = new Request('http://localhost/auth/login', {
      method: 'POST',
      credentials: 'include',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(ADA),
    })
    expect((await server.fetch(request)).status).toBe(200)
    expect(server.hasCookie).toBe(true)
    const viaUrl = await server.fetch(new URL('https://auth.example.com/auth/refresh'), {
      method: 'POST',
      credentials: 'include',
      body: '{}',
    })
    expect(viaUrl.status).toBe(200)
  })

  it('answers another method on an auth endpoint 405', async () => {
    const server = createTestAuthServer()
    server.signIn()
    const response = await server.fetch('/auth/refresh', { credentials: 'include' })
    expect(response.status).toBe(405)
    expect(await response.json()).toEqual({ error: 'method_not_allowed' })
    expect(server.stats.refreshes).toBe(0)
  })

  it('answers malformed JSON 400', async () => {
    const server = createTestAuthServer()
    const response = await server.fetch('/auth/login', {
      method: 'POST',
      credentials: 'include',
      headers: { 'Content-Type': 'application/json' },
      body: '{"username":"ada",',
    })
    expect(response.status).toBe(400)
    expect(await response.json()).toEqual({ error: 'bad_request', message: 'malformed JSON' })
    expect(server.stats.failedLogins).toBe(0)
  })

  it('answers an unknown path 404', async () => {
    const server = createTestAuthServer()
    for (const path of ['/', '/auth', '/auth/unknown', '/auth/login/extra', '/apis/me', '/health']) {
      const response = await post(server, path)
      expect(response.status).toBe(404)
      expect(await response.json()).toEqual({ error: 'not_found' })
    }
    expect(server.stats.apiRequests).toBe(0)
  })
})

describe('server.fetch: protected /api/* calls', () => {
  it('answers a valid bearer 200 with the user, path and method', async () => {
    const server = createTestAuthServer()
    const { access_token } = await loginVia(server)
    const response = await api(server, access_token, '/api/projects/7?view=full')
    expect(response.status).toBe(200)
    expect(await response.json()).toStrictEqual({
      ok: true,
      path: '/api/projects/7',
      method: 'GET',
      user: { username: 'ada', sub: 'user-ada', name: 'Ada Lovelace' },
    })
  })

  it('echoes the body of a POST', async () => {
    const server = createTestAuthServer()
    const { access_token } = await loginVia(server)
    const response = await api(server, access_token, '/api/notes', { method: 'POST', body: '{"text":"hi"}' })
    expect(await response.json()).toMatchObject({ method: 'POST', echo: '{"text":"hi"}' })
  })

  it.each([
    ['no Authorization header', null as string | null],
    ['a token it never issued', createTestToken({ sub: 'user-ada' })],
    ['garbage', 'not-a-token'],
  ])('answers %s 401 with WWW-Authenticate', async (_label, token) => {
    const server = createTestAuthServer()
    await loginVia(server)
    const response = await api(server, token)
    expect(response.status).toBe(401)
    expect(response.headers.get('WWW-Authenticate')).toBe('Bearer error="invalid_token"')
    expect(await response.json()).toEqual({ error: 'invalid_token' })
  })

  it('wants the Bearer scheme', async () => {
    const server = createTestAuthServer()
    const { access_token } = await loginVia(server)
    const response = await server.fetch('/api/me', { headers: { Authorization: `Token ${access_token}` } })
    expect(response.status).toBe(401)
  })

  it('accepts a Request with the header', async () => {
    const server = createTestAuthServer()
    const { access_token } = await loginVia(server)
    const response = await server.fetch(
      new Request('http://localhost/api/me', { headers: { Authorization: `Bearer ${access_token}` } }),
    )
    expect(response.status).toBe(200)
  })

  it('refuses a token once the server clock passes its expiry', async () => {
    const time = clock()
    const server = createTestAuthServer({ accessTtl: 60, now: time.now })
    const { access_token } = await loginVia(server)
    time.advance(59_999)
    expect((await api(server, access_token)).status).toBe(200)
    time.advance(1)
    expect((await api(server, access_token)).status).toBe(401)
  })

  it('counts every API request, answered or refused', async () => {
    const server = createTestAuthServer()
    const { access_token } = await loginVia(server)
    await api(server, access_token)
    await api(server, null)
    await api(server, access_token, '/api/x', { method: 'DELETE' })
    expect(server.stats.apiRequests).toBe(3)
  })

  it('API calls never consume an auth fault', async () => {
    const server = createTestAuthServer()
    const { access_token } = await loginVia(server)
    server.fail('500')
    expect((await api(server, access_token)).status).toBe(200)
    expect((await post(server, '/auth/refresh')).status).toBe(500)
  })
})

describe('revoke, expireTokens, signIn, clearCookie', () => {
  it('revoke(): the next refresh is refused as revoked; a new login works', async () => {
    const server = createTestAuthServer()
    await loginVia(server)
    server.revoke()
    const error = await authRejection(server.transport.refresh())
    expect(error.code).toBe('session_expired')
    expect(error.cause).toEqual({ error: 'token_revoked' })
    expect(server.stats.reuseDetections).toBe(0)
    await loginVia(server)
    await expect(server.transport.refresh()).resolves.toMatchObject({ token_type: 'Bearer' })
  })

  it('revoke() reaches every family, and answers through fetch too', async () => {
    const server = createTestAuthServer()
    server.signIn()
    server.signIn()
    server.revoke()
    const response = await post(server, '/auth/refresh')
    expect(response.status).toBe(401)
    expect(await response.json()).toEqual({ error: 'token_revoked' })
  })

  it('expireTokens(): issued tokens get 401 with WWW-Authenticate; refresh still works and its token is good', async () => {
    const server = createTestAuthServer()
    const { access_token } = await loginVia(server)
    expect((await api(server, access_token)).status).toBe(200)
    server.expireTokens()
    const refused = await api(server, access_token)
    expect(refused.status).toBe(401)
    expect(refused.headers.get('WWW-Authenticate')).toBe('Bearer error="invalid_token"')
    const fresh = (await server.transport.refresh()) as TokenBody
    expect((await api(server, fresh.access_token)).status).toBe(200)
    expect((await api(server, access_token)).status).toBe(401)
  })

  it('signIn(): a cookie for the first user, or a named one, without counting a login', async () => {
    const server = createTestAuthServer({
      users: [
        { username: 'ada', password: 'a', sub: 'user-ada' },
        { username: 'bob', password: 'b', sub: 'user-bob' },
      ],
    })
    expect(server.hasCookie).toBe(false)
    server.signIn()
    expect(server.hasCookie).toBe(true)
    expect(((await server.transport.refresh()) as TokenBody).user).toMatchObject({ sub: 'user-ada' })
    server.signIn('bob')
    expect(((await server.transport.refresh()) as TokenBody).user).toMatchObject({ sub: 'user-bob' })
    expect(server.stats.logins).toBe(0)
    expect(server.stats.refreshes).toBe(2)
  })

  it('signIn() with an unknown user throws', () => {
    const server = createTestAuthServer()
    expect(() => server.signIn('mallory')).toThrow('createTestAuthServer: no user named mallory')
    expect(server.hasCookie).toBe(false)
  })

  it('clearCookie(): the browser lost its cookie, the next refresh is refused', async () => {
    const server = createTestAuthServer()
    await loginVia(server)
    server.clearCookie()
    expect(server.hasCookie).toBe(false)
    expect((await authRejection(server.transport.refresh())).cause).toEqual({ error: 'no_refresh_cookie' })
    expect(server.stats.reuseDetections).toBe(0)
  })
})

describe('fail(kind, times)', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: NOW })
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  describe('through server.transport', () => {
    it('network → the call rejects like fetch ("Failed to fetch")', async () => {
      const server = createTestAuthServer()
      server.fail('network')
      const error = await rejection(server.transport.login(ADA))
      expect(error).toBeInstanceOf(TypeError)
      expect((error as Error).message).toBe('Failed to fetch')
    })

    it('timeout → a TimeoutError DOMException', async () => {
      const server = createTestAuthServer()
      server.signIn()
      server.fail('timeout')
      const error = await rejection(server.transport.refresh())
      expect((error as DOMException).name).toBe('TimeoutError')
    })

    it.each(['500', '503', '429'] as const)('%s → AuthError("server") with that status', async (kind) => {
      const server = createTestAuthServer()
      server.signIn()
      server.fail(kind)
      const error = await authRejection(server.transport.refresh())
      expect(error.code).toBe('server')
      expect(error.status).toBe(Number(kind))
      expect(error.cause).toEqual({ error: 'unavailable' })
      expect(error.details).toEqual({ error: 'unavailable' })
    })

    it('429 says when to come back (Retry-After, 60 s unless told), 503 only when told, 500 never', async () => {
      const server = createTestAuthServer()
      server.signIn()
      server.fail('429')
      server.fail('429', 1, { retryAfter: 7 })
      server.fail('429', 1, { retryAfter: null })
      server.fail('503')
      server.fail('503', 1, { retryAfter: 120 })
      server.fail('500', 1, { retryAfter: 5 })
      const seen = []
      for (let i = 0; i < 6; i += 1) {
        const error = await authRejection(server.transport.refresh())
        seen.push([error.status, error.retryAfter])
      }
      expect(seen).toEqual([
        [429, 60],
        [429, 7],
        [429, undefined],
        [503, undefined],
        [503, 120],
        [500, undefined],
      ])
    })

    it('html → resolves with an HTML page instead of a token response', async () => {
      const server = createTestAuthServer()
      server.signIn()
      server.fail('html')
      await expect(server.transport.refresh()).resolves.toBe(
        '<!doctype html><title>Maintenance</title><h1>Back soon</h1>',
      )
    })

    it('hang → never answers, whatever the time, until the call’s signal aborts', async () => {
      const server = createTestAuthServer()
      server.signIn()
      server.fail('hang')
      const controller = new AbortController()
      const call = track(server.transport.refresh({ signal: controller.signal }))
      await vi.advanceTimersByTimeAsync(2 ** 31)
      await vi.runAllTimersAsync()
      expect(call.settled).toBe(false)
      expect(vi.getTimerCount()).toBe(0)
      controller.abort()
      await vi.advanceTimersByTimeAsync(0)
      expect((call.error as DOMException).name).toBe('AbortError')
      // The hung call never reached the server: the cookie is still good.
      await expect(server.transport.refresh()).resolves.toMatchObject({ token_type: 'Bearer' })
      expect(server.stats).toMatchObject({ refreshes: 1, reuseDetections: 0 })
    })

    it('hang with a signal that is already aborted rejects at once', async () => {
      const server = createTestAuthServer()
      server.fail('hang')
      const error = await rejection(server.transport.login(ADA, { signal: AbortSignal.abort() }))
      expect((error as DOMException).name).toBe('AbortError')
    })

    it('slow → answers after slowDelay (default 3 s)', async () => {
      const server = createTestAuthServer()
      server.signIn()
      server.fail('slow')
      const call = track(server.transport.refresh())
      await vi.advanceTimersByTimeAsync(2_999)
      expect(call.settled).toBe(false)
      await vi.advanceTimersByTimeAsync(1)
      expect(call.value).toMatchObject({ token_type: 'Bearer' })
    })

    it('slow honours a custom slowDelay; the server rotated at once, so an aborted refresh leaves a replay', async () => {
      const server = createTestAuthServer({ slowDelay: 20_000 })
      server.signIn()
      server.fail('slow')
      const controller = new AbortController()
      const call = track(server.transport.refresh({ signal: controller.signal }))
      await vi.advanceTimersByTimeAsync(10_000)
      // As a real server: the refresh was processed when it arrived, only its answer is late.
      expect(server.stats.refreshes).toBe(1)
      controller.abort()
      await vi.advanceTimersByTimeAsync(20_000)
      expect((call.error as DOMException).name).toBe('AbortError')
      // The rotated cookie never reached the browser: the next refresh presents the old one again.
      await expect(server.transport.refresh()).rejects.toMatchObject({ code: 'session_expired' })
      expect(server.stats).toMatchObject({ refreshes: 1, reuseDetections: 1 })
    })
  })

  describe('through server.fetch', () => {
    it('network → fetch rejects with TypeError', async () => {
      const server = createTestAuthServer()
      server.fail('network')
      const error = await rejection(post(server, '/auth/login', ADA))
      expect(error).toBeInstanceOf(TypeError)
      expect(server.stats.logins).toBe(0)
      expect(server.hasCookie).toBe(false)
    })

    it('timeout → fetch rejects with a TimeoutError', async () => {
      const server = createTestAuthServer()
      server.fail('timeout')
      expect(((await rejection(post(server, '/auth/refresh'))) as DOMException).name).toBe('TimeoutError')
    })

    it.each(['500', '503', '429'] as const)('%s → a JSON answer with that status', async (kind) => {
      const server = createTestAuthServer()
      server.signIn()
      server.fail(kind)
      const response = await post(server, '/auth/refresh')
      expect(response.status).toBe(Number(kind))
      expect(await response.json()).toEqual({ error: 'unavailable' })
      expect(server.stats.refreshes).toBe(0)
    })

    it('a 429 or 503 carries Retry-After as a header', async () => {
      const server = createTestAuthServer()
      server.signIn()
      server.fail('429')
      server.fail('503', 1, { retryAfter: 30 })
      server.fail('503')
      const headers = []
      for (let i = 0; i < 3; i += 1)
        headers.push((await post(server, '/auth/refresh')).headers.get('Retry-After'))
      expect(headers).toEqual(['60', '30', null])
    })

    it('html → 200 text/html', async () => {
      const server = createTestAuthServer()
      server.fail('html')
      const response = await post(server, '/auth/login', ADA)
      expect(response.status).toBe(200)
      expect(response.headers.get('Content-Type')).toBe('text/html')
      expect(await response.text()).toBe('<!doctype html><title>Maintenance</title><h1>Back soon</h1>')
      expect(server.hasCookie).toBe(false)
    })

    it('hang → never answers until the request is aborted', async () => {
      const server = createTestAuthServer()
      server.signIn()
      server.fail('hang')
      const controller = new AbortController()
      const call = track(post(server, '/auth/refresh', {}, 'include', controller.signal))
      await vi.advanceTimersByTimeAsync(2 ** 31)
      await vi.runAllTimersAsync()
      expect(call.settled).toBe(false)
      controller.abort()
      await vi.advanceTimersByTimeAsync(0)
      expect((call.error as DOMException).name).toBe('AbortError')
      expect((await post(server, '/auth/refresh')).status).toBe(200)
    })

    it('hang loses a race against a short timer', async () => {
      const server = createTestAuthServer()
      server.fail('hang')
      const winner = Promise.race([
        post(server, '/auth/login', ADA).then(() => 'answered'),
        new Promise((resolve) => setTimeout(resolve, 10_000, 'timer')),
      ])
      await vi.advanceTimersByTimeAsync(10_000)
      await expect(winner).resolves.toBe('timer')
    })

    it('slow → answers after slowDelay', async () => {
      const server = createTestAuthServer({ slowDelay: 5_000 })
      server.fail('slow')
      const call = track(post(server, '/auth/login', ADA))
      await vi.advanceTimersByTimeAsync(4_999)
      expect(call.settled).toBe(false)
      expect(server.hasCookie).toBe(false)
      await vi.advanceTimersByTimeAsync(1)
      expect((call.value as Response).status).toBe(200)
      expect(server.hasCookie).toBe(true)
    })

    it('slow, then aborted → the server did the work, the answer and its cookie never land', async () => {
      const server = createTestAuthServer()
      server.fail('slow')
      const controller = new AbortController()
      const call = track(post(server, '/auth/login', ADA, 'include', controller.signal))
      await vi.advanceTimersByTimeAsync(1_000)
      controller.abort()
      await vi.advanceTimersByTimeAsync(5_000)
      expect((call.error as DOMException).name).toBe('AbortError')
      expect(server.stats.logins).toBe(1)
      expect(server.hasCookie).toBe(false)
    })
  })

  const outcome = async (server: TestAuthServer) => {
    try {
      return (await post(server, '/auth/refresh')).status
    } catch (error) {
      return (error as Error).name
    }
  }

  it.each([
    ['network', 'TypeError'],
    ['timeout', 'TimeoutError'],
    ['500', 500],
    ['503', 503],
    ['429', 429],
  ] as Array<[TestFault, string | number]>)(
    'times is honoured: fail(%s, 3) fails three calls, then the server answers',
    async (kind, failed) => {
      const server = createTestAuthServer()
      server.signIn()
      server.fail(kind, 3)
      expect([
        await outcome(server),
        await outcome(server),
        await outcome(server),
        await outcome(server),
      ]).toEqual([failed, failed, failed, 200])
      expect(server.stats).toMatchObject({ refreshes: 1, reuseDetections: 0 })
    },
  )

  it('times defaults to 1, and 0 fails nothing', async () => {
    const server = createTestAuthServer()
    server.signIn()
    server.fail('503', 0)
    expect(await outcome(server)).toBe(200)
    server.fail('503')
    expect([await outcome(server), await outcome(server)]).toEqual([503, 200])
  })

  it('faults queue in order across kinds and across transport and fetch', async () => {
    const server = createTestAuthServer()
    server.signIn()
    server.fail('500')
    server.fail('network', 2)
    server.fail('html')
    expect(await outcome(server)).toBe(500)
    await expect(server.transport.refresh()).rejects.toBeInstanceOf(TypeError)
    expect(await outcome(server)).toBe('TypeError')
    await expect(server.transport.refresh()).resolves.toMatch(/^<!doctype html>/)
    await expect(server.transport.refresh()).resolves.toMatchObject({ token_type: 'Bearer' })
  })

  it('a failed call changes nothing on the server: no login, no rotation, no logout', async () => {
    const server = createTestAuthServer()
    server.fail('503', 3)
    await rejection(server.transport.login(ADA))
    expect(server.stats.logins).toBe(0)
    server.signIn()
    await rejection(server.transport.refresh())
    await rejection(server.transport.logout({ everywhere: true }))
    expect(server.hasCookie).toBe(true)
    expect(server.stats.logouts).toBe(0)
    await expect(server.transport.refresh()).resolves.toMatchObject({ token_type: 'Bearer' })
    expect(server.stats.reuseDetections).toBe(0)
  })

  it('latency delays every answer, auth and API', async () => {
    const server = createTestAuthServer({ latency: 250 })
    const login = track(server.transport.login(ADA))
    await vi.advanceTimersByTimeAsync(249)
    expect(login.settled).toBe(false)
    await vi.advanceTimersByTimeAsync(1)
    const { access_token } = login.value as TokenBody
    const call = track(api(server, access_token))
    await vi.advanceTimersByTimeAsync(249)
    expect(call.settled).toBe(false)
    await vi.advanceTimersByTimeAsync(1)
    expect((call.value as Response).status).toBe(200)
  })
})

describe('stats and requests', () => {
  it('count a whole session', async () => {
    const server = createTestAuthServer()
    await post(server, '/auth/login', { username: 'ada', password: 'wrong' })
    const { access_token } = (await (await post(server, '/auth/login', ADA)).json()) as TokenBody
    await api(server, access_token)
    await post(server, '/auth/refresh')
    await post(server, '/auth/refresh')
    await api(server, null)
    await post(server, '/auth/logout')
    expect(server.stats).toStrictEqual({
      logins: 1,
      failedLogins: 1,
      refreshes: 2,
      reuseDetections: 0,
      logouts: 1,
      apiRequests: 2,
    })
  })

  it('stats is live', async () => {
    const server = createTestAuthServer()
    const stats = server.stats
    await loginVia(server)
    expect(stats.logins).toBe(1)
  })

  it('requests records method, path, credentials and whether a bearer was sent — in order', async () => {
    const server = createTestAuthServer()
    const { access_token } = (await (await post(server, '/auth/login', ADA)).json()) as TokenBody
    await api(server, access_token, '/api/me?x=1')
    await api(server, null, '/api/public')
    await post(server, '/auth/refresh', {}, 'omit')
    await server.fetch('/nowhere')
    await server.transport.refresh()
    expect(server.requests).toStrictEqual([
      { method: 'POST', path: '/auth/login', credentials: 'include', bearer: false },
      { method: 'GET', path: '/api/me', credentials: undefined, bearer: true },
      { method: 'GET', path: '/api/public', credentials: undefined, bearer: false },
      { method: 'POST', path: '/auth/refresh', credentials: 'omit', bearer: false },
      { method: 'GET', path: '/nowhere', credentials: undefined, bearer: false },
    ])
  })

  it('requests never contain a token, even one sent in the URL', async () => {
    const server = createTestAuthServer()
    const tokens: string[] = []
    const { access_token } = (await (await post(server, '/auth/login', ADA)).json()) as TokenBody
    tokens.push(access_token)
    for (let i = 0; i < 3; i += 1) {
      const body = (await (await post(server, '/auth/refresh')).json()) as TokenBody
      tokens.push(body.access_token)
      await api(server, body.access_token)
      await server.fetch(`/api/callback?access_token=${body.access_token}#${body.access_token}`)
    }
    const log = JSON.stringify(server.requests)
    expect(server.requests).toHaveLength(10)
    for (const token of tokens) {
      expect(log).not.toContain(token)
      for (const part of token.split('.')) expect(log).not.toContain(part)
    }
    expect(log).not.toMatch(/rt-\d/)
  })
})
