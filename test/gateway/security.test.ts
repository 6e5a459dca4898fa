// @vitest-environment node
// The gateway attacked over real HTTP (RELIABILITY.md item 17): node:http with toNodeHandler in front of it, a
// SimpleJWT-shaped upstream on loopback behind it. Every test counts the upstream's calls, so a check that let a
// request through to the upstream, or called it twice, fails.
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import {
  createSessionGateway,
  type GatewayErrorEvent,
  type SessionGatewayOptions,
} from 'react-jwt-session/gateway'
import { toNodeHandler } from 'react-jwt-session/gateway/node'
import { simplejwt } from 'react-jwt-session/gateway/simplejwt'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { type FakeSimpleJwtServer, startFakeSimpleJwt } from './fakeSimpleJwtServer'

const SECRET = 'current-secret-of-at-least-32-bytes!!'
const PREVIOUS = 'previous-secret-of-at-least-32-bytes!'
const FOREIGN = 'someone-elses-secret-at-least-32-bytes'

let upstream: FakeSimpleJwtServer
let servers: Server[] = []
/** Every answer the gateway gave in this file, as text: searched for tokens at the end. */
const seen: string[] = []

beforeAll(async () => {
  upstream = await startFakeSimpleJwt()
})
afterAll(async () => {
  await upstream.stop()
})
afterEach(async () => {
  upstream.mode = 'normal'
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))))
  servers = []
})

type Options = Partial<SessionGatewayOptions>

async function serve(options: Options = {}) {
  const errors: GatewayErrorEvent[] = []
  const gateway = createSessionGateway({
    upstream: simplejwt({ url: upstream.url }),
    secret: SECRET,
    onError: (event) => errors.push(event),
    ...options,
  })
  const server = createServer(toNodeHandler(gateway))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  servers.push(server)
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`

  async function call(
    route: string,
    init: { cookie?: string; body?: unknown; origin?: string | null; method?: string } = {},
  ) {
    const headers: Record<string, string> = { 'Content-Type': 'application/json' }
    if (init.origin !== null) headers.Origin = init.origin ?? base
    if (init.cookie) headers.Cookie = init.cookie
    const method = init.method ?? 'POST'
    const response = await fetch(`${base}/auth/${route}`, {
      method,
      headers,
      ...(method === 'POST' ? { body: JSON.stringify(init.body ?? {}) } : {}),
    })
    const text = await response.text()
    const setCookie = response.headers.getSetCookie()
    seen.push(text, JSON.stringify([...response.headers]))
    return {
      status: response.status,
      text,
      json: text ? JSON.parse(text) : null,
      setCookie,
      headers: response.headers,
    }
  }
  return { base, call, errors, gateway }
}

/** The `Cookie` header a browser sends after `setCookie` (cleared cookies dropped). */
const jar = (setCookie: string[], previous = '') => {
  const cookies = new Map(
    previous
      .split('; ')
      .filter(Boolean)
      .map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)] as const),
  )
  for (const line of setCookie) {
    const pair = line.slice(0, line.indexOf(';'))
    const name = pair.slice(0, pair.indexOf('='))
    if (/Max-Age=0(;|$)/.test(line)) cookies.delete(name)
    else cookies.set(name, pair.slice(pair.indexOf('=') + 1))
  }
  return [...cookies].map(([name, value]) => `${name}=${value}`).join('; ')
}

const credentials = { username: 'ada', password: 'secret' }

async function signedIn(options: Options = {}) {
  const served = await serve(options)
  const login = await served.call('login', { body: credentials })
  expect(login.status).toBe(200)
  return { ...served, cookie: jar(login.setCookie), login }
}

const clears = (setCookie: string[]) =>
  setCookie.length > 0 && setCookie.every((line) => /Max-Age=0/.test(line))

/** A refresh presenting `cookie` is refused before the upstream is asked: 401 `invalid_grant`, the cookie cleared. */
async function expectRefusedAtTheGate(call: Served['call'], cookie: string) {
  const before = upstream.calls.refresh
  const answer = await call('refresh', { cookie })
  expect(answer.status).toBe(401)
  expect(answer.json).toMatchObject({ error: 'invalid_grant' })
  expect(clears(answer.setCookie)).toBe(true)
  expect(upstream.calls.refresh).toBe(before)
}
type Served = Awaited<ReturnType<typeof serve>>

describe('the gateway under attack, over HTTP', () => {
  it('a POST from a foreign origin is a 403 and never reaches the upstream', async () => {
    const { call, cookie } = await signedIn()
    const before = { ...upstream.calls }
    const forged = await call('refresh', { cookie, origin: 'https://evil.example' })
    expect(forged.status).toBe(403)
    expect(forged.json).toMatchObject({ error: 'forbidden_origin' })
    expect(forged.setCookie).toEqual([])
    expect((await call('login', { body: credentials, origin: 'https://evil.example' })).status).toBe(403)
    expect((await call('logout', { cookie, origin: 'null' })).status).toBe(403)
    expect(upstream.calls).toEqual(before)
  })

  it('a POST without Origin is a 403; a GET is a 405 with Allow', async () => {
    const { call, cookie } = await signedIn()
    const before = { ...upstream.calls }
    expect((await call('refresh', { cookie, origin: null })).status).toBe(403)
    const get = await call('refresh', { cookie, method: 'GET' })
    expect(get.status).toBe(405)
    expect(get.headers.get('allow')).toBe('POST')
    expect(upstream.calls).toEqual(before)
  })

  it('a tampered cookie is a 401 invalid_grant and is cleared', async () => {
    const { call, cookie } = await signedIn()
    const at = cookie.length - 10
    const flipped = cookie.slice(0, at) + (cookie[at] === 'A' ? 'B' : 'A') + cookie.slice(at + 1)
    await expectRefusedAtTheGate(call, flipped)
  })

  it('a cookie sealed under another secret is a 401', async () => {
    const foreign = await signedIn({ secret: FOREIGN })
    const { call } = await serve()
    await expectRefusedAtTheGate(call, foreign.cookie)
  })

  it('an expired cookie (the seal carries its own expiry) is a 401', async () => {
    // Sealed 31 days ago with the default 30-day lifetime, by a gateway with the same secret.
    const old = await signedIn({ now: () => Date.now() - 31 * 86_400_000 })
    const { call } = await serve()
    await expectRefusedAtTheGate(call, old.cookie)
  })

  it('a wrong password is a 401 invalid_credentials, and no cookie is set', async () => {
    const { call } = await serve()
    const answer = await call('login', { body: { username: 'ada', password: 'wrong' } })
    expect(answer.status).toBe(401)
    expect(answer.json).toEqual({ error: 'invalid_credentials', message: expect.any(String) })
    expect(answer.setCookie).toEqual([])
  })

  it('an unreachable upstream is a 502 with the cookie kept; a later refresh works', async () => {
    const { call, cookie } = await signedIn()
    await upstream.stop()
    try {
      const answer = await call('refresh', { cookie })
      expect([502, 503]).toContain(answer.status)
      expect(answer.json).toMatchObject({ error: 'upstream_unavailable' })
      expect(answer.setCookie).toEqual([])
    } finally {
      await upstream.restart()
    }
    const later = await call('refresh', { cookie })
    expect(later.status).toBe(200)
  })

  it('an upstream HTML page is a 502 bad_response with nothing of it in the answer', async () => {
    const { call, cookie, errors } = await signedIn()
    upstream.mode = 'html'
    const answer = await call('refresh', { cookie })
    expect(answer.status).toBe(502)
    expect(answer.json).toMatchObject({ error: 'bad_response' })
    expect(answer.text).not.toMatch(/html|Server Error|eyJ/i)
    expect(answer.setCookie).toEqual([])
    expect(JSON.stringify(errors)).not.toMatch(/html|eyJ/i)
  })

  it('key rotation: a cookie sealed under the previous secret works and comes back sealed under the current one', async () => {
    const before = await signedIn({ secret: PREVIOUS })
    const rotated = await serve({ secret: [SECRET, PREVIOUS] })
    const answer = await rotated.call('refresh', { cookie: before.cookie })
    expect(answer.status).toBe(200)
    const cookie = jar(answer.setCookie)
    const kid = (value: string) => value.slice(value.indexOf('=') + 1, value.indexOf('.'))
    expect(kid(cookie)).not.toBe(kid(before.cookie))
    // Only the current secret is needed for the new cookie; the previous one alone no longer opens it.
    const currentOnly = await serve({ secret: SECRET })
    expect((await currentOnly.call('refresh', { cookie })).status).toBe(200)
    const previousOnly = await serve({ secret: PREVIOUS })
    expect((await previousOnly.call('refresh', { cookie: jar(answer.setCookie) })).status).toBe(401)
  })

  it('a session too large for 4 cookies fails the login with a clear error and sets nothing', async () => {
    const { call, errors } = await serve()
    upstream.mode = 'huge-refresh'
    const answer = await call('login', { body: credentials })
    expect(answer.status).toBe(500)
    expect(answer.json).toMatchObject({ error: 'session_too_large' })
    expect(answer.json.message).toMatch(/4 cookies/)
    expect(answer.setCookie).toEqual([])
    expect(errors.at(-1)).toMatchObject({ route: 'login', error: 'session_too_large' })
  })

  it('a large session is split over numbered cookies and read back', async () => {
    // A 6 KB refresh token: sealed, it needs two parts.
    upstream.mode = 'large-refresh'
    const { call, cookie } = await signedIn()
    upstream.mode = 'normal'
    expect(cookie).toMatch(/__Host-session\.0=.*__Host-session\.1=/)
    expect(cookie).not.toMatch(/__Host-session=/)
    const answer = await call('refresh', { cookie })
    expect(answer.status).toBe(200)
  })

  it('single flight: 10 concurrent refreshes with one cookie make 1 upstream call and get 10 identical answers', async () => {
    const { call, cookie } = await signedIn()
    const before = upstream.calls.refresh
    const answers = await Promise.all(Array.from({ length: 10 }, () => call('refresh', { cookie })))
    expect(upstream.calls.refresh - before).toBe(1)
    expect(answers.map((answer) => answer.status)).toEqual(Array(10).fill(200))
    expect(new Set(answers.map((answer) => answer.text)).size).toBe(1)
    expect(new Set(answers.map((answer) => answer.setCookie.join('\n'))).size).toBe(1)
  })

  it('the control: the same 10 refreshes straight at the upstream, with no single flight, refuse 9 of them', async () => {
    const { login } = await signedIn()
    const [token] = upstream.refreshTokens.slice(-1)
    expect(login.status).toBe(200)
    const statuses = await Promise.all(
      Array.from({ length: 10 }, async () => {
        const response = await fetch(`${upstream.url}/api/token/refresh/`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ refresh: token }),
        })
        await response.text()
        return response.status
      }),
    )
    expect(statuses.filter((status) => status === 200)).toHaveLength(1)
    expect(statuses.filter((status) => status === 401)).toHaveLength(9)
  })

  it('reuse interval: a replay of the pre-rotation cookie gets the same answer within it, a 401 after it', async () => {
    let offset = 0
    const { call, cookie } = await signedIn({ now: () => Date.now() + offset })
    const first = await call('refresh', { cookie })
    const before = upstream.calls.refresh
    offset = 5_000
    const replay = await call('refresh', { cookie })
    expect(replay.status).toBe(200)
    expect(replay.json.access_token).toBe(first.json.access_token)
    expect(replay.setCookie).toEqual(first.setCookie)
    expect(upstream.calls.refresh).toBe(before)
    offset = 11_000
    const late = await call('refresh', { cookie })
    expect(late.status).toBe(401)
    expect(upstream.calls.refresh).toBe(before + 1) // the upstream itself refused the replayed token
  })

  it('logout clears the cookie and ends the reuse interval of the cookie it replaced', async () => {
    const { call, cookie } = await signedIn()
    const rotated = jar((await call('refresh', { cookie })).setCookie)
    const out = await call('logout', { cookie: rotated })
    expect(out.status).toBe(204)
    expect(clears(out.setCookie)).toBe(true)
    expect(upstream.calls.blacklist).toBeGreaterThan(0)
    // The pre-rotation cookie replayed right after the logout: no cached session comes back.
    expect((await call('refresh', { cookie })).status).toBe(401)
    expect((await call('logout')).status).toBe(204)
  })

  it('no refresh token appears in any answer body or header of this file, except sealed', () => {
    expect(seen.length).toBeGreaterThan(30)
    const all = seen.join('\n')
    expect(upstream.refreshTokens.length).toBeGreaterThan(10)
    // The payload part: unique to each token (its jti), whatever else is around it.
    for (const token of upstream.refreshTokens) expect(all).not.toContain(token.split('.')[1])
    // The control: access tokens do appear (in login and refresh bodies), so the search can find a token.
    expect(upstream.accessTokens.some((token) => all.includes(token))).toBe(true)
  })
})
