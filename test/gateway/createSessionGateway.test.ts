// @vitest-environment node
import { AuthError } from 'react-jwt-session/core'
import {
  createSessionGateway,
  memoryStore,
  type UpstreamContext,
  type UpstreamTokens,
} from 'react-jwt-session/gateway'
import { createTestToken } from 'react-jwt-session/testing'
import { describe, expect, it, vi } from 'vitest'
import { createFakeUpstream } from './fakeUpstream'

const SECRET = 'a-test-secret-that-is-long-enough-32+'
const never = (): Promise<UpstreamTokens> => Promise.reject(new Error('not called in this test'))
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
    expect(() => createSessionGateway({ upstream: adapter, secret: SECRET, cookie: { maxAge: -1 } })).toThrow(
      /cookie.maxAge/,
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

  it('Max-Age: the upstream refresh lifetime, else the refresh JWT exp - iat, capped by cookie.maxAge', async () => {
    const access = createTestToken({ sub: 'u1' })
    const maxAgeFor = async (tokens: Partial<UpstreamTokens>, cookie?: { maxAge: number }) => {
      const gateway = createSessionGateway({
        upstream: {
          login: async () => ({ accessToken: access, refreshToken: 'r', ...tokens }),
          refresh: never,
        },
        secret: SECRET,
        ...(cookie ? { cookie } : {}),
      })
      const response = await gateway.handle(post('/auth/login', { body: {} }))
      return /Max-Age=(\d+)/.exec(response.headers.getSetCookie()[0] ?? '')?.[1]
    }
    expect(await maxAgeFor({ refreshExpiresIn: 3600 })).toBe('3600')
    expect(await maxAgeFor({ refreshToken: createTestToken({}, { expiresIn: 86_400 }) })).toBe('86400')
    expect(await maxAgeFor({ refreshExpiresIn: 3600 }, { maxAge: 60 })).toBe('60')
    expect(await maxAgeFor({}, { maxAge: 60 })).toBe('60')
    expect(await maxAgeFor({})).toBe(String(30 * 86_400))
  })

  it('an opaque access token with expires_in is answered with access_token_format: opaque; without, a 502', async () => {
    let expiresIn: number | undefined = 3600
    const gateway = createSessionGateway({
      upstream: {
        login: async () => ({
          accessToken: 'ya29.opaque-token',
          expiresIn,
          refreshToken: 'r',
          user: { sub: 'g1' },
        }),
        refresh: never,
      },
      secret: SECRET,
    })
    const ok = await gateway.handle(post('/auth/login', { body: {} }))
    expect(await ok.json()).toEqual({
      access_token: 'ya29.opaque-token',
      expires_in: 3600,
      user: { sub: 'g1' },
      access_token_format: 'opaque',
    })
    expiresIn = undefined
    const bad = await gateway.handle(post('/auth/login', { body: {} }))
    expect(bad.status).toBe(502)
    expect(await bad.json()).toMatchObject({ error: 'bad_response' })
    expect(bad.headers.getSetCookie()).toEqual([])
  })

  it('a login answer without a refresh token is a 502 that says so', async () => {
    const gateway = createSessionGateway({
      upstream: { login: async () => ({ accessToken: createTestToken({}) }), refresh: never },
      secret: SECRET,
    })
    const answer = await gateway.handle(post('/auth/login', { body: {} }))
    expect(answer.status).toBe(502)
    expect((await answer.json()).message).toMatch(/without a refresh token/)
  })

  it('a non-rotating upstream with a cookie sealed under the previous secret gets it re-sealed, same token', async () => {
    const upstream = createFakeUpstream({ rotate: false })
    const OLD = 'the-previous-secret-also-32-bytes-long'
    const before = createSessionGateway({ upstream: upstream.adapter, secret: OLD })
    const after = createSessionGateway({ upstream: upstream.adapter, secret: [SECRET, OLD] })
    const { cookie } = await signIn(before)
    const answer = await after.handle(post('/auth/refresh', { cookie }))
    expect(answer.status).toBe(200)
    const resealed = cookieFrom(answer)
    expect(resealed).not.toBe(cookie)
    const currentOnly = createSessionGateway({ upstream: upstream.adapter, secret: SECRET })
    expect((await currentOnly.handle(post('/auth/refresh', { cookie: resealed }))).status).toBe(200)
    // Sealed with the current secret already: nothing to set.
    const again = await currentOnly.handle(post('/auth/refresh', { cookie: resealed }))
    expect(again.headers.getSetCookie()).toEqual([])
  })

  it("a gateway that seals with WebCrypto and one that seals with node:crypto read each other's cookies", async () => {
    const upstream = createFakeUpstream()
    const OLD = 'the-previous-secret-also-32-bytes-long'
    // Where the runtime has no process.getBuiltinModule (Deno, Workers, Node before 20.16), WebCrypto seals.
    vi.stubGlobal('process', { ...process, getBuiltinModule: undefined })
    let web: ReturnType<typeof createSessionGateway>
    let webBefore: ReturnType<typeof createSessionGateway>
    try {
      web = createSessionGateway({ upstream: upstream.adapter, secret: [SECRET, OLD] })
      webBefore = createSessionGateway({ upstream: upstream.adapter, secret: OLD })
    } finally {
      vi.unstubAllGlobals()
    }
    const node = createSessionGateway({ upstream: upstream.adapter, secret: [SECRET, OLD] })
    const subtleEncrypt = vi.spyOn(crypto.subtle, 'encrypt')
    let { cookie } = await signIn(web)
    for (const gateway of [node, web, node]) {
      const calls = subtleEncrypt.mock.calls.length
      const answer = await gateway.handle(post('/auth/refresh', { cookie }))
      expect(answer.status).toBe(200)
      expect(subtleEncrypt.mock.calls.length > calls).toBe(gateway === web)
      cookie = cookieFrom(answer)
    }
    subtleEncrypt.mockRestore()
    // Key rotation across engines: sealed under the previous secret with WebCrypto, re-sealed by node:crypto.
    const old = await signIn(webBefore)
    const rotated = await node.handle(post('/auth/refresh', { cookie: old.cookie }))
    expect(rotated.status).toBe(200)
    const resealed = cookieFrom(rotated)
    const currentOnly = createSessionGateway({ upstream: upstream.adapter, secret: SECRET })
    expect((await currentOnly.handle(post('/auth/refresh', { cookie: resealed }))).status).toBe(200)
    expect(upstream.stats.reuses).toBe(0)
  })

  it('reads a bounded JSON object body: 413 over 64 KB, 400 for anything else, upstream not called', async () => {
    const upstream = createFakeUpstream()
    const gateway = createSessionGateway({ upstream: upstream.adapter, secret: SECRET })
    const huge = await gateway.handle(post('/auth/login', { body: { password: 'x'.repeat(70_000) } }))
    expect(huge.status).toBe(413)
    for (const body of ['[1]', '"text"', '{"a":', '<html>']) {
      const request = new Request(`${ORIGIN}/auth/login`, {
        method: 'POST',
        headers: { Origin: ORIGIN },
        body,
      })
      const answer = await gateway.handle(request)
      expect(answer.status).toBe(400)
      expect(await answer.json()).toMatchObject({ error: 'bad_request' })
    }
    expect(upstream.stats.logins).toBe(0)
  })

  it('an upstream that does not answer in time is a 504 and the cookie is kept', async () => {
    const upstream = createFakeUpstream()
    const gateway = createSessionGateway({
      upstream: { ...upstream.adapter, refresh: () => new Promise(() => {}) },
      secret: SECRET,
      timeout: 30,
    })
    const { cookie } = await signIn(gateway)
    const answer = await gateway.handle(post('/auth/refresh', { cookie }))
    expect(answer.status).toBe(504)
    expect(await answer.json()).toMatchObject({ error: 'upstream_unavailable' })
    expect(answer.headers.getSetCookie()).toEqual([])
  })

  it('logout: a logoutUrl comes back as the body; an upstream outage still clears the cookie and says so', async () => {
    const upstream = createFakeUpstream()
    let outcome: () => Promise<{ logoutUrl: string } | undefined> = async () => ({
      logoutUrl: 'https://idp.example/logout',
    })
    const gateway = createSessionGateway({
      upstream: { ...upstream.adapter, logout: () => outcome() },
      secret: SECRET,
    })
    const first = await signIn(gateway)
    const out = await gateway.handle(post('/auth/logout', { cookie: first.cookie }))
    expect(out.status).toBe(200)
    expect(await out.json()).toEqual({ logoutUrl: 'https://idp.example/logout' })
    expect(out.headers.getSetCookie()[0]).toMatch(/Max-Age=0/)
    outcome = () => Promise.reject(new TypeError('fetch failed'))
    const second = await signIn(gateway)
    const down = await gateway.handle(post('/auth/logout-all', { cookie: second.cookie }))
    expect(down.status).toBe(502)
    expect(down.headers.getSetCookie()[0]).toMatch(/Max-Age=0/)
    outcome = () => Promise.reject(new AuthError('session_expired', undefined, { status: 401 }))
    const third = await signIn(gateway)
    expect((await gateway.handle(post('/auth/logout', { cookie: third.cookie }))).status).toBe(204)
  })

  it('onError hears every error answer, never with a token', async () => {
    const upstream = createFakeUpstream()
    const events: unknown[] = []
    const gateway = createSessionGateway({
      upstream: upstream.adapter,
      secret: SECRET,
      onError: (e) => events.push(e),
    })
    await gateway.handle(post('/auth/login', { body: { username: 'ada', password: 'nope' } }))
    await gateway.handle(post('/auth/refresh', { cookie: '__Host-session=forged.value' }))
    // A visitor without a cookie is no error to log.
    await gateway.handle(post('/auth/refresh'))
    await gateway.session(new Request(`${ORIGIN}/`))
    expect(events).toEqual([
      { route: 'login', status: 401, error: 'invalid_credentials', message: expect.any(String) },
      { route: 'refresh', status: 401, error: 'invalid_grant', message: expect.any(String) },
    ])
  })

  it('GET /login and /callback go to the redirect routes only when the upstream has authorize/callback', async () => {
    const upstream = createFakeUpstream()
    const plain = createSessionGateway({ upstream: upstream.adapter, secret: SECRET })
    expect((await plain.handle(new Request(`${ORIGIN}/auth/login`))).headers.get('allow')).toBe('POST')
    expect((await plain.handle(new Request(`${ORIGIN}/auth/callback`))).status).toBe(404)
    const redirecting = createSessionGateway({
      upstream: {
        ...upstream.adapter,
        authorize: async () => ({ url: 'https://idp.example/authorize', transaction: {} }),
        callback: async () => ({ accessToken: createTestToken({}), refreshToken: 'r' }),
      },
      secret: SECRET,
    })
    const post405 = await redirecting.handle(post('/auth/callback'))
    expect(post405.status).toBe(405)
    expect(post405.headers.get('allow')).toBe('GET')
    expect(
      (await redirecting.handle(new Request(`${ORIGIN}/auth/login`, { method: 'PUT' }))).headers.get('allow'),
    ).toBe('POST, GET')
  })

  it('GET /login names the transaction cookie after the state it sends the browser with; without a state it sets nothing', async () => {
    const upstream = createFakeUpstream()
    const withAuthorizeUrl = (url: string) =>
      createSessionGateway({
        upstream: {
          ...upstream.adapter,
          authorize: async () => ({ url, transaction: { state: 'x' } }),
          callback: async () => ({ accessToken: createTestToken({}), refreshToken: 'r' }),
        },
        secret: SECRET,
      })
    const state = 'Abcdefghijklmnop_qrstuvwxyz-0123456789'
    const started = await withAuthorizeUrl(`https://idp.example/authorize?state=${state}`).handle(
      new Request(`${ORIGIN}/auth/login`),
    )
    expect(started.status).toBe(303)
    expect(started.headers.getSetCookie()).toEqual([
      expect.stringMatching(/^__Secure-session-tx-Abcdefghijklmnop=[\w-]+\.[\w-]+; /),
    ])
    for (const url of ['https://idp.example/authorize', 'https://idp.example/authorize?state=a%3Bb']) {
      const failed = await withAuthorizeUrl(url).handle(new Request(`${ORIGIN}/auth/login`))
      expect(failed.status).toBe(500)
      expect(failed.headers.getSetCookie()).toEqual([])
    }
  })

  it('a logout racing a refresh revokes the token that refresh rotated to: its late cookie is dead', async () => {
    const upstream = createFakeUpstream({ delay: 30 })
    const gateway = createSessionGateway({ upstream: upstream.adapter, secret: SECRET })
    const { cookie } = await signIn(gateway)
    const refreshing = gateway.handle(post('/auth/refresh', { cookie }))
    await new Promise((resolve) => setTimeout(resolve, 5)) // the refresh is at the upstream
    const out = await gateway.handle(post('/auth/logout', { cookie }))
    expect(out.status).toBe(204)
    // The race happened: the refresh succeeded and its answer sets a new cookie after the logout's.
    const late = await refreshing
    expect(late.status).toBe(200)
    const lateCookie = cookieFrom(late)
    expect(lateCookie).not.toBe(cookie)
    expect(upstream.live.size).toBe(0) // the rotated token was revoked, not the spent one
    const after = await gateway.handle(post('/auth/refresh', { cookie: lateCookie }))
    expect(after.status).toBe(401)
    expect((await gateway.handle(post('/auth/refresh', { cookie }))).status).toBe(401)
  })

  it('origins: another allowed origin gets its preflight answered and CORS headers with credentials', async () => {
    const upstream = createFakeUpstream()
    const APP = 'https://app.other.example'
    const gateway = createSessionGateway({ upstream: upstream.adapter, secret: SECRET, origins: [APP] })
    const preflight = await gateway.handle(
      new Request(`${ORIGIN}/auth/refresh`, {
        method: 'OPTIONS',
        headers: { Origin: APP, 'Access-Control-Request-Method': 'POST' },
      }),
    )
    expect(preflight.status).toBe(204)
    expect(preflight.headers.get('access-control-allow-origin')).toBe(APP)
    expect(preflight.headers.get('access-control-allow-credentials')).toBe('true')
    const login = await gateway.handle(
      post('/auth/login', { origin: APP, body: { username: 'ada', password: 'secret' } }),
    )
    expect(login.status).toBe(200)
    expect(login.headers.get('access-control-allow-origin')).toBe(APP)
    // Not for an origin outside the list, nor for the app's own (same-origin needs none).
    const foreign = await gateway.handle(
      new Request(`${ORIGIN}/auth/refresh`, {
        method: 'OPTIONS',
        headers: { Origin: 'https://evil.example', 'Access-Control-Request-Method': 'POST' },
      }),
    )
    expect(foreign.status).toBe(405)
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull()
    const own = await gateway.handle(post('/auth/login', { body: { username: 'ada', password: 'secret' } }))
    expect(own.headers.get('access-control-allow-origin')).toBeNull()
  })

  it('an upstream that rotates but answers an unusable access token: a 502 that still sets the rotated cookie', async () => {
    const upstream = createFakeUpstream()
    let broken = false
    const gateway = createSessionGateway({
      upstream: {
        ...upstream.adapter,
        refresh: async (token, ctx) => {
          const tokens = await upstream.adapter.refresh(token, ctx)
          return broken ? { ...tokens, accessToken: createTestToken({}, { expiresIn: -10 }) } : tokens
        },
      },
      secret: SECRET,
    })
    const { cookie } = await signIn(gateway)
    broken = true
    const answer = await gateway.handle(post('/auth/refresh', { cookie }))
    expect(answer.status).toBe(502)
    expect(await answer.json()).toMatchObject({ error: 'bad_response' })
    const rotated = cookieFrom(answer)
    expect(rotated).not.toBe(cookie)
    expect(rotated).not.toBe('')
    broken = false
    // The session goes on with the rotated cookie; the spent one is refused by the upstream.
    expect((await gateway.handle(post('/auth/refresh', { cookie: rotated }))).status).toBe(200)
    expect(upstream.stats.reuses).toBe(0)
  })

  it('basePath, origin behind a proxy, and the context every adapter call gets (fetch, signal, origin, basePath, kept ID token)', async () => {
    const contexts: UpstreamContext[] = []
    const ownFetch: typeof fetch = () => Promise.reject(new Error('not called'))
    const gateway = createSessionGateway({
      upstream: {
        login: async (_credentials, ctx) => {
          contexts.push(ctx)
          return { accessToken: createTestToken({}), refreshToken: 'r1', idToken: 'id-token-1' }
        },
        refresh: never,
        logout: async (token, { everywhere }, ctx) => {
          contexts.push(ctx)
          expect([token, everywhere]).toEqual(['r1', true])
        },
      },
      secret: SECRET,
      basePath: '/api/session/',
      origin: 'https://public.example',
      fetch: ownFetch,
    })
    // The server sees an internal URL; the browser's Origin is the public one.
    const at = (path: string, origin: string, cookie?: string) =>
      new Request(`http://10.0.0.5:3000${path}`, {
        method: 'POST',
        headers: { Origin: origin, ...(cookie ? { Cookie: cookie } : {}) },
        body: '{}',
      })
    expect((await gateway.handle(at('/auth/login', 'https://public.example'))).status).toBe(404)
    expect((await gateway.handle(at('/api/session/login', 'http://10.0.0.5:3000'))).status).toBe(403)
    const login = await gateway.handle(at('/api/session/login', 'https://public.example'))
    expect(login.status).toBe(200)
    const out = await gateway.handle(
      at('/api/session/logout-all', 'https://public.example', cookieFrom(login)),
    )
    expect(out.status).toBe(204)
    expect(contexts).toHaveLength(2)
    for (const ctx of contexts) {
      expect(ctx).toMatchObject({
        fetch: ownFetch,
        origin: 'https://public.example',
        basePath: '/api/session',
      })
      expect(ctx.signal).toBeInstanceOf(AbortSignal)
    }
    expect(contexts[1]?.session?.idToken).toBe('id-token-1')
  })
  it('a redirect preset answers a posted sign-in form with 405 and says how to sign in, without calling upstream', async () => {
    const { adapter, stats } = createFakeUpstream()
    const gateway = createSessionGateway({
      upstream: { ...adapter, authorize: () => Promise.reject(new Error('not called in this test')) },
      secret: SECRET,
    })
    const response = await gateway.handle(
      post('/auth/login', { body: { username: 'ada', password: 'secret' } }),
    )
    expect(response.status).toBe(405)
    expect(response.headers.get('Allow')).toBe('GET')
    expect(await response.json()).toMatchObject({
      error: 'method_not_allowed',
      message: expect.stringContaining('GET /auth/login?returnTo='),
    })
    expect(stats.logins).toBe(0)
  })
})
