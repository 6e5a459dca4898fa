// @vitest-environment node
// The oidc preset and the gateway's redirect routes against a real OpenID Provider (oidc-provider on
// localhost), without a browser: the gateway runs in process on the app's origin (127.0.0.1, another site),
// the provider over real HTTP. Sign-in, rotation, revocation, forged/replayed/expired callbacks (400, nothing
// set, the token endpoint never called), errors that return to the app, opaque and JWT access tokens.
import { createSessionGateway, type GatewayErrorEvent, type SessionGateway } from 'react-jwt-session/gateway'
import { type OidcOptions, oidc } from 'react-jwt-session/gateway/oidc'
import { afterEach, describe, expect, it } from 'vitest'
import { startProvider, type TestProvider } from '../../example/oidc/provider.mjs'
import { type CookieJar, cookieJar, signInAtProvider } from './oidcSupport'

const APP = 'http://127.0.0.1:4817'
const SECRET = 'a-test-secret-of-at-least-thirty-two-bytes!'
const TX = '__Secure-session-tx'
/** The transaction cookie of the sign-in whose `state` is in `url`: one per sign-in, named after its state. */
const txFor = (url: URL) => `${TX}-${(url.searchParams.get('state') ?? '').slice(0, 16)}`
const SESSION = '__Host-session'
const JWT_SHAPE = /eyJ[\w-]+\.eyJ[\w-]+\.[\w-]*/

const cleanups: Array<() => Promise<unknown>> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

interface Setup {
  provider: TestProvider
  gateway: SessionGateway
  jar: CookieJar
  errors: GatewayErrorEvent[]
  clock: { now: number }
}

async function setup(
  providerOptions: Partial<Parameters<typeof startProvider>[0]> = {},
  presetOptions: Partial<OidcOptions> = {},
  fetchImpl: typeof fetch = fetch,
): Promise<Setup> {
  const provider = await startProvider({
    redirectUris: [`${APP}/auth/callback`],
    postLogoutRedirectUris: [`${APP}/`],
    accessTokenTtl: 30,
    ...providerOptions,
  })
  cleanups.push(() => provider.close())
  const errors: GatewayErrorEvent[] = []
  const clock = { now: Date.now() }
  const gateway = createSessionGateway({
    upstream: oidc({
      issuer: provider.issuer,
      clientId: provider.clientId,
      clientSecret: provider.clientSecret,
      postLogoutRedirectUri: `${APP}/`,
      // OpenID Connect Core §11: offline_access (a refresh token) is granted with prompt=consent.
      authorizationParams: { prompt: 'consent' },
      ...presetOptions,
    }),
    secret: SECRET,
    reuseInterval: 0,
    fetch: fetchImpl,
    onError: (event) => errors.push(event),
    now: () => clock.now,
  })
  return { provider, gateway, jar: cookieJar(), errors, clock }
}

/** A request of the browser to the app's gateway, with the app's cookies; the answer's cookies are kept. */
async function app(s: Setup, path: string, init: RequestInit = {}) {
  const url = `${APP}${path}`
  const headers = new Headers(init.headers)
  const cookie = s.jar.header(url)
  if (cookie) headers.set('cookie', cookie)
  if (init.method === 'POST') headers.set('origin', APP)
  const response = await s.gateway.handle(new Request(url, { ...init, headers }))
  s.jar.store(url, response)
  return response
}

/** GET /auth/login → the provider → the callback URL it sends the browser back to (not yet visited). */
async function startSignIn(s: Setup, login = 'alice', returnTo = '/dashboard', deny = false) {
  const started = await app(s, `/auth/login?returnTo=${encodeURIComponent(returnTo)}`)
  expect(started.status).toBe(303)
  return signInAtProvider(s.jar, started.headers.get('location') as string, login, { deny })
}

const refresh = (s: Setup) => app(s, '/auth/refresh', { method: 'POST' })
const pathOf = (url: URL) => url.pathname + url.search

describe('oidc preset: sign-in by redirect', () => {
  it('GET /auth/login: 303 to the provider with PKCE S256, state and nonce; the transaction sealed in a Lax cookie on /auth', async () => {
    const s = await setup()
    const response = await app(s, '/auth/login?returnTo=%2Fdashboard')
    expect(response.status).toBe(303)
    const to = new URL(response.headers.get('location') as string)
    expect(to.origin).toBe(s.provider.issuer)
    expect(Object.fromEntries(to.searchParams)).toMatchObject({
      client_id: 'app',
      redirect_uri: `${APP}/auth/callback`,
      response_type: 'code',
      scope: 'openid profile email offline_access',
      code_challenge_method: 'S256',
    })
    for (const name of ['state', 'nonce', 'code_challenge'])
      expect(to.searchParams.get(name)).toMatch(/^[\w-]{40,}$/)
    const [line, ...others] = response.headers.getSetCookie()
    expect(others).toEqual([])
    expect(line).toMatch(
      new RegExp(`^${txFor(to)}=[\\w-]+\\.[\\w-]+; Path=/auth; Max-Age=600; HttpOnly; Secure; SameSite=Lax$`),
    )
    // The transaction is sealed: neither the verifier nor the state reads in it.
    expect(line).not.toContain(to.searchParams.get('state'))
    expect(response.headers.get('cache-control')).toContain('no-store')
  })

  it('signs in: the callback sets the session cookie, deletes the transaction and returns to returnTo; refreshes rotate at the provider', async () => {
    const s = await setup()
    const back = await startSignIn(s, 'alice', '/dashboard?tab=2#top')
    expect(back.origin + back.pathname).toBe(`${APP}/auth/callback`)
    const callback = await app(s, pathOf(back))
    expect(callback.status).toBe(303)
    expect(callback.headers.get('location')).toBe('/dashboard?tab=2#top')
    const lines = callback.headers.getSetCookie()
    expect(lines.some((line) => line.startsWith(`${SESSION}=`) && line.includes('SameSite=Strict'))).toBe(
      true,
    )
    expect(lines).toContain(`${txFor(back)}=; Path=/auth; Max-Age=0; HttpOnly; Secure; SameSite=Lax`)
    expect(s.jar.names(APP)).toEqual([SESSION])
    expect(s.provider.stats.authorizationCodeGrants).toBe(1)
    // Nothing in the redirect or the cookie reads as a token.
    expect(`${callback.headers.get('location')} ${lines.join(' ')}`).not.toMatch(JWT_SHAPE)
    for (const token of s.provider.refreshTokens) expect(lines.join(' ')).not.toContain(token)

    const first = await refresh(s)
    expect(first.status).toBe(200)
    const body = (await first.json()) as Record<string, unknown>
    expect(body).toMatchObject({
      access_token_format: 'opaque',
      expires_in: 30,
      user: { sub: 'alice', name: 'Alice', email: 'alice@example.com', email_verified: true },
    })
    expect(Object.keys(body).sort()).toEqual(['access_token', 'access_token_format', 'expires_in', 'user'])
    expect(body.user).not.toHaveProperty('nonce')
    expect(body.user).not.toHaveProperty('aud')
    const second = await refresh(s)
    expect(second.status).toBe(200)
    expect(((await second.json()) as { access_token: string }).access_token).not.toBe(body.access_token)
    expect(s.provider.stats).toMatchObject({ refreshGrants: 2, refusedGrants: 0 })
    // Rotated at every refresh: the provider issued three refresh tokens, and only the last is active.
    expect(s.provider.refreshTokens).toHaveLength(3)
    expect(await s.provider.isActive(s.provider.refreshTokens[2] as string)).toBe(true)
    expect(await s.provider.isActive(s.provider.refreshTokens[0] as string)).toBe(false)
  })

  it('two sign-ins started at once (two tabs sent to the provider by their guards) both complete, in either order', async () => {
    const s = await setup()
    const first = await startSignIn(s, 'alice', '/first')
    const second = await startSignIn(s, 'alice', '/second')
    expect(s.jar.names(APP).filter((name) => name.startsWith(TX))).toHaveLength(2)
    // The first one back is the first one started: with one transaction cookie per browser it would have found
    // the second sign-in's transaction and been refused.
    const firstBack = await app(s, pathOf(first))
    expect(firstBack.status).toBe(303)
    expect(firstBack.headers.get('location')).toBe('/first')
    const secondBack = await app(s, pathOf(second))
    expect(secondBack.status).toBe(303)
    expect(secondBack.headers.get('location')).toBe('/second')
    expect(s.provider.stats.authorizationCodeGrants).toBe(2)
    expect(s.jar.names(APP)).toEqual([SESSION])
  })

  it('a replayed callback (the transaction already used) is a 400 with nothing set, and never reaches the token endpoint', async () => {
    const s = await setup()
    const back = await startSignIn(s)
    expect((await app(s, pathOf(back))).status).toBe(303)
    const session = s.jar.get(APP, SESSION)
    const replay = await app(s, pathOf(back))
    expect(replay.status).toBe(400)
    expect(replay.headers.getSetCookie()).toEqual([])
    expect(await replay.json()).toMatchObject({ error: 'bad_request' })
    expect(s.jar.get(APP, SESSION)).toBe(session)
    expect(s.provider.stats.authorizationCodeGrants).toBe(1)
    expect(s.provider.stats.refusedGrants).toBe(0)
  })

  it('a forged callback (another state), a tampered or an expired transaction: 400, nothing set, no token request', async () => {
    const s = await setup()
    const back = await startSignIn(s)
    const forged = new URL(back)
    forged.searchParams.set('state', 'a-state-this-browser-never-sent')
    const forgedAnswer = await app(s, pathOf(forged))
    expect(forgedAnswer.status).toBe(400)
    expect(forgedAnswer.headers.getSetCookie()).toEqual([])

    // A code sent to a browser whose own sign-in is another one (login CSRF): refused the same way.
    const stranger = cookieJar()
    const strangerAnswer = await s.gateway.handle(new Request(`${APP}${pathOf(back)}`))
    expect(strangerAnswer.status).toBe(400)
    expect(strangerAnswer.headers.getSetCookie()).toEqual([])
    expect(stranger.names(APP)).toEqual([])

    const tx = s.jar.get(APP, txFor(back)) as string
    const tampered = `${tx.slice(0, -2)}${tx.endsWith('AA') ? 'BB' : 'AA'}`
    const tamperedAnswer = await s.gateway.handle(
      new Request(`${APP}${pathOf(back)}`, { headers: { cookie: `${txFor(back)}=${tampered}` } }),
    )
    expect(tamperedAnswer.status).toBe(400)
    expect(tamperedAnswer.headers.getSetCookie()).toEqual([])

    s.clock.now += 601_000
    const expired = await app(s, pathOf(back))
    expect(expired.status).toBe(400)
    expect(expired.headers.getSetCookie()).toEqual([])
    expect(s.provider.stats.authorizationCodeGrants + s.provider.stats.refusedGrants).toBe(0)
    expect(s.errors.map((e) => e.status)).toEqual([400, 400, 400, 400])
  })

  it('the user saying no at the provider returns to the app with ?auth_error=access_denied and nothing set', async () => {
    const s = await setup()
    const back = await startSignIn(s, 'alice', '/dashboard?tab=2', true)
    expect(back.searchParams.get('error')).toBe('access_denied')
    const answer = await app(s, pathOf(back))
    expect(answer.status).toBe(303)
    expect(answer.headers.get('location')).toBe('/dashboard?tab=2&auth_error=access_denied')
    expect(answer.headers.getSetCookie()).toEqual([
      `${txFor(back)}=; Path=/auth; Max-Age=0; HttpOnly; Secure; SameSite=Lax`,
    ])
    expect(s.jar.names(APP)).toEqual([])
    // The provider's own description is not echoed into the app's URL.
    expect(answer.headers.get('location')).not.toMatch(/aborted|interaction/i)
  })

  it('no refresh token from the provider (offline_access not asked): ?auth_error=no_refresh_token, no session, and a sentence that names the fix', async () => {
    const s = await setup({}, { scopes: 'openid profile email' })
    const answer = await app(s, pathOf(await startSignIn(s)))
    expect(answer.status).toBe(303)
    expect(answer.headers.get('location')).toBe('/dashboard?auth_error=no_refresh_token')
    expect(s.jar.names(APP)).toEqual([])
    expect(s.errors.at(-1)?.message).toMatch(/offline_access.*prompt/)
  })

  it('sign-out revokes the refresh token at the provider (introspection: inactive) and answers the end-session URL', async () => {
    const s = await setup()
    await app(s, pathOf(await startSignIn(s)))
    expect((await refresh(s)).status).toBe(200)
    const last = s.provider.refreshTokens.at(-1) as string
    expect(await s.provider.isActive(last)).toBe(true)
    const out = await app(s, '/auth/logout', { method: 'POST' })
    expect(out.status).toBe(200)
    const { logoutUrl } = (await out.json()) as { logoutUrl: string }
    const end = new URL(logoutUrl)
    expect(end.origin + end.pathname).toBe(`${s.provider.issuer}/session/end`)
    expect(end.searchParams.get('client_id')).toBe('app')
    expect(end.searchParams.get('post_logout_redirect_uri')).toBe(`${APP}/`)
    expect(end.searchParams.get('id_token_hint')).toMatch(JWT_SHAPE)
    expect(s.jar.names(APP)).toEqual([])
    expect(await s.provider.isActive(last)).toBe(false)
    // The provider refuses the revoked token: a copy of the old cookie is refused too.
    expect(s.provider.stats.revocations).toBeGreaterThanOrEqual(1)
  })

  it('a JWT access token (resource indicator): no opaque mark, and the client reads its claims', async () => {
    const s = await setup({ accessTokenFormat: 'jwt' }, { scopes: 'openid profile email offline_access api' })
    await app(s, pathOf(await startSignIn(s, 'bob')))
    const body = (await (await refresh(s)).json()) as Record<string, unknown>
    expect(body.access_token).toMatch(JWT_SHAPE)
    expect(body).not.toHaveProperty('access_token_format')
    expect(body.user).toMatchObject({ sub: 'bob', name: 'Bob' })
    const claims = JSON.parse(
      Buffer.from(String(body.access_token).split('.')[1] as string, 'base64url').toString(),
    )
    expect(claims).toMatchObject({ sub: 'bob', iss: s.provider.issuer })
  })

  it('discovery that failed is tried again at the next sign-in, not cached', async () => {
    let down = true
    const flaky: typeof fetch = (input, init) =>
      down ? Promise.reject(new TypeError('fetch failed')) : fetch(input, init)
    const s = await setup({}, {}, flaky)
    const failed = await app(s, '/auth/login?returnTo=%2F')
    expect(failed.status).toBe(303)
    expect(failed.headers.get('location')).toBe('/?auth_error=upstream_unavailable')
    expect(failed.headers.getSetCookie()).toEqual([])
    down = false
    const retried = await app(s, '/auth/login?returnTo=%2F')
    expect(new URL(retried.headers.get('location') as string).origin).toBe(s.provider.issuer)
  })

  it('refuses a plain-http issuer that is not loopback, and an unsafe returnTo becomes /', async () => {
    expect(() => oidc({ issuer: 'http://login.example.com', clientId: 'app' })).toThrow(/https/)
    expect(() => oidc({ issuer: 'https://login.example.com', clientId: 'app', scopes: 'profile' })).toThrow(
      /openid/,
    )
    const s = await setup()
    const started = await app(s, `/auth/login?returnTo=${encodeURIComponent('//evil.example/x')}`)
    const answer = await app(
      s,
      pathOf(await signInAtProvider(s.jar, started.headers.get('location') as string, 'eve')),
    )
    expect(answer.headers.get('location')).toBe('/')
  })
})

describe('oidc preset: hostile callbacks', () => {
  it('a session cookie offered as the transaction, a 200 KB state, a malformed or huge cookie: 400, nothing set, no token request', async () => {
    const s = await setup()
    await app(s, pathOf(await startSignIn(s)))
    const session = s.jar.get(APP, SESSION) as string
    const other = await startSignIn(s)
    const back = await startSignIn(s)
    const tries: Array<[string, string]> = [
      // Sealed for another purpose (the session cookie's name): it does not open as a transaction.
      [pathOf(back), `${txFor(back)}=${session}`],
      [`/auth/callback?code=x&state=${'s'.repeat(200_000)}`, `${txFor(back)}=${s.jar.get(APP, txFor(back))}`],
      [pathOf(back), `${txFor(back)}=%%%not.base64%%%`],
      [pathOf(back), `${txFor(back)}=${'A'.repeat(70_000)}.${'B'.repeat(10)}`],
      ['/auth/callback', `${txFor(back)}=${s.jar.get(APP, txFor(back))}`],
      // Another sign-in's transaction under this one's name: sealed for its own name, it does not open here.
      [pathOf(back), `${txFor(back)}=${s.jar.get(APP, txFor(other))}`],
      // A state that would write into the cookie's name.
      [`/auth/callback?code=x&state=${encodeURIComponent('abcdefghijklmnop; Path=/')}`, ''],
    ]
    for (const [path, cookie] of tries) {
      const answer = await s.gateway.handle(new Request(`${APP}${path}`, { headers: { cookie } }))
      expect(answer.status).toBe(400)
      expect(answer.headers.getSetCookie()).toEqual([])
      expect(((await answer.json()) as { error: string }).error).toBe('bad_request')
    }
    expect(s.provider.stats.authorizationCodeGrants).toBe(1)
    expect(s.provider.stats.refusedGrants).toBe(0)
  })
})

describe('oidc preset: a provider in trouble or lying', () => {
  /** A fetch that hands the token endpoint's calls to `answer` (else the real provider answers). */
  function tokenEndpointTap() {
    const tap: { answer: ((real: () => Promise<Response>) => Promise<Response>) | null } = { answer: null }
    const fetchImpl: typeof fetch = (input, init) => {
      const url = String(input instanceof Request ? input.url : input)
      const real = () => fetch(input, init)
      return url.endsWith('/token') && tap.answer ? tap.answer(real) : real()
    }
    return { tap, fetchImpl }
  }

  it('an ID token whose signature does not match the provider’s keys ends the sign-in with bad_response, nothing set', async () => {
    const { tap, fetchImpl } = tokenEndpointTap()
    const s = await setup({}, {}, fetchImpl)
    tap.answer = async (real) => {
      const body = (await (await real()).json()) as Record<string, string>
      const [header, payload, signature = ''] = (body.id_token as string).split('.')
      const flipped = `${signature.slice(0, 10)}${signature[10] === 'A' ? 'B' : 'A'}${signature.slice(11)}`
      return Response.json({ ...body, id_token: `${header}.${payload}.${flipped}` })
    }
    const answer = await app(s, pathOf(await startSignIn(s)))
    expect(answer.headers.get('location')).toBe('/dashboard?auth_error=bad_response')
    expect(s.jar.names(APP)).toEqual([])
    expect(JSON.stringify(s.errors)).not.toMatch(JWT_SHAPE)
  })

  it('refresh: invalid_grant signs out (401, cookie cleared); 5xx, an HTML page, 429 and a dropped connection keep the cookie', async () => {
    const { tap, fetchImpl } = tokenEndpointTap()
    const s = await setup({}, {}, fetchImpl)
    await app(s, pathOf(await startSignIn(s)))
    const session = s.jar.get(APP, SESSION)

    tap.answer = async () => new Response('<html><body>Bad gateway</body></html>', { status: 502 })
    const html = await refresh(s)
    expect([html.status, ((await html.json()) as { error: string }).error]).toEqual([
      502,
      'upstream_unavailable',
    ])
    tap.answer = async () => Response.json({ error: 'temporarily_unavailable' }, { status: 503 })
    expect((await refresh(s)).status).toBe(503)
    tap.answer = async () =>
      Response.json({ error: 'slow_down' }, { status: 429, headers: { 'Retry-After': '7' } })
    const limited = await refresh(s)
    expect([limited.status, limited.headers.get('retry-after')]).toEqual([429, '7'])
    tap.answer = () => Promise.reject(new TypeError('fetch failed'))
    expect((await refresh(s)).status).toBe(502)
    expect(s.jar.get(APP, SESSION)).toBe(session)
    for (const event of s.errors) expect(event.message).not.toMatch(/Bad gateway|slow_down|temporarily/)

    tap.answer = async () => Response.json({ error: 'invalid_grant' }, { status: 400 })
    const refused = await refresh(s)
    expect([refused.status, ((await refused.json()) as { error: string }).error]).toEqual([
      401,
      'invalid_grant',
    ])
    expect(s.jar.names(APP)).toEqual([])
  })

  it('a copy of the cookie replayed after sign-out is refused, and the provider holds its token revoked', async () => {
    const s = await setup()
    await app(s, pathOf(await startSignIn(s)))
    const copy = s.jar.header(APP)
    const token = s.provider.refreshTokens.at(-1) as string
    await app(s, '/auth/logout', { method: 'POST' })
    const replay = await s.gateway.handle(
      new Request(`${APP}/auth/refresh`, { method: 'POST', headers: { cookie: copy, origin: APP } }),
    )
    expect(replay.status).toBe(401)
    expect(replay.headers.getSetCookie().every((line) => line.includes('Max-Age=0'))).toBe(true)
    expect(await s.provider.isActive(token)).toBe(false)
  })
})
