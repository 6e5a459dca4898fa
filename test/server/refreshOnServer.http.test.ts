// @vitest-environment node
import type { IncomingMessage, ServerResponse } from 'node:http'
import { createRemoteJWKSet, jwtVerify } from 'jose'
import { AuthError } from 'react-jwt-session/core'
import { refreshOnServer } from 'react-jwt-session/server'
import { createTestToken } from 'react-jwt-session/testing'
import { afterEach, describe, expect, it } from 'vitest'
import {
  type AuthServer,
  type AuthServerOptions,
  createAuthServer,
} from '../../example/server/createServer.js'

// refreshOnServer against the reference auth server over real HTTP: the SSR hand-off of SPEC §5.

const running: AuthServer[] = []

afterEach(async () => {
  await Promise.all(running.splice(0).map((auth) => auth.close()))
})

async function start(options: AuthServerOptions = {}) {
  const auth = createAuthServer({ log: false, ...options })
  running.push(auth)
  const { url } = await auth.listen(0)
  return { auth, url, refreshUrl: `${url}/auth/refresh` }
}

/** The `Cookie` header a browser would send to `/auth/*` after these `Set-Cookie` lines. */
function cookieHeader(setCookie: string[]) {
  const jar = new Map<string, string>()
  for (const line of setCookie) {
    const [pair = '', ...attributes] = line.split(';').map((part) => part.trim())
    const eq = pair.indexOf('=')
    const name = pair.slice(0, eq)
    if (attributes.some((a) => a.toLowerCase() === 'max-age=0')) jar.delete(name)
    else jar.set(name, pair.slice(eq + 1))
  }
  return [...jar].map(([name, value]) => `${name}=${value}`).join('; ')
}

const cookieValue = (setCookie: string[], name: string) =>
  setCookie
    .find((line) => line.startsWith(`${name}=`))
    ?.split(';')[0]
    ?.slice(name.length + 1)

async function logIn(url: string, username = 'alice') {
  const res = await fetch(`${url}/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: `${username}-password` }),
  })
  expect(res.status).toBe(200)
  return res.headers.getSetCookie()
}

/** The page request a browser makes, carrying its cookies. */
const pageRequest = (url: string, cookie?: string) =>
  new Request(`${url}/dashboard`, {
    headers: cookie ? { cookie, accept: 'text/html' } : { accept: 'text/html' },
  })

describe('refreshOnServer against the reference server', () => {
  it('renews the session from the request cookie and hands over a token the API accepts', async () => {
    const { auth, url, refreshUrl } = await start()
    const loginCookies = await logIn(url)
    const cookie = cookieHeader(loginCookies)

    const result = await refreshOnServer(pageRequest(url, cookie), { refreshUrl })

    expect(result.error).toBeNull()
    expect(result.session).toEqual({
      // Only what the client reads: no token_type, nothing else of the upstream answer.
      access_token: expect.stringMatching(/^[\w-]+\.[\w-]+\.[\w-]+$/),
      expires_in: 900,
      user: { id: 'u_alice', username: 'alice', name: 'Alice Admin', role: 'admin' },
    })
    expect(auth.stats.refreshes).toBe(1)
    // The rotated refresh cookie (and the fingerprint) come back for the page's response to pass on.
    expect(result.setCookie).toHaveLength(2)
    expect(result.setCookie.join('\n')).toMatch(/^rjs_refresh=.+HttpOnly.+Path=\/auth/m)
    expect(cookieValue(result.setCookie, 'rjs_refresh')).not.toBe(cookieValue(loginCookies, 'rjs_refresh'))

    // The handed-over token is a real one: it verifies with the published key and works on the API
    // together with the fingerprint cookie the browser holds.
    const token = (result.session as { access_token: string }).access_token
    const jwks = createRemoteJWKSet(new URL(`${url}/.well-known/jwks.json`))
    const { payload } = await jwtVerify(token, jwks, { typ: 'at+jwt' })
    expect(payload.sub).toBe('u_alice')
    const me = await fetch(`${url}/api/me`, {
      headers: { authorization: `Bearer ${token}`, cookie: cookieHeader(result.setCookie) },
    })
    expect(me.status).toBe(200)
  })

  it('resolves a relative refreshUrl against the request URL', async () => {
    const { auth, url } = await start()
    const cookie = cookieHeader(await logIn(url))
    const result = await refreshOnServer(pageRequest(url, cookie), { refreshUrl: '/auth/refresh' })
    expect(result.error).toBeNull()
    expect(result.session).not.toBeNull()
    expect(auth.stats.refreshes).toBe(1)
  })

  it('returns the cookie that works next; replaying the original one is detected as reuse', async () => {
    const { auth, url, refreshUrl } = await start()
    const original = cookieHeader(await logIn(url))

    const first = await refreshOnServer(pageRequest(url, original), { refreshUrl })
    expect(first.session).not.toBeNull()

    // The browser stores what the page passed on; its next page load sends that.
    const next = cookieHeader(first.setCookie)
    const second = await refreshOnServer(pageRequest(url, next), { refreshUrl })
    expect(second.error).toBeNull()
    expect(second.session).not.toBeNull()
    expect(auth.stats).toMatchObject({ refreshes: 2, reuseDetections: 0 })

    // A page response that dropped setCookie leaves the browser with the used token: refused, never thrown.
    const replay = await refreshOnServer(pageRequest(url, original), { refreshUrl })
    expect(replay.session).toBeNull()
    expect(replay.error).toBeInstanceOf(AuthError)
    expect(replay.error).toMatchObject({ code: 'session_expired', status: 401 })
    // The server's reason travels as the cause, so the page can tell theft from an ordinary expiry.
    expect(replay.error?.cause).toMatchObject({ error: 'token_reused' })
    expect(auth.stats.reuseDetections).toBe(1)

    // Reuse revoked the whole family: the latest cookie is dead too.
    const latest = cookieHeader(second.setCookie)
    const afterReuse = await refreshOnServer(pageRequest(url, latest), { refreshUrl })
    expect(afterReuse.session).toBeNull()
    expect(afterReuse.error).toMatchObject({ code: 'session_expired', status: 401 })
    expect(afterReuse.error?.cause).toMatchObject({ error: 'token_revoked' })
    expect(auth.stats.refreshes).toBe(2)
  })

  it('with the refresh cookie on Path=/ (refreshCookiePath), the rotated cookie keeps that path', async () => {
    const { url, refreshUrl } = await start({ refreshCookiePath: '/' })
    const loginCookies = await logIn(url)
    expect(loginCookies.find((line) => line.startsWith('rjs_refresh='))).toContain('Path=/;')
    const result = await refreshOnServer(pageRequest(url, cookieHeader(loginCookies)), { refreshUrl })
    expect(result.error).toBeNull()
    expect(result.setCookie.find((line) => line.startsWith('rjs_refresh='))).toContain('Path=/;')
  })

  it('refuses a request without a cookie without calling the server', async () => {
    const { auth, url, refreshUrl } = await start()
    const result = await refreshOnServer(pageRequest(url), { refreshUrl })
    expect(result).toEqual({ session: null, setCookie: [], error: expect.any(AuthError) })
    expect(result.error?.code).toBe('session_expired')
    expect(auth.stats.refreshes).toBe(0)
  })

  it('refuses a cookie header that carries no refresh cookie (the server says no_refresh_cookie)', async () => {
    const { url, refreshUrl } = await start()
    const result = await refreshOnServer(pageRequest(url, 'theme=dark'), { refreshUrl })
    expect(result.session).toBeNull()
    expect(result.error).toMatchObject({ code: 'session_expired', status: 401 })
    expect(result.error?.cause).toMatchObject({ error: 'no_refresh_cookie' })
  })

  it('refuses a revoked session (signed out everywhere)', async () => {
    const { auth, url, refreshUrl } = await start()
    const cookie = cookieHeader(await logIn(url))
    expect(auth.revokeAll()).toBe(1)
    const result = await refreshOnServer(pageRequest(url, cookie), { refreshUrl })
    expect(result.session).toBeNull()
    expect(result.error).toMatchObject({ code: 'session_expired', status: 401 })
    expect(result.error?.cause).toMatchObject({ error: 'token_revoked' })
    expect(auth.stats.refreshes).toBe(0)
  })

  it('refuses a session that was logged out', async () => {
    const { url, refreshUrl } = await start()
    const cookie = cookieHeader(await logIn(url))
    const out = await fetch(`${url}/auth/logout`, { method: 'POST', headers: { cookie } })
    expect(out.status).toBe(200)
    const result = await refreshOnServer(pageRequest(url, cookie), { refreshUrl })
    expect(result.session).toBeNull()
    expect(result.error?.code).toBe('session_expired')
  })
})

describe('refreshOnServer with a malformed or failing refresh endpoint', () => {
  const now = () => Date.now()
  const send = (res: ServerResponse, status: number, type: string, body: string, headers = {}) => {
    res.writeHead(status, { 'content-type': type, ...headers })
    res.end(body)
  }
  const valid = () => createTestToken({ sub: 'u_x' }, { expiresIn: 900, now: now() })

  /** Answers on purpose-broken refresh endpoints, beside the real ones. */
  const brokenRoutes = (req: IncomingMessage, res: ServerResponse, url: URL): boolean => {
    if (req.method !== 'POST') return false
    switch (url.pathname) {
      case '/broken/html':
        send(res, 200, 'text/html', '<!doctype html><title>Sign in</title><p>Please sign in</p>')
        return true
      case '/broken/not-a-jwt':
        send(res, 200, 'application/json', JSON.stringify({ access_token: 'not-a-jwt', expires_in: 900 }))
        return true
      case '/broken/no-token':
        send(res, 200, 'application/json', JSON.stringify({ ok: true }))
        return true
      case '/broken/expired':
        send(res, 200, 'application/json', JSON.stringify({ access_token: valid(), expires_in: 0 }))
        return true
      case '/broken/500':
        send(res, 500, 'text/html', '<h1>Internal Server Error</h1>')
        return true
      case '/broken/503':
        send(res, 503, 'application/json', JSON.stringify({ error: 'maintenance' }), { 'retry-after': '30' })
        return true
      case '/broken/hang':
        // Never answers; the server's close() drops the connection.
        return true
      case '/broken/rotated-then-bad-token':
        // The refresh token was rotated, but the access token is unusable.
        send(res, 200, 'application/json', JSON.stringify({ access_token: 'not-a-jwt', expires_in: 900 }), {
          'set-cookie': 'rjs_refresh=rotated; HttpOnly; SameSite=Strict; Path=/',
        })
        return true
      case '/broken/fine':
        send(res, 200, 'application/json', JSON.stringify({ access_token: valid(), expires_in: 900 }))
        return true
      default:
        return false
    }
  }

  it.each([
    ['/broken/html', 'bad_response'],
    ['/broken/not-a-jwt', 'bad_token'],
    ['/broken/no-token', 'bad_response'],
    ['/broken/expired', 'bad_token'],
    ['/broken/500', 'server'],
    ['/broken/503', 'server'],
  ] as const)('%s gives session null with %s, never a throw', async (path, code) => {
    const { url } = await start({ extraRoutes: brokenRoutes })
    const result = await refreshOnServer(pageRequest(url, 'rjs_refresh=abc'), { refreshUrl: url + path })
    expect(result.session).toBeNull()
    expect(result.error).toBeInstanceOf(AuthError)
    expect(result.error?.code).toBe(code)
  })

  it('a well-formed answer from the same kind of route is accepted (the broken cases are not refused by setup)', async () => {
    const { url } = await start({ extraRoutes: brokenRoutes })
    const result = await refreshOnServer(pageRequest(url, 'rjs_refresh=abc'), {
      refreshUrl: `${url}/broken/fine`,
    })
    expect(result.error).toBeNull()
    expect(result.session).toMatchObject({ expires_in: 900 })
  })

  it('passes the rotated cookie on even when the token in the same answer is refused', async () => {
    const { url } = await start({ extraRoutes: brokenRoutes })
    const result = await refreshOnServer(pageRequest(url, 'rjs_refresh=abc'), {
      refreshUrl: `${url}/broken/rotated-then-bad-token`,
    })
    expect(result.session).toBeNull()
    expect(result.error?.code).toBe('bad_token')
    expect(result.setCookie).toEqual(['rjs_refresh=rotated; HttpOnly; SameSite=Strict; Path=/'])
  })

  it('an endpoint that never answers gives a timeout error', async () => {
    const { url } = await start({ extraRoutes: brokenRoutes })
    const result = await refreshOnServer(pageRequest(url, 'rjs_refresh=abc'), {
      refreshUrl: `${url}/broken/hang`,
      timeout: 200,
    })
    expect(result).toEqual({ session: null, setCookie: [], error: expect.any(AuthError) })
    expect(result.error?.code).toBe('timeout')
  })

  it('an unreachable auth server gives a network error', async () => {
    const { auth, url, refreshUrl } = await start()
    await auth.close()
    const result = await refreshOnServer(pageRequest(url, 'rjs_refresh=abc'), { refreshUrl })
    expect(result.session).toBeNull()
    expect(result.error?.code).toBe('network')
  })
})
