// @vitest-environment node
import { createHash } from 'node:crypto'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createRemoteJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify, SignJWT } from 'jose'
import { refreshOnServer } from 'react-jwt-session/server'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import {
  type AuthServer,
  type AuthServerOptions,
  createAuthServer,
} from '../../example/server/createServer.js'

const T0 = Date.UTC(2030, 0, 1)

interface Cookie {
  value: string
  path: string
}

/** A client with its own cookie jar that honours `Path` and `Max-Age=0`, like one browser. */
class Device {
  readonly cookies = new Map<string, Cookie>()
  /** The raw `Set-Cookie` lines of the last response. */
  lastSetCookie: string[] = []

  constructor(readonly base: string) {}

  cookieHeader(path: string) {
    return [...this.cookies]
      .filter(([, c]) => c.path === '/' || path === c.path || path.startsWith(`${c.path}/`))
      .map(([name, c]) => `${name}=${c.value}`)
      .join('; ')
  }

  async request(path: string, init: RequestInit = {}) {
    const headers = new Headers(init.headers)
    const cookie = this.cookieHeader(path.split('?')[0] ?? path)
    if (cookie) headers.set('cookie', cookie)
    const res = await fetch(this.base + path, { ...init, headers })
    this.lastSetCookie = res.headers.getSetCookie()
    for (const line of this.lastSetCookie) {
      const [pair = '', ...attributes] = line.split(';').map((part) => part.trim())
      const eq = pair.indexOf('=')
      const name = pair.slice(0, eq)
      const path = attributes.find((a) => a.toLowerCase().startsWith('path='))?.slice(5) ?? '/'
      if (attributes.some((a) => a.toLowerCase() === 'max-age=0')) this.cookies.delete(name)
      else this.cookies.set(name, { value: pair.slice(eq + 1), path })
    }
    return res
  }

  login(username = 'alice', password = `${username}-password`) {
    return this.request('/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password }),
    })
  }

  /** Logs in and returns the access token. */
  async signIn(username = 'alice') {
    const res = await this.login(username)
    expect(res.status).toBe(200)
    return ((await res.json()) as { access_token: string }).access_token
  }

  refresh() {
    return this.request('/auth/refresh', { method: 'POST' })
  }

  api(path: string, token?: string) {
    return this.request(path, token ? { headers: { authorization: `Bearer ${token}` } } : {})
  }

  get(name: string) {
    return this.cookies.get(name)?.value
  }
}

const running: AuthServer[] = []

async function start(options: AuthServerOptions = {}) {
  const clock = { now: T0 }
  const auth = createAuthServer({ log: false, now: () => clock.now, ...options })
  running.push(auth)
  const { url } = await auth.listen(0)
  return { auth, url, clock, device: () => new Device(url) }
}

afterEach(async () => {
  await Promise.all(running.splice(0).map((auth) => auth.close()))
})

const sha256Hex = (value: string) => createHash('sha256').update(value).digest('hex')
const body = async (res: Response) => (await res.json()) as Record<string, unknown>

describe('POST /auth/login', () => {
  it('answers a token response for the right password and sets both cookies', async () => {
    const { auth, device } = await start()
    const alice = device()
    const res = await alice.login('alice', 'alice-password')
    expect(res.status).toBe(200)
    expect(res.headers.get('cache-control')).toBe('no-store')
    const json = await body(res)
    expect(json).toEqual({
      access_token: expect.stringMatching(/^[\w-]+\.[\w-]+\.[\w-]+$/),
      token_type: 'Bearer',
      expires_in: 900,
      user: { id: 'u_alice', username: 'alice', name: 'Alice Admin', role: 'admin' },
    })
    expect(alice.get('rjs_refresh')).toMatch(/^[\w-]{43}$/)
    expect(alice.get('rjs_fgp')).toMatch(/^[\w-]{43}$/)
    expect(auth.stats).toEqual({
      logins: 1,
      refreshes: 0,
      reuseDetections: 0,
      reusesAllowed: 0,
      logouts: 0,
      failedLogins: 0,
    })
  })

  it('refuses a wrong password and an unknown user with 401 invalid_credentials and no cookie', async () => {
    const { auth, device } = await start()
    const client = device()
    for (const [username, password] of [
      ['alice', 'bob-password'],
      ['mallory', 'alice-password'],
    ] as const) {
      const res = await client.login(username, password)
      expect(res.status).toBe(401)
      expect(await body(res)).toEqual({ error: 'invalid_credentials', message: expect.any(String) })
      expect(client.lastSetCookie).toEqual([])
    }
    expect(auth.stats.failedLogins).toBe(2)
    expect(auth.stats.logins).toBe(0)
  })

  it('answers 429 with Retry-After after 5 failures in 5 minutes, even for the right password', async () => {
    const { auth, clock, device } = await start()
    const client = device()
    for (let i = 0; i < 5; i++) {
      clock.now += 10_000
      expect((await client.login('alice', 'guess')).status).toBe(401)
    }
    const blocked = await client.login('alice', 'alice-password')
    expect(blocked.status).toBe(429)
    // The first failure was 40 s ago; the window is 300 s.
    expect(blocked.headers.get('retry-after')).toBe('260')
    expect(await body(blocked)).toMatchObject({ error: 'too_many_attempts' })
    expect(client.lastSetCookie).toEqual([])
    // Another username is not affected, and neither is the same name in other case.
    expect((await client.login('bob')).status).toBe(200)
    expect((await client.login('ALICE', 'alice-password')).status).toBe(429)
    // Once the oldest failure leaves the window one more attempt is allowed.
    clock.now += 259_000
    expect((await client.login('alice', 'alice-password')).status).toBe(429)
    clock.now += 1_000
    expect((await client.login('alice', 'alice-password')).status).toBe(200)
    expect(auth.stats.failedLogins).toBe(5)
  })

  it('forgets earlier failures after a successful login', async () => {
    const { device } = await start()
    const client = device()
    for (let i = 0; i < 4; i++) expect((await client.login('alice', 'guess')).status).toBe(401)
    expect((await client.login('alice')).status).toBe(200)
    for (let i = 0; i < 4; i++) expect((await client.login('alice', 'guess')).status).toBe(401)
    expect((await client.login('alice')).status).toBe(200)
  })

  it('cannot be outrun by parallel guesses: of 10 at once, 5 are checked and 5 refused', async () => {
    const { auth, device } = await start()
    const client = device()
    const statuses = await Promise.all(Array.from({ length: 10 }, () => client.login('alice', 'guess')))
    expect(statuses.map((res) => res.status).sort()).toEqual([
      401, 401, 401, 401, 401, 429, 429, 429, 429, 429,
    ])
    expect(auth.stats.failedLogins).toBe(5)
  })

  it('honours loginRateLimit', async () => {
    const { device } = await start({ loginRateLimit: { maxFailures: 2, windowSeconds: 60 } })
    const client = device()
    expect((await client.login('bob', 'x')).status).toBe(401)
    expect((await client.login('bob', 'x')).status).toBe(401)
    const res = await client.login('bob')
    expect(res.status).toBe(429)
    expect(res.headers.get('retry-after')).toBe('60')
  })
})

describe('access token', () => {
  it('is an ES256 JWT with kid and the documented claims that verifies against the JWKS', async () => {
    const { auth, url, device } = await start()
    const alice = device()
    const token = await alice.signIn()

    const jwksRes = await fetch(`${url}/.well-known/jwks.json`)
    expect(jwksRes.status).toBe(200)
    const jwks = (await jwksRes.json()) as { keys: Array<Record<string, string>> }
    expect(jwks.keys).toHaveLength(1)
    expect(jwks.keys[0]).toMatchObject({
      kty: 'EC',
      crv: 'P-256',
      alg: 'ES256',
      use: 'sig',
      kid: auth.keys.kid,
    })
    expect(jwks.keys[0]).not.toHaveProperty('d')

    const { payload, protectedHeader } = await jwtVerify(
      token,
      createRemoteJWKSet(new URL('/.well-known/jwks.json', url)),
      { algorithms: ['ES256'], currentDate: new Date(T0) },
    )
    expect(protectedHeader).toEqual({ alg: 'ES256', kid: auth.keys.kid, typ: 'at+jwt' })
    expect(payload).toEqual({
      sub: 'u_alice',
      name: 'Alice Admin',
      role: 'admin',
      iat: T0 / 1000,
      exp: T0 / 1000 + 900,
      jti: expect.stringMatching(/^[0-9a-f-]{36}$/),
      fgp: sha256Hex(alice.get('rjs_fgp') ?? ''),
      sid: expect.any(String),
    })
  })

  it('gives every token its own jti', async () => {
    const { device } = await start()
    const alice = device()
    const first = decodeJwt(await alice.signIn())
    const second = decodeJwt(
      ((await (await alice.refresh()).json()) as { access_token: string }).access_token,
    )
    expect(first.jti).not.toBe(second.jti)
  })

  it('expires after accessTtl: accepted one second before, refused at exp', async () => {
    const { clock, device } = await start({ accessTtl: 60 })
    const alice = device()
    const token = await alice.signIn()
    expect(decodeJwt(token).exp).toBe(T0 / 1000 + 60)
    clock.now += 59_000
    expect((await alice.api('/api/me', token)).status).toBe(200)
    clock.now += 1_000
    const res = await alice.api('/api/me', token)
    expect(res.status).toBe(401)
    expect(res.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"')
    expect(await body(res)).toEqual({ error: 'invalid_token', message: 'The access token has expired' })
  })

  it('rounds exp up, never down, so the token lasts at least expires_in', async () => {
    const { clock, device } = await start({ accessTtl: 10 })
    clock.now = T0 + 400
    const token = await device().signIn()
    expect(decodeJwt(token)).toMatchObject({ iat: T0 / 1000, exp: T0 / 1000 + 11 })
  })

  it('takes its default lifetime from ACCESS_TTL and refuses a nonsense lifetime', async () => {
    const previous = process.env.ACCESS_TTL
    process.env.ACCESS_TTL = '120'
    try {
      const { device } = await start()
      expect(await body(await device().login())).toMatchObject({ expires_in: 120 })
      expect(() => createAuthServer({ log: false, accessTtl: 0 })).toThrow(/accessTtl/)
      process.env.ACCESS_TTL = 'soon'
      expect(() => createAuthServer({ log: false })).toThrow(/accessTtl/)
    } finally {
      if (previous === undefined) delete process.env.ACCESS_TTL
      else process.env.ACCESS_TTL = previous
    }
  })
})

describe('POST /auth/refresh', () => {
  it('rotates the refresh token; the new cookie and the new access token work', async () => {
    const { auth, device } = await start()
    const alice = device()
    await alice.signIn()
    const first = alice.get('rjs_refresh')

    const res = await alice.refresh()
    expect(res.status).toBe(200)
    expect(res.headers.get('cache-control')).toBe('no-store')
    const json = (await res.json()) as { access_token: string }
    expect(json).toEqual({
      access_token: expect.any(String),
      token_type: 'Bearer',
      expires_in: 900,
      user: { id: 'u_alice', username: 'alice', name: 'Alice Admin', role: 'admin' },
    })
    const second = alice.get('rjs_refresh')
    expect(second).toMatch(/^[\w-]{43}$/)
    expect(second).not.toBe(first)
    expect((await alice.api('/api/me', json.access_token)).status).toBe(200)

    expect((await alice.refresh()).status).toBe(200)
    expect(alice.get('rjs_refresh')).not.toBe(second)
    expect(auth.stats.refreshes).toBe(2)
    expect(auth.stats.reuseDetections).toBe(0)
  })

  it('keeps the fingerprint for the family, so the refreshed token matches the cookie the client holds', async () => {
    const { device } = await start()
    const alice = device()
    const before = await alice.signIn()
    const fingerprint = alice.get('rjs_fgp')
    const res = await alice.refresh()
    expect(alice.lastSetCookie.some((line) => line.startsWith(`rjs_fgp=${fingerprint};`))).toBe(true)
    const after = ((await res.json()) as { access_token: string }).access_token
    expect(decodeJwt(after).fgp).toBe(sha256Hex(fingerprint ?? ''))
    expect(decodeJwt(after).sid).toBe(decodeJwt(before).sid)
    // The token from before the refresh stays valid until it expires.
    expect((await alice.api('/api/me', before)).status).toBe(200)
  })

  it('treats a replayed token as theft: 401 token_reused, the whole family revoked, counted once', async () => {
    const { auth, device, url } = await start()
    const alice = device()
    await alice.signIn()
    const stale = alice.get('rjs_refresh') ?? ''
    const res = await alice.refresh()
    const fresh = ((await res.json()) as { access_token: string }).access_token

    const thief = new Device(url)
    thief.cookies.set('rjs_refresh', { value: stale, path: '/auth' })
    const replay = await thief.refresh()
    expect(replay.status).toBe(401)
    expect(await body(replay)).toMatchObject({ error: 'token_reused' })
    expect(auth.stats.reuseDetections).toBe(1)

    // The newest token of the family is dead too, and so is the access token issued with it.
    const next = await alice.refresh()
    expect(next.status).toBe(401)
    expect(await body(next)).toMatchObject({ error: 'token_revoked' })
    const me = await alice.api('/api/me', fresh)
    expect(me.status).toBe(401)
    expect(await body(me)).toEqual({ error: 'invalid_token', message: 'The session was revoked' })

    // Replaying again is reported as revoked, not counted as a second detection.
    expect(await body(await thief.refresh())).toMatchObject({ error: 'token_revoked' })
    expect(auth.stats.reuseDetections).toBe(1)
    expect(auth.stats.refreshes).toBe(1)
  })

  it('lets only one of two simultaneous refreshes with the same cookie through', async () => {
    const { auth, device } = await start()
    const alice = device()
    await alice.signIn()
    const results = await Promise.all([alice.refresh(), alice.refresh()])
    const statuses = results.map((res) => res.status).sort()
    expect(statuses).toEqual([200, 401])
    const refused = results.find((res) => res.status === 401)
    expect(refused && (await body(refused))).toMatchObject({ error: 'token_reused' })
    expect(auth.stats.reuseDetections).toBe(1)
  })

  it('answers no_refresh_cookie without a cookie and invalid_grant for unknown or expired tokens', async () => {
    const { clock, device, url } = await start({ refreshTtl: 3600 })
    const anonymous = device()
    const none = await anonymous.refresh()
    expect(none.status).toBe(401)
    expect(await body(none)).toMatchObject({ error: 'no_refresh_cookie' })

    anonymous.cookies.set('rjs_refresh', { value: 'made-up', path: '/auth' })
    const unknown = await anonymous.refresh()
    expect(unknown.status).toBe(401)
    expect(await body(unknown)).toMatchObject({ error: 'invalid_grant' })

    const alice = new Device(url)
    await alice.signIn()
    const cookie = alice.lastSetCookie.find((line) => line.startsWith('rjs_refresh='))
    expect(cookie).toContain('Max-Age=3600')
    clock.now += 3_599_000
    expect((await alice.refresh()).status).toBe(200)
    clock.now += 3_600_000
    const expired = await alice.refresh()
    expect(expired.status).toBe(401)
    expect(await body(expired)).toMatchObject({ error: 'invalid_grant' })
  })

  it('revokeAll() ends every session with token_revoked', async () => {
    const { auth, device } = await start()
    const alice = device()
    const bob = device()
    await alice.signIn('alice')
    await bob.signIn('bob')
    expect(auth.revokeAll()).toBe(2)
    for (const client of [alice, bob]) {
      const res = await client.refresh()
      expect(res.status).toBe(401)
      expect(await body(res)).toMatchObject({ error: 'token_revoked' })
    }
    expect(auth.revokeAll()).toBe(0)
  })
})

describe('reuseInterval', () => {
  /** A second holder of the same cookie jar contents, e.g. the page server that forwarded the cookie. */
  const copyOf = (device: Device, url: string) => {
    const copy = new Device(url)
    for (const [name, cookie] of device.cookies) copy.cookies.set(name, { ...cookie })
    return copy
  }

  it('answers a replay within the interval with a fresh token of the same family, which survives', async () => {
    const { auth, clock, device, url } = await start({ reuseInterval: 5 })
    const alice = device()
    await alice.signIn()
    const other = copyOf(alice, url)
    const first = await alice.refresh()
    expect(first.status).toBe(200)
    clock.now += 4_000
    const replay = await other.refresh()
    expect(replay.status).toBe(200)
    const replayed = (await body(replay)) as { access_token: string }
    const successor = alice.get('rjs_refresh')
    const sibling = other.get('rjs_refresh')
    expect(sibling).toMatch(/^[\w-]{43}$/)
    expect(sibling).not.toBe(successor)
    expect(decodeJwt(replayed.access_token).sid).toBe(
      decodeJwt(((await body(first)) as { access_token: string }).access_token).sid,
    )
    expect(auth.stats).toMatchObject({ refreshes: 2, reuseDetections: 0, reusesAllowed: 1 })

    // Both holders go on: the successor and its sibling are each a live, single-use token of the family.
    expect((await alice.refresh()).status).toBe(200)
    expect((await other.refresh()).status).toBe(200)
    expect((await alice.api('/api/me', replayed.access_token)).status).toBe(200)
    expect(auth.stats.reuseDetections).toBe(0)
  })

  it('revokes the family as before when the replay comes after the interval', async () => {
    const { auth, clock, device, url } = await start({ reuseInterval: 5 })
    const alice = device()
    await alice.signIn()
    const thief = copyOf(alice, url)
    expect((await alice.refresh()).status).toBe(200)
    clock.now += 5_000
    const replay = await thief.refresh()
    expect(replay.status).toBe(401)
    expect(await body(replay)).toMatchObject({ error: 'token_reused' })
    const next = await alice.refresh()
    expect(next.status).toBe(401)
    expect(await body(next)).toMatchObject({ error: 'token_revoked' })
    expect(auth.stats).toMatchObject({ reuseDetections: 1, reusesAllowed: 0 })
  })

  it('is off by default and refuses a negative value', async () => {
    const { auth, device, url } = await start()
    const alice = device()
    await alice.signIn()
    const other = copyOf(alice, url)
    expect((await alice.refresh()).status).toBe(200)
    expect(await body(await other.refresh())).toMatchObject({ error: 'token_reused' })
    expect(auth.stats.reuseDetections).toBe(1)
    expect(() => createAuthServer({ log: false, reuseInterval: -1 })).toThrow(/reuseInterval/)
  })

  // SPEC §13: a page load rendered on the server (refreshOnServer with the browser's cookie C) races the
  // renewal a tab of the same browser already has in flight with the same C.
  async function ssrRacesTab(options: AuthServerOptions) {
    const { auth, device, url } = await start({ refreshCookiePath: '/', ...options })
    const browser = device()
    await browser.signIn()
    const page = new Request(`${url}/dashboard`, { headers: { cookie: browser.cookieHeader('/dashboard') } })
    const [rendered, tab] = await Promise.all([
      refreshOnServer(page, { refreshUrl: '/auth/refresh' }),
      browser.refresh(),
    ])
    // The browser stores the page's Set-Cookie after the tab's answer (the page finishes last), like a
    // navigation that completes after the fetch; then the tab's next renewal and the next page load use it.
    for (const line of rendered.setCookie) {
      const [pair = ''] = line.split(';')
      const eq = pair.indexOf('=')
      browser.cookies.set(pair.slice(0, eq), { value: pair.slice(eq + 1), path: '/' })
    }
    const tabBody = (await body(tab)) as { access_token?: string }
    const nextRenewal = await browser.refresh()
    return {
      auth,
      pageSignedIn: rendered.session !== null,
      tabSignedIn: tab.status === 200 && typeof tabBody.access_token === 'string',
      nextRenewal: nextRenewal.status,
    }
  }

  it('lets a server-rendered page and a tab renew with the same cookie at once (the SSR-versus-tab race)', async () => {
    const { auth, pageSignedIn, tabSignedIn, nextRenewal } = await ssrRacesTab({ reuseInterval: 5 })
    expect({ pageSignedIn, tabSignedIn, nextRenewal }).toEqual({
      pageSignedIn: true,
      tabSignedIn: true,
      nextRenewal: 200,
    })
    expect(auth.stats).toMatchObject({ reuseDetections: 0, reusesAllowed: 1 })
  })

  it('control: without a reuse interval the same race revokes the session and signs the browser out', async () => {
    const { auth, pageSignedIn, tabSignedIn, nextRenewal } = await ssrRacesTab({ reuseInterval: 0 })
    // One of the two got through, the other was taken for a thief; the family is gone for both.
    expect(pageSignedIn !== tabSignedIn).toBe(true)
    expect(nextRenewal).toBe(401)
    expect(auth.stats.reuseDetections).toBe(1)
  })
})

describe('cookies', () => {
  it('are HttpOnly, SameSite=Strict, scoped to /auth (refresh) and / (fingerprint), not Secure by default', async () => {
    const { device } = await start()
    const alice = device()
    await alice.login()
    const [refresh, fingerprint] = alice.lastSetCookie
    expect(refresh).toMatch(/^rjs_refresh=[\w-]{43}; HttpOnly; SameSite=Strict; Path=\/auth; Max-Age=604800$/)
    expect(fingerprint).toMatch(/^rjs_fgp=[\w-]{43}; HttpOnly; SameSite=Strict; Path=\/; Max-Age=604800$/)
  })

  it('are Secure with secureCookies, when set and when cleared', async () => {
    const { device } = await start({ secureCookies: true })
    const alice = device()
    await alice.login()
    expect(alice.lastSetCookie).toHaveLength(2)
    for (const line of alice.lastSetCookie) expect(line.split('; ')).toContain('Secure')
    await alice.request('/auth/logout', { method: 'POST' })
    expect(alice.lastSetCookie).toHaveLength(2)
    for (const line of alice.lastSetCookie)
      expect(line.split('; ')).toEqual(expect.arrayContaining(['Secure', 'Max-Age=0']))
  })
})

describe('POST /auth/logout and /auth/logout-all', () => {
  it('logout revokes the session and clears both cookies', async () => {
    const { auth, device, url } = await start()
    const alice = device()
    const token = await alice.signIn()
    const cookie = alice.get('rjs_refresh') ?? ''
    const fingerprint = alice.get('rjs_fgp') ?? ''

    const res = await alice.request('/auth/logout', { method: 'POST' })
    expect(res.status).toBe(200)
    expect(res.headers.get('cache-control')).toBe('no-store')
    expect(await body(res)).toEqual({ ok: true })
    expect(alice.lastSetCookie).toEqual([
      expect.stringMatching(/^rjs_refresh=; HttpOnly; SameSite=Strict; Path=\/auth; Max-Age=0;/),
      expect.stringMatching(/^rjs_fgp=; HttpOnly; SameSite=Strict; Path=\/; Max-Age=0;/),
    ])
    expect(alice.cookies.size).toBe(0)
    expect(auth.stats.logouts).toBe(1)

    // A copy of the old cookies is worthless now.
    const copy = new Device(url)
    copy.cookies.set('rjs_refresh', { value: cookie, path: '/auth' })
    copy.cookies.set('rjs_fgp', { value: fingerprint, path: '/' })
    expect(await body(await copy.refresh())).toMatchObject({ error: 'token_revoked' })
    expect((await copy.api('/api/me', token)).status).toBe(401)
  })

  it('logout without a cookie still answers 200', async () => {
    const { device } = await start()
    const res = await device().request('/auth/logout', { method: 'POST' })
    expect(res.status).toBe(200)
    expect(await body(res)).toEqual({ ok: true })
  })

  it("logout-all revokes the user's other devices and leaves other users alone", async () => {
    const { auth, device } = await start()
    const laptop = device()
    const phone = device()
    const bob = device()
    await laptop.signIn('alice')
    const phoneToken = await phone.signIn('alice')
    const bobToken = await bob.signIn('bob')

    const res = await laptop.request('/auth/logout-all', { method: 'POST' })
    expect(res.status).toBe(200)
    expect(await body(res)).toEqual({ ok: true, revoked: 2 })
    expect(laptop.cookies.size).toBe(0)
    expect(auth.stats.logouts).toBe(1)

    const phoneRefresh = await phone.refresh()
    expect(phoneRefresh.status).toBe(401)
    expect(await body(phoneRefresh)).toMatchObject({ error: 'token_revoked' })
    expect((await phone.api('/api/me', phoneToken)).status).toBe(401)

    expect((await bob.api('/api/me', bobToken)).status).toBe(200)
    expect((await bob.refresh()).status).toBe(200)
  })

  it('logout-all identifies the user by a valid access token when no refresh cookie is sent', async () => {
    const { device } = await start()
    const laptop = device()
    const phone = device()
    const token = await laptop.signIn('alice')
    await phone.signIn('alice')
    laptop.cookies.delete('rjs_refresh')
    const res = await laptop.request('/auth/logout-all', {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
    })
    expect(await body(res)).toEqual({ ok: true, revoked: 2 })
    expect((await phone.refresh()).status).toBe(401)
  })
})

describe('protected API', () => {
  it('GET /api/me and /api/items answer per user', async () => {
    const { device } = await start()
    const alice = device()
    const bob = device()
    const aliceToken = await alice.signIn('alice')
    const bobToken = await bob.signIn('bob')

    expect(await body(await alice.api('/api/me', aliceToken))).toEqual({
      user: { id: 'u_alice', username: 'alice', name: 'Alice Admin', role: 'admin' },
    })
    expect(await body(await bob.api('/api/me', bobToken))).toEqual({
      user: { id: 'u_bob', username: 'bob', name: 'Bob Member', role: 'member' },
    })
    const aliceItems = (await body(await alice.api('/api/items', aliceToken))).items as Array<{ id: string }>
    const bobItems = (await body(await bob.api('/api/items', bobToken))).items as Array<{ id: string }>
    expect(aliceItems.map((item) => item.id)).toEqual(['a1', 'a2', 'a3'])
    expect(bobItems.map((item) => item.id)).toEqual(['b1', 'b2'])
  })

  it('requires a valid bearer token', async () => {
    const { device } = await start()
    const alice = device()
    const token = await alice.signIn()
    const [header, payload] = token.split('.')
    const other = createAuthServer({ log: false, now: () => T0 })
    const foreign = await new SignJWT(decodeJwt(token))
      .setProtectedHeader(decodeProtectedHeader(token) as { alg: string })
      .sign(other.keys.privateKey)
    const unsigned = `${Buffer.from('{"alg":"none","typ":"at+jwt"}').toString('base64url')}.${payload}.`
    const tampered = `${header}.${Buffer.from(JSON.stringify({ ...decodeJwt(token), role: 'owner' })).toString('base64url')}.${token.split('.')[2]}`

    for (const authorization of [
      undefined,
      token, // without the scheme
      `Basic ${token}`,
      'Bearer not-a-jwt',
      `Bearer ${foreign}`,
      `Bearer ${unsigned}`,
      `Bearer ${tampered}`,
    ]) {
      const res = await alice.request('/api/me', authorization ? { headers: { authorization } } : {})
      expect(res.status, String(authorization).slice(0, 20)).toBe(401)
      expect(res.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"')
      expect(await body(res)).toMatchObject({ error: 'invalid_token' })
    }
    expect((await alice.api('/api/items', token)).status).toBe(200)
  })

  it('rejects a token without its fingerprint cookie or with another fingerprint', async () => {
    const { device } = await start()
    const alice = device()
    const bob = device()
    const token = await alice.signIn('alice')
    await bob.signIn('bob')

    const fingerprint = alice.get('rjs_fgp') ?? ''
    alice.cookies.delete('rjs_fgp')
    const missing = await alice.api('/api/me', token)
    expect(missing.status).toBe(401)
    expect(await body(missing)).toEqual({
      error: 'invalid_token',
      message: 'The fingerprint cookie is missing',
    })

    alice.cookies.set('rjs_fgp', { value: `${fingerprint.slice(0, -1)}x`, path: '/' })
    const wrong = await alice.api('/api/me', token)
    expect(wrong.status).toBe(401)
    expect(await body(wrong)).toMatchObject({
      message: 'The fingerprint cookie does not match the access token',
    })

    // A token stolen from one browser does not work in another that has its own session.
    expect((await bob.api('/api/me', token)).status).toBe(401)

    alice.cookies.set('rjs_fgp', { value: fingerprint, path: '/' })
    expect((await alice.api('/api/me', token)).status).toBe(200)
  })

  it('never sends the refresh cookie to /api (it is scoped to /auth)', async () => {
    const { auth, device } = await start({
      extraRoutes: (req, res, url) => {
        if (url.pathname !== '/api/echo-cookies') return false
        res.end(req.headers.cookie ?? '')
        return true
      },
    })
    const alice = device()
    await alice.signIn()
    const seen = await (await alice.request('/api/echo-cookies')).text()
    expect(seen).toBe(`rjs_fgp=${alice.get('rjs_fgp')}`)
    expect(auth.stats.logins).toBe(1)
  })
})

describe('bad input', () => {
  let auth: AuthServer
  let url: string
  beforeAll(async () => {
    auth = createAuthServer({ log: false })
    ;({ url } = await auth.listen(0))
  })
  afterAll(() => auth.close())

  const post = (path: string, payload: BodyInit, contentType = 'application/json') =>
    fetch(url + path, { method: 'POST', headers: { 'content-type': contentType }, body: payload })

  it.each([
    ['malformed JSON', '{"username": "alice",'],
    ['an empty body', ''],
    ['a JSON array', '["alice", "alice-password"]'],
    ['a JSON string', '"alice"'],
    ['null', 'null'],
    ['missing password', '{"username":"alice"}'],
    ['missing username', '{"password":"alice-password"}'],
    ['a numeric password', '{"username":"alice","password":12345}'],
    ['an object username', '{"username":{"$ne":null},"password":"x"}'],
    ['empty strings', '{"username":"","password":""}'],
    ['an overlong username', JSON.stringify({ username: 'a'.repeat(300), password: 'x' })],
  ])('answers 400 bad_request to %s', async (_, payload) => {
    const res = await post('/auth/login', payload)
    expect(res.status).toBe(400)
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8')
    expect(await body(res)).toEqual({ error: 'bad_request', message: expect.any(String) })
    expect((await fetch(`${url}/.well-known/jwks.json`)).status).toBe(200)
  })

  it('answers 400 to a login that is not sent as JSON', async () => {
    const res = await post(
      '/auth/login',
      'username=alice&password=alice-password',
      'application/x-www-form-urlencoded',
    )
    expect(res.status).toBe(400)
    expect(await body(res)).toEqual({
      error: 'bad_request',
      message: 'Content-Type must be application/json',
    })
  })

  it('answers 413 to a body over 16 KiB, declared or streamed, and keeps serving', async () => {
    const big = JSON.stringify({ username: 'alice', password: 'x'.repeat(17 * 1024) })
    const declared = await post('/auth/login', big)
    expect(declared.status).toBe(413)
    expect(await body(declared)).toEqual({
      error: 'payload_too_large',
      message: expect.stringContaining('16384'),
    })

    const chunk = new TextEncoder().encode('x'.repeat(4096))
    let sent = 0
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ < 8) controller.enqueue(chunk)
        else controller.close()
      },
    })
    const streamed = await fetch(`${url}/auth/refresh`, {
      method: 'POST',
      body: stream,
      duplex: 'half',
    } as RequestInit)
    expect(streamed.status).toBe(413)
    expect(await body(streamed)).toMatchObject({ error: 'payload_too_large' })

    const exactly = JSON.stringify({ username: 'alice', password: 'alice-password', pad: '' })
    const padded = exactly.replace('"pad":""', `"pad":"${'p'.repeat(16 * 1024 - exactly.length)}"`)
    expect(Buffer.byteLength(padded)).toBe(16 * 1024)
    expect((await post('/auth/login', padded)).status).toBe(200)
  })

  it('answers unknown routes with 404 JSON and wrong methods with 405 JSON and Allow', async () => {
    for (const path of ['/nope', '/api/nope', '/auth/nope']) {
      const res = await fetch(url + path)
      expect(res.status).toBe(404)
      expect(await body(res)).toMatchObject({ error: 'not_found' })
    }
    const getLogin = await fetch(`${url}/auth/login`)
    expect(getLogin.status).toBe(405)
    expect(getLogin.headers.get('allow')).toBe('POST')
    expect(await body(getLogin)).toMatchObject({ error: 'method_not_allowed' })
    const postMe = await fetch(`${url}/api/me`, { method: 'POST' })
    expect(postMe.status).toBe(405)
    expect(postMe.headers.get('allow')).toBe('GET')
  })

  it('answers malformed HTTP with 400 JSON', async () => {
    const port = new URL(url).port
    const raw = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(port), '127.0.0.1', () => socket.write('NOT HTTP AT ALL\r\n\r\n'))
      let data = ''
      socket.on('data', (chunk) => {
        data += chunk.toString()
      })
      socket.on('end', () => resolve(data))
      socket.on('error', reject)
    })
    expect(raw).toMatch(/^HTTP\/1\.1 400 /)
    expect(raw).toContain('{"error":"bad_request"')
    expect((await fetch(`${url}/.well-known/jwks.json`)).status).toBe(200)
  })
})

describe('extraRoutes', () => {
  it('runs first, can use authenticate(), and a throwing route becomes a 500 JSON', async () => {
    const { auth, device } = await start({
      extraRoutes: async (req, res, url) => {
        if (url.pathname === '/boom') throw new Error('handler bug')
        if (url.pathname !== '/graphql') return false
        const session = await auth.authenticate(req)
        res.writeHead(session ? 200 : 401, { 'content-type': 'application/json' })
        res.end(JSON.stringify({ data: { viewer: session?.user.username ?? null } }))
        return true
      },
    })
    const alice = device()
    const token = await alice.signIn()
    expect(await body(await alice.api('/graphql', token))).toEqual({ data: { viewer: 'alice' } })
    expect((await alice.api('/graphql')).status).toBe(401)

    const boom = await alice.request('/boom')
    expect(boom.status).toBe(500)
    expect(await body(boom)).toEqual({ error: 'server_error', message: 'Internal server error' })
    expect((await alice.api('/api/me', token)).status).toBe(200)
  })
})

describe('staticDir', () => {
  let dir: string
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rjs-static-'))
    await writeFile(join(dir, 'index.html'), '<!doctype html><title>app</title>')
    await writeFile(join(dir, 'app.js'), 'console.log(1)')
  })
  afterAll(() => rm(dir, { recursive: true, force: true }))

  it('serves files, falls back to index.html for app routes, and never leaves the directory', async () => {
    const { url } = await start({ staticDir: dir })
    const script = await fetch(`${url}/app.js`)
    expect(script.status).toBe(200)
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8')
    expect(await script.text()).toBe('console.log(1)')

    for (const path of ['/', '/dashboard/settings']) {
      const page = await fetch(url + path, { headers: { accept: 'text/html' } })
      expect(page.status).toBe(200)
      expect(await page.text()).toContain('<title>app</title>')
    }
    expect((await fetch(`${url}/missing.js`)).status).toBe(404)
    expect((await fetch(`${url}/..%2f..%2fetc%2fpasswd`)).status).toBe(404)
    const api = await fetch(`${url}/api/unknown`, { headers: { accept: 'text/html' } })
    expect(api.status).toBe(404)
    expect(await body(api)).toMatchObject({ error: 'not_found' })
  })
})

describe('log', () => {
  it('reports requests and security events but never a token or cookie value', async () => {
    const lines: string[] = []
    const { device, url } = await start({ log: (line) => lines.push(line) })
    const alice = device()
    const token = await alice.signIn()
    const secrets = [token, alice.get('rjs_refresh') ?? '', alice.get('rjs_fgp') ?? '']
    const stale = alice.get('rjs_refresh') ?? ''
    await alice.refresh()
    secrets.push(alice.get('rjs_refresh') ?? '')
    const thief = new Device(url)
    thief.cookies.set('rjs_refresh', { value: stale, path: '/auth' })
    await thief.refresh()
    await alice.login('alice', 'wrong')
    await alice.api('/api/me', token)

    expect(lines.some((line) => /^POST \/auth\/login 200 \d+ms$/.test(line))).toBe(true)
    expect(lines.some((line) => line.startsWith('refresh token reuse detected'))).toBe(true)
    expect(lines).toContain('login failed for "alice"')
    for (const line of lines) for (const secret of secrets) expect(line).not.toContain(secret)
  })
})

describe('listen / close', () => {
  it('can close and listen again on the same port with sessions intact', async () => {
    const { auth, url, device } = await start()
    const alice = device()
    await alice.signIn()
    await auth.close()
    await expect(fetch(`${url}/.well-known/jwks.json`)).rejects.toThrow()
    await auth.listen(Number(new URL(url).port))
    expect((await alice.refresh()).status).toBe(200)
  })
})
