// @vitest-environment node
import { AuthError } from 'react-jwt-session/core'
import { createSessionGateway, memoryStore } from 'react-jwt-session/gateway'
import { describe, expect, it } from 'vitest'
import { createFakeUpstream } from './fakeUpstream'

const SECRET = 'a-test-secret-that-is-long-enough-32+'
const ORIGIN = 'https://app.example'

const post = (
  path: string,
  init: { cookie?: string | undefined; body?: unknown; origin?: string | null } = {},
) => {
  const headers = new Headers({ 'Content-Type': 'application/json' })
  if (init.origin !== null) headers.set('Origin', init.origin ?? ORIGIN)
  if (init.cookie) headers.set('Cookie', init.cookie)
  return new Request(`${ORIGIN}${path}`, {
    method: 'POST',
    headers,
    body: init.body === undefined ? '' : JSON.stringify(init.body),
  })
}

/** The `Cookie` header a browser would send after these `Set-Cookie` lines. */
const cookieFrom = (response: Response, jar = new Map<string, string>()) => {
  for (const line of response.headers.getSetCookie()) {
    const [pair] = line.split(';')
    const eq = (pair as string).indexOf('=')
    const name = (pair as string).slice(0, eq)
    const value = (pair as string).slice(eq + 1)
    if (/Max-Age=0/.test(line)) jar.delete(name)
    else jar.set(name, value)
  }
  return [...jar].map(([name, value]) => `${name}=${value}`).join('; ')
}

const signIn = async (gateway: ReturnType<typeof createSessionGateway>) => {
  const response = await gateway.handle(
    post('/auth/login', { body: { username: 'ada', password: 'secret' } }),
  )
  expect(response.status).toBe(200)
  return { response, cookie: cookieFrom(response) }
}

describe('createSessionGateway', () => {
  it('refuses a missing or short secret with a sentence that says how to make one', () => {
    const { adapter } = createFakeUpstream()
    expect(() => createSessionGateway({ upstream: adapter, secret: '' })).toThrow(/openssl rand/)
    expect(() => createSessionGateway({ upstream: adapter, secret: 'short' })).toThrow(/5 bytes.*at least 32/)
    expect(() => createSessionGateway({ upstream: adapter, secret: [SECRET, 'short'] })).toThrow(
      /secret\[1\]/,
    )
  })

  it('logs in: the client shape, a sealed HttpOnly __Host- cookie, no-store, no refresh token in clear', async () => {
    const upstream = createFakeUpstream()
    const gateway = createSessionGateway({ upstream: upstream.adapter, secret: SECRET })
    const { response } = await signIn(gateway)
    const body = await response.json()
    expect(body).toMatchObject({ expires_in: 900, user: { sub: 'u1', name: 'Ada' } })
    expect(typeof body.access_token).toBe('string')
    expect(response.headers.get('cache-control')).toMatch(/no-store/)
    const [line] = response.headers.getSetCookie()
    expect(line).toMatch(
      /^__Host-session=[\w-]+\.[\w-]+; Path=\/; Max-Age=2592000; HttpOnly; Secure; SameSite=Strict$/,
    )
    const [token] = [...upstream.live]
    expect(JSON.stringify(body) + line).not.toContain(token)
  })

  it('refreshes with the cookie, rotates it, and refuses the old one after the reuse interval', async () => {
    let clock = Date.now()
    const upstream = createFakeUpstream({ now: () => clock })
    const gateway = createSessionGateway({ upstream: upstream.adapter, secret: SECRET, now: () => clock })
    const { cookie } = await signIn(gateway)
    const first = await gateway.handle(post('/auth/refresh', { cookie }))
    expect(first.status).toBe(200)
    const rotated = cookieFrom(first)
    expect(rotated).not.toBe(cookie)
    // A replay within the interval: the same answer, no upstream call.
    clock += 5_000
    const replay = await gateway.handle(post('/auth/refresh', { cookie }))
    expect(replay.status).toBe(200)
    expect(cookieFrom(replay)).toBe(rotated)
    expect((await replay.json()).expires_in).toBe(895)
    expect(upstream.stats.refreshes).toBe(1)
    clock += 6_000
    const late = await gateway.handle(post('/auth/refresh', { cookie }))
    expect(late.status).toBe(401)
    expect(await late.json()).toMatchObject({ error: 'invalid_grant' })
    expect(late.headers.getSetCookie()[0]).toMatch(/Max-Age=0/)
    expect((await gateway.handle(post('/auth/refresh', { cookie: rotated }))).status).toBe(200)
  })

  it('shares one upstream call between concurrent refreshes of one cookie', async () => {
    const upstream = createFakeUpstream({ delay: 20 })
    const gateway = createSessionGateway({ upstream: upstream.adapter, secret: SECRET })
    const { cookie } = await signIn(gateway)
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => gateway.handle(post('/auth/refresh', { cookie }))),
    )
    expect(upstream.stats.refreshes).toBe(1)
    const bodies = await Promise.all(answers.map((answer) => answer.text()))
    expect(new Set(bodies).size).toBe(1)
    expect(new Set(answers.map((answer) => answer.headers.getSetCookie().join())).size).toBe(1)
  })

  it('two instances with one secret and one store behave as one', async () => {
    const upstream = createFakeUpstream({ delay: 20 })
    const store = memoryStore()
    const a = createSessionGateway({ upstream: upstream.adapter, secret: SECRET, store })
    const b = createSessionGateway({ upstream: upstream.adapter, secret: SECRET, store })
    const { cookie } = await signIn(a)
    const answers = await Promise.all([a, b, a, b].map((g) => g.handle(post('/auth/refresh', { cookie }))))
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 200])
    expect(upstream.stats.refreshes).toBe(1)
    const dump = JSON.stringify(store.dump())
    for (const token of upstream.live) expect(dump).not.toContain(token)
    expect(dump).not.toMatch(/eyJ/)
  })

  it('maps upstream trouble: 502 keeps the cookie, 429 carries Retry-After, a refusal clears it', async () => {
    const upstream = createFakeUpstream()
    const gateway = createSessionGateway({ upstream: upstream.adapter, secret: SECRET })
    const { cookie } = await signIn(gateway)
    upstream.fail(new TypeError('fetch failed'))
    const down = await gateway.handle(post('/auth/refresh', { cookie }))
    expect(down.status).toBe(502)
    expect(await down.json()).toMatchObject({ error: 'upstream_unavailable' })
    expect(down.headers.getSetCookie()).toEqual([])
    upstream.fail(new AuthError('server', undefined, { status: 429, retryAfter: 7 }))
    const slow = await gateway.handle(post('/auth/refresh', { cookie }))
    expect(slow.status).toBe(429)
    expect(slow.headers.get('retry-after')).toBe('7')
    expect((await gateway.handle(post('/auth/refresh', { cookie }))).status).toBe(200)
  })

  it('logs out: calls the upstream, clears the cookie; without a cookie a 204', async () => {
    const upstream = createFakeUpstream()
    const gateway = createSessionGateway({ upstream: upstream.adapter, secret: SECRET })
    const { cookie } = await signIn(gateway)
    const out = await gateway.handle(post('/auth/logout-all', { cookie }))
    expect(out.status).toBe(204)
    expect(out.headers.getSetCookie()[0]).toMatch(/^__Host-session=; .*Max-Age=0/)
    expect(upstream.stats.everywhere).toBe(1)
    expect((await gateway.handle(post('/auth/logout'))).status).toBe(204)
    expect(upstream.stats.logouts).toBe(1)
  })

  it('answers the CSRF and routing rules', async () => {
    const upstream = createFakeUpstream()
    const gateway = createSessionGateway({ upstream: upstream.adapter, secret: SECRET })
    const login = { body: { username: 'ada', password: 'secret' } }
    expect(
      (await gateway.handle(post('/auth/login', { ...login, origin: 'https://evil.example' }))).status,
    ).toBe(403)
    expect((await gateway.handle(post('/auth/login', { ...login, origin: null }))).status).toBe(403)
    expect(upstream.stats.logins).toBe(0)
    const get = await gateway.handle(new Request(`${ORIGIN}/auth/refresh`))
    expect(get.status).toBe(405)
    expect(get.headers.get('allow')).toBe('POST')
    expect((await gateway.handle(post('/auth/nope'))).status).toBe(404)
    expect((await gateway.handle(post('/elsewhere'))).status).toBe(404)
  })

  it('session(request) gives the page-safe session and the rotated cookie, in process', async () => {
    const upstream = createFakeUpstream()
    const gateway = createSessionGateway({ upstream: upstream.adapter, secret: SECRET })
    const { cookie } = await signIn(gateway)
    const request = new Request(`${ORIGIN}/dashboard`, { headers: { Cookie: cookie } })
    const { session, setCookie } = await gateway.session(request)
    expect(session).toMatchObject({ expires_in: 900, user: { name: 'Ada' } })
    expect(setCookie).toHaveLength(1)
    expect(await gateway.session(new Request(`${ORIGIN}/`))).toEqual({ session: null, setCookie: [] })
  })
})
