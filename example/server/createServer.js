// @ts-check
import { createHash, randomUUID, timingSafeEqual } from 'node:crypto'
import { createServer } from 'node:http'
import { errors as joseErrors, jwtVerify, SignJWT } from 'jose'
import { parseCookies, serializeCookie } from './cookies.js'
import { HttpError, readBody, readJsonObject, sendError, sendJson } from './http.js'
import { createSigningKeys } from './keys.js'
import { createLoginLimiter } from './loginLimiter.js'
import { createRefreshTokenStore } from './refreshTokens.js'
import { createStaticHandler } from './staticFiles.js'
import { createUserDirectory, DEMO_USERS } from './users.js'

export const REFRESH_COOKIE = 'rjs_refresh'
export const FINGERPRINT_COOKIE = 'rjs_fgp'

/**
 * @typedef {import('./users.js').UserRecord} UserRecord
 * @typedef {import('./users.js').PublicUser} PublicUser
 * @typedef {import('./refreshTokens.js').Family} Family
 * @typedef {import('node:http').IncomingMessage} Request
 * @typedef {import('node:http').ServerResponse} Response
 * @typedef {(req: Request, res: Response, url: URL) => Promise<void>} Handler
 */

/**
 * @typedef {object} AuthServerOptions
 * @property {number} [accessTtl] access token lifetime in seconds. Default: env `ACCESS_TTL`, else 900
 * @property {number} [refreshTtl] refresh token lifetime in seconds, renewed by every rotation. Default 7 days
 * @property {string} [staticDir] directory served to GET requests, with `index.html` for app routes
 * @property {string} [refreshCookiePath] `Path` of the refresh cookie. Default `/auth`; `/` lets
 *   server-rendered pages see it (SSR with refreshOnServer)
 * @property {(req: Request, res: Response, url: URL) => boolean | Promise<boolean>} [extraRoutes]
 *   called before the built-in routes; return true when it answered the request
 * @property {boolean} [secureCookies] add `Secure` to the cookies (serve over HTTPS). Default false
 * @property {((line: string) => void) | false} [log] request and security-event log. Default console.log
 * @property {() => number} [now] the clock in epoch ms, for tests. Default Date.now
 * @property {number} [reuseInterval] seconds during which an exchanged refresh token may be
 *   exchanged again (a server-rendered page racing a tab, a tab closed mid-refresh) and gets a fresh
 *   token of its family instead of revoking it. Default 0: any reuse revokes the family
 * @property {UserRecord[]} [users] accounts. Default the demo users alice (admin) and bob (member)
 * @property {{ maxFailures?: number, windowSeconds?: number }} [loginRateLimit]
 *   failed logins allowed per username within the window before 429. Default 5 in 300 s
 */

/** @param {string} value */
const sha256Hex = (value) => createHash('sha256').update(value).digest('hex')

/**
 * @param {string} name
 * @param {unknown} value
 */
const positiveSeconds = (name, value) => {
  const seconds = Number(value)
  if (!Number.isFinite(seconds) || seconds <= 0)
    throw new TypeError(`${name} must be a positive number of seconds`)
  return seconds
}

/** @param {string} pathname */
const isAuthOrApi = (pathname) =>
  pathname === '/auth' || pathname.startsWith('/auth/') || pathname === '/api' || pathname.startsWith('/api/')

/**
 * The reference auth server: login, rotating refresh tokens in an HttpOnly cookie with reuse
 * detection, logout and logout-everywhere, a protected API and the JWKS, on plain `node:http`.
 * @param {AuthServerOptions} [options]
 */
export function createAuthServer(options = {}) {
  const now = options.now ?? Date.now
  const accessTtl = positiveSeconds('accessTtl', options.accessTtl ?? process.env.ACCESS_TTL ?? 900)
  const refreshTtl = positiveSeconds('refreshTtl', options.refreshTtl ?? 7 * 24 * 60 * 60)
  const secure = options.secureCookies ?? false
  const refreshPath = options.refreshCookiePath ?? '/auth'
  const log =
    options.log === false
      ? () => {}
      : (options.log ?? ((/** @type {string} */ line) => console.log(`[auth-server] ${line}`)))
  const userRecords = options.users ?? DEMO_USERS

  const keys = createSigningKeys()
  const directory = createUserDirectory(userRecords)
  const reuseInterval = Number(options.reuseInterval ?? 0)
  if (!Number.isFinite(reuseInterval) || reuseInterval < 0)
    throw new TypeError('reuseInterval must be a number of seconds, 0 or more')
  const refreshTokens = createRefreshTokenStore({
    ttlMs: refreshTtl * 1000,
    now,
    reuseIntervalMs: reuseInterval * 1000,
  })
  const limiter = createLoginLimiter({
    maxFailures: options.loginRateLimit?.maxFailures ?? 5,
    windowMs: (options.loginRateLimit?.windowSeconds ?? 300) * 1000,
    now,
  })
  const serveStatic = options.staticDir ? createStaticHandler(options.staticDir) : null
  const stats = {
    logins: 0,
    refreshes: 0,
    reuseDetections: 0,
    reusesAllowed: 0,
    logouts: 0,
    failedLogins: 0,
  }

  // --- cookies and tokens ---

  /** @param {string} token */
  const refreshCookie = (token) =>
    serializeCookie(REFRESH_COOKIE, token, { path: refreshPath, maxAge: refreshTtl, secure })
  /** @param {string} fingerprint */
  const fingerprintCookie = (fingerprint) =>
    serializeCookie(FINGERPRINT_COOKIE, fingerprint, { path: '/', maxAge: refreshTtl, secure })
  const clearCookies = () => [
    serializeCookie(REFRESH_COOKIE, '', { path: refreshPath, maxAge: 0, secure }),
    serializeCookie(FINGERPRINT_COOKIE, '', { path: '/', maxAge: 0, secure }),
  ]

  /**
   * @param {PublicUser} user
   * @param {Family} family
   */
  const signAccessToken = (user, family) => {
    const at = now()
    // `exp` is rounded up, never down, so the token is honoured for at least the `expires_in` the
    // client schedules its refresh by.
    return new SignJWT({
      name: user.name,
      role: user.role,
      fgp: sha256Hex(family.fingerprint),
      sid: family.id,
    })
      .setProtectedHeader({ alg: keys.alg, kid: keys.kid, typ: 'at+jwt' })
      .setSubject(user.id)
      .setIssuedAt(Math.floor(at / 1000))
      .setExpirationTime(Math.ceil((at + accessTtl * 1000) / 1000))
      .setJti(randomUUID())
      .sign(keys.privateKey)
  }

  /**
   * Answers a login or refresh: the access token in the body, the refresh token and the
   * fingerprint in HttpOnly cookies.
   * @param {Response} res
   * @param {PublicUser} user
   * @param {Family} family
   * @param {string} refreshToken
   */
  const sendSession = async (res, user, family, refreshToken) => {
    const accessToken = await signAccessToken(user, family)
    sendJson(
      res,
      200,
      { access_token: accessToken, token_type: 'Bearer', expires_in: accessTtl, user },
      { 'Set-Cookie': [refreshCookie(refreshToken), fingerprintCookie(family.fingerprint)] },
    )
  }

  /**
   * Checks the bearer token (signature, expiry), the fingerprint cookie and that the session was
   * not revoked.
   * @param {Request} req
   * @returns {Promise<{ ok: true, user: PublicUser, claims: import('jose').JWTPayload } | { ok: false, reason: string }>}
   */
  const verifyRequest = async (req) => {
    const match = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/i.exec(req.headers.authorization ?? '')
    if (!match?.[1]) return { ok: false, reason: 'A Bearer access token is required' }
    /** @type {import('jose').JWTPayload} */
    let claims
    try {
      ;({ payload: claims } = await jwtVerify(match[1], keys.publicKey, {
        algorithms: [keys.alg],
        typ: 'at+jwt',
        currentDate: new Date(now()),
        requiredClaims: ['sub', 'exp', 'iat', 'fgp', 'sid'],
      }))
    } catch (error) {
      if (error instanceof joseErrors.JWTExpired) return { ok: false, reason: 'The access token has expired' }
      return { ok: false, reason: 'The access token is not valid' }
    }
    // OWASP token sidejacking defence: a token copied out of the page is useless without the
    // HttpOnly cookie whose hash it carries.
    const fingerprint = parseCookies(req.headers.cookie).get(FINGERPRINT_COOKIE)
    if (!fingerprint) return { ok: false, reason: 'The fingerprint cookie is missing' }
    const expected = Buffer.from(String(claims.fgp))
    const actual = Buffer.from(sha256Hex(fingerprint))
    if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) {
      return { ok: false, reason: 'The fingerprint cookie does not match the access token' }
    }
    // Access tokens of a revoked session stop working at once, not only when they expire, so
    // "sign out everywhere" and a detected reuse take effect immediately.
    if (!refreshTokens.isActive(String(claims.sid))) return { ok: false, reason: 'The session was revoked' }
    const user = directory.byId(String(claims.sub))
    if (!user) return { ok: false, reason: 'The user no longer exists' }
    return { ok: true, user, claims }
  }

  /**
   * @param {Request} req
   * @returns {Promise<{ user: PublicUser, claims: import('jose').JWTPayload }>}
   */
  const requireAuth = async (req) => {
    const result = await verifyRequest(req)
    if (!result.ok) {
      throw new HttpError(401, 'invalid_token', result.reason, {
        'WWW-Authenticate': 'Bearer error="invalid_token"',
      })
    }
    return result
  }

  // --- handlers ---

  /** @type {Handler} */
  const login = async (req, res) => {
    const { username, password } = await readJsonObject(req)
    if (typeof username !== 'string' || typeof password !== 'string' || !username || !password) {
      throw new HttpError(400, 'bad_request', 'username and password must be non-empty strings')
    }
    if (username.length > 256 || password.length > 1024) {
      throw new HttpError(400, 'bad_request', 'username or password is too long')
    }
    const key = username.trim().toLowerCase()
    const retryAfter = limiter.retryAfter(key)
    if (retryAfter > 0) {
      log(`login blocked for ${JSON.stringify(key)}: too many failed attempts`)
      throw new HttpError(
        429,
        'too_many_attempts',
        `Too many failed sign-in attempts. Try again in ${retryAfter} s.`,
        {
          'Retry-After': String(retryAfter),
        },
      )
    }
    // Counted before the password check and cleared on success, so parallel guesses cannot all
    // slip past the limit while their hashes are being computed.
    limiter.fail(key)
    const user = await directory.verify(username, password)
    if (!user) {
      stats.failedLogins += 1
      log(`login failed for ${JSON.stringify(key)}`)
      throw new HttpError(401, 'invalid_credentials', 'Wrong username or password')
    }
    limiter.succeed(key)
    stats.logins += 1
    const { token, family } = refreshTokens.create(user.id)
    await sendSession(res, user, family, token)
  }

  /** @type {Handler} */
  const refresh = async (req, res) => {
    await readBody(req)
    const token = parseCookies(req.headers.cookie).get(REFRESH_COOKIE)
    if (!token) throw new HttpError(401, 'no_refresh_cookie', 'No refresh cookie was sent')
    const result = refreshTokens.rotate(token)
    // Failed refreshes leave the cookies alone: clearing them could wipe the fresh cookie of a
    // sign-in that another tab completed while this request was in flight.
    if (!result.ok) {
      if (result.error === 'token_reused') {
        stats.reuseDetections += 1
        log(`refresh token reuse detected: session of ${JSON.stringify(result.family?.userId)} revoked`)
        throw new HttpError(
          401,
          'token_reused',
          'This refresh token was already used; the session is revoked',
        )
      }
      if (result.error === 'token_revoked')
        throw new HttpError(401, 'token_revoked', 'The session was revoked')
      throw new HttpError(401, 'invalid_grant', 'The refresh token is unknown or expired')
    }
    const user = directory.byId(result.family.userId)
    if (!user) {
      refreshTokens.revoke(result.family, 'revoke_all')
      throw new HttpError(401, 'invalid_grant', 'The user no longer exists')
    }
    stats.refreshes += 1
    if (result.reused) {
      stats.reusesAllowed += 1
      log(`refresh token of ${JSON.stringify(user.id)} replayed within the reuse interval: answered`)
    }
    await sendSession(res, user, result.family, result.token)
  }

  /** @type {Handler} */
  const logout = async (req, res) => {
    await readBody(req)
    stats.logouts += 1
    const token = parseCookies(req.headers.cookie).get(REFRESH_COOKIE)
    const family = token ? refreshTokens.familyOf(token) : null
    if (family) refreshTokens.revoke(family, 'logout')
    sendJson(res, 200, { ok: true }, { 'Set-Cookie': clearCookies() })
  }

  /** @type {Handler} */
  const logoutAll = async (req, res) => {
    await readBody(req)
    stats.logouts += 1
    const token = parseCookies(req.headers.cookie).get(REFRESH_COOKIE)
    // Any refresh token of the user identifies them, even a used one: the request only ever takes
    // access away. Without a cookie, a valid access token will do.
    let userId = (token && refreshTokens.familyOf(token)?.userId) || null
    if (!userId) {
      const verified = await verifyRequest(req)
      if (verified.ok) userId = verified.user.id
    }
    const revoked = userId ? refreshTokens.revokeAll('logout_all', userId) : 0
    if (userId) log(`signed out everywhere: ${revoked} session(s) of ${JSON.stringify(userId)} revoked`)
    sendJson(res, 200, { ok: true, revoked }, { 'Set-Cookie': clearCookies() })
  }

  /** @type {Handler} */
  const me = async (req, res) => {
    const { user } = await requireAuth(req)
    sendJson(res, 200, { user })
  }

  /** @type {Handler} */
  const items = async (req, res) => {
    const { user } = await requireAuth(req)
    sendJson(res, 200, { items: directory.itemsOf(user.id) })
  }

  /** @type {Handler} */
  const jwks = async (_req, res) => {
    sendJson(res, 200, { keys: [keys.publicJwk] }, { 'Cache-Control': 'public, max-age=300' })
  }

  /** @type {Map<string, Record<string, Handler>>} */
  const routes = new Map([
    ['/auth/login', { POST: login }],
    ['/auth/refresh', { POST: refresh }],
    ['/auth/logout', { POST: logout }],
    ['/auth/logout-all', { POST: logoutAll }],
    ['/api/me', { GET: me }],
    ['/api/items', { GET: items }],
    ['/.well-known/jwks.json', { GET: jwks }],
  ])

  /**
   * @param {Request} req
   * @param {Response} res
   */
  const handle = async (req, res) => {
    const started = performance.now()
    const method = req.method ?? 'GET'
    /** @type {URL} */
    let url
    try {
      url = new URL(req.url ?? '/', 'http://localhost')
    } catch {
      sendError(res, 400, 'bad_request', 'Malformed request URL')
      return
    }
    // Only the path is logged: nothing here ever carries a token in the query, but nothing should.
    res.on('finish', () =>
      log(`${method} ${url.pathname} ${res.statusCode} ${Math.round(performance.now() - started)}ms`),
    )
    res.setHeader('X-Content-Type-Options', 'nosniff')
    try {
      if (options.extraRoutes && (await options.extraRoutes(req, res, url))) return
      const route = routes.get(url.pathname)
      if (isAuthOrApi(url.pathname)) res.setHeader('Cache-Control', 'no-store')
      if (route) {
        const handler = route[method]
        if (!handler) {
          throw new HttpError(405, 'method_not_allowed', `${method} is not allowed on ${url.pathname}`, {
            Allow: Object.keys(route).join(', '),
          })
        }
        await handler(req, res, url)
        return
      }
      if (serveStatic && !isAuthOrApi(url.pathname) && (await serveStatic(req, res, url))) return
      throw new HttpError(404, 'not_found', `No route for ${method} ${url.pathname.slice(0, 200)}`)
    } catch (error) {
      if (res.headersSent) {
        res.destroy()
        return
      }
      if (error instanceof HttpError) {
        // An oversized body may still be arriving; close the connection instead of reading it all.
        const close = error.status === 413 ? { Connection: 'close' } : {}
        sendError(res, error.status, error.code, error.message, { ...error.headers, ...close })
        return
      }
      log(
        `error in ${method} ${url.pathname}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
      )
      sendError(res, 500, 'server_error', 'Internal server error')
    }
  }

  /**
   * @param {Request} req
   * @param {Response} res
   */
  const answer = (req, res) => {
    handle(req, res).catch(() => res.destroy())
  }
  const server = createServer(answer)
  server.on('clientError', (error, socket) => {
    if (!socket.writable || /** @type {NodeJS.ErrnoException} */ (error).code === 'ECONNRESET') {
      socket.destroy()
      return
    }
    const body = JSON.stringify({ error: 'bad_request', message: 'Malformed HTTP request' })
    socket.end(
      `HTTP/1.1 400 Bad Request\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    )
  })

  return {
    server,
    /**
     * Answers one request exactly as the server does, for mounting the auth routes in another Node
     * server on the same origin (a framework's custom server).
     */
    handle: answer,
    /**
     * Starts listening. Port 0 (the default) picks a free port. Can be called again after `close()`.
     * @param {number} [port]
     * @param {string} [host]
     * @returns {Promise<{ url: string }>}
     */
    listen(port = 0, host = '127.0.0.1') {
      return new Promise((resolve, reject) => {
        server.once('error', reject)
        server.listen(port, host, () => {
          server.off('error', reject)
          const address = /** @type {import('node:net').AddressInfo} */ (server.address())
          const shown = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host
          resolve({ url: `http://${shown.includes(':') ? `[${shown}]` : shown}:${address.port}` })
        })
      })
    },
    /**
     * Stops listening and drops open connections. Sessions, users and keys survive, so `listen`
     * again resumes the same server.
     * @returns {Promise<void>}
     */
    close() {
      return new Promise((resolve, reject) => {
        if (!server.listening) {
          resolve()
          return
        }
        server.close((error) => (error ? reject(error) : resolve()))
        server.closeAllConnections()
      })
    },
    stats,
    users: userRecords.map((record) => ({
      id: record.id ?? record.username,
      username: record.username,
      password: record.password,
      name: record.name ?? record.username,
      role: record.role ?? 'member',
    })),
    /** Revokes every session (every refresh token family). Returns how many were live. */
    revokeAll: () => refreshTokens.revokeAll('revoke_all'),
    keys,
    /**
     * For routes added with `extraRoutes` (a /graphql endpoint, an SSR page): the signed-in user
     * of a request, checked exactly like `/api/*`, or null.
     * @param {Request} req
     */
    async authenticate(req) {
      const result = await verifyRequest(req)
      return result.ok ? { user: result.user, claims: result.claims } : null
    },
  }
}
