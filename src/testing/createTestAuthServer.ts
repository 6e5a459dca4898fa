import { decodeToken } from '../core/decodeToken'
import { errorForStatus } from '../core/httpCodec'
import type { AuthTransport, Credentials, JwtPayload, TokenResponse } from '../core/types'
import { createTestToken } from './createTestToken'
import { compileRoutes, matchRoute, type TestRoutes, toResponse } from './testRoutes'

/** A failure the server produces on demand, for the next auth calls. */
export type TestFault = 'network' | 'timeout' | '500' | '503' | '429' | 'html' | 'hang' | 'slow'

export interface TestFaultOptions {
  /**
   * The `Retry-After` (seconds) a `429` or `503` answer carries; `null` sends none. It reaches the client as
   * `AuthError.retryAfter`.
   * @default 60 for a 429 (a rate limiter says when to come back), none for a 503
   */
  retryAfter?: number | null
}

export interface TestUser {
  username: string
  password: string
  /** Further claims put in the access token (and the `user` object), e.g. `sub`, `name`, `role`. */
  [claim: string]: unknown
}

export interface TestAuthServerOptions {
  /** Access-token lifetime in seconds. @default 900 */
  accessTtl?: number
  /** @default one user: `{ username: 'ada', password: 'lovelace', sub: 'user-ada', name: 'Ada Lovelace' }` */
  users?: TestUser[]
  /** The server's clock, epoch ms (may differ from the client's). @default Date.now */
  now?: () => number
  /** How long each answer takes, in ms (timers). @default 0: answers on a later microtask */
  latency?: number
  /**
   * How long a `slow` fault delays the answer, in ms. The call is processed at once (a refresh rotates the
   * token); only the answer is late, and a client that stops waiting never gets its cookie.
   * @default 3_000
   */
  slowDelay?: number
  /**
   * The app's API, answered by `server.fetch`: `'METHOD /path'` → a handler that gets `{ request, user, claims,
   * params }` and returns a `Response` or a JSON body. A route answers `401` without a valid Bearer token
   * unless it is declared `{ public: true, handler }`. An `/api/*` call no route matches gets the built-in
   * answer: `401` without a valid token, else `200` with `{ ok, path, method, user }` (and `echo`, the
   * request body, for other methods than GET and HEAD). Anything else no route matches: `404`.
   * @default {}
   * @example
   * routes: { 'GET /api/items': ({ user }) => ({ items: [{ id: 1, owner: user?.name }] }) }
   */
  routes?: TestRoutes
  /**
   * The origin the server stands for: `server.fetch` resolves relative URLs against it (so `/api/items`
   * works outside a browser), and `createTestAuthClient(server)` lets the client send the token to it.
   * Requests are answered by path whatever their host.
   * @default the page's origin where there is one (jsdom: `http://localhost:3000`), else `'http://localhost'`
   */
  origin?: string
}

export interface TestAuthServerStats {
  logins: number
  failedLogins: number
  refreshes: number
  /** Refresh tokens presented a second time: each one revoked its whole family. */
  reuseDetections: number
  logouts: number
  apiRequests: number
}

export interface RecordedRequest {
  method: string
  path: string
  credentials: RequestCredentials | undefined
  /** Whether an `Authorization: Bearer` header was sent (the token itself is not recorded). */
  bearer: boolean
}

export interface TestAuthServer {
  /**
   * The auth calls only (login, refresh, logout), as the client's `transport`. `client.fetch` then still
   * goes through the global `fetch`, which cannot reach this server: use `fetch` (or
   * `createTestAuthClient(server)`) for an app that calls its API through `client.fetch`.
   */
  transport: AuthTransport
  /**
   * A `fetch` that answers the default auth endpoints (`/auth/login`, `/auth/refresh`, `/auth/logout`,
   * `/auth/logout-all`), the `routes` and `/api/*`, with relative URLs resolved against `origin`. As the
   * client's `fetch` it carries both the auth calls and `client.fetch`; add `apiOrigins: [server.origin]`
   * for absolute URLs outside a page of that origin (`createTestAuthClient(server)` does both).
   */
  fetch: typeof fetch
  /** The origin relative URLs are resolved against (see the `origin` option). */
  readonly origin: string
  readonly stats: TestAuthServerStats
  /** Every call made through `fetch`, in order. */
  readonly requests: RecordedRequest[]
  /** Whether the "browser" currently holds a refresh cookie. */
  readonly hasCookie: boolean
  /** The next `times` auth calls (login, refresh, logout) fail this way. */
  fail(kind: TestFault, times?: number, options?: TestFaultOptions): void
  /** Revokes every refresh token: the next refresh is refused (signed out everywhere). */
  revoke(): void
  /** Every access token issued so far is rejected by `/api/*` from now on, as if expired. */
  expireTokens(): void
  /**
   * Gives the "browser" a refresh cookie for a user, as if it had signed in on an earlier visit: a client
   * started now restores that session with one refresh. Returns the token answer of that sign-in, which a
   * client can also take as its `initialSession` to start signed in without the refresh.
   */
  signIn(username?: string): TokenResponse
  /** Drops the refresh cookie, as if the browser had lost it. */
  clearCookie(): void
}

interface Family {
  user: TestUser
  revoked: boolean
}

interface Answer {
  status: number
  body: unknown
  /** The refresh cookie the "browser" holds after this answer; `null` clears it, `undefined` keeps it. */
  cookie?: string | null
  /** The `Retry-After` header of this answer, in seconds. */
  retryAfter?: number
}

type Route = 'login' | 'refresh' | 'logout' | 'logout-all'

const defaultUsers: TestUser[] = [
  { username: 'ada', password: 'lovelace', sub: 'user-ada', name: 'Ada Lovelace' },
]

const publicUser = ({ password: _password, ...user }: TestUser) => user

const pageOrigin = () => {
  const origin = typeof location === 'undefined' ? undefined : location.origin
  return origin === undefined || origin === 'null' ? undefined : origin
}

const unauthorized = () =>
  json(401, { error: 'invalid_token' }, { 'WWW-Authenticate': 'Bearer error="invalid_token"' })

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(body === undefined ? null : JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json', ...headers },
  })

const abortError = () => new DOMException('The operation was aborted.', 'AbortError')

/**
 * An in-memory auth server for tests and stories. It is strict: each refresh token works once, and
 * presenting one again revokes its whole family and is counted. Like a browser, it reads the refresh cookie
 * when a request is sent and stores the new one when the answer arrives, so two overlapping refreshes replay
 * a token exactly as two real tabs would.
 *
 * @example
 * const server = createTestAuthServer({ accessTtl: 60, routes: { 'GET /api/items': ({ user }) => [user?.name] } })
 * const client = createTestAuthClient(server) // fetch: server.fetch, apiOrigins: [server.origin]
 * await client.login({ username: 'ada', password: 'lovelace' })
 * await client.fetch('/api/items') // with the Bearer token, answered by the route
 * expect(server.stats.reuseDetections).toBe(0)
 */
export function createTestAuthServer(options: TestAuthServerOptions = {}): TestAuthServer {
  const accessTtl = options.accessTtl ?? 900
  const users = options.users ?? defaultUsers
  const routes = compileRoutes(options.routes)
  const origin = new URL(options.origin ?? pageOrigin() ?? 'http://localhost').origin
  const now = options.now ?? Date.now
  const stats: TestAuthServerStats = {
    logins: 0,
    failedLogins: 0,
    refreshes: 0,
    reuseDetections: 0,
    logouts: 0,
    apiRequests: 0,
  }
  const requests: RecordedRequest[] = []
  const refreshTokens = new Map<string, { family: Family; used: boolean }>()
  const families = new Set<Family>()
  const accessTokens = new Map<string, { user: TestUser; expiresAt: number; expired: boolean }>()
  const faults: Array<{ kind: TestFault; retryAfter: number | null }> = []
  let jar: string | null = null
  let sequence = 0

  const delay = (ms: number, signal?: AbortSignal | null) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(abortError())
      const timer = setTimeout(resolve, ms)
      signal?.addEventListener('abort', () => {
        clearTimeout(timer)
        reject(abortError())
      })
    })

  function issue(family: Family): Answer {
    sequence += 1
    const refreshToken = `rt-${sequence}-${Math.random().toString(36).slice(2)}`
    refreshTokens.set(refreshToken, { family, used: false })
    const { username: _username, password: _password, ...claims } = family.user
    const accessToken = createTestToken(
      { ...claims, jti: `at-${sequence}` },
      { expiresIn: accessTtl, now: now() },
    )
    accessTokens.set(accessToken, { user: family.user, expiresAt: now() + accessTtl * 1000, expired: false })
    return {
      status: 200,
      body: {
        access_token: accessToken,
        token_type: 'Bearer',
        expires_in: accessTtl,
        user: publicUser(family.user),
      },
      cookie: refreshToken,
    }
  }

  function startFamily(user: TestUser): Family {
    const family = { user, revoked: false }
    families.add(family)
    return family
  }

  function answer(route: Route, body: unknown, cookie: string | null): Answer {
    switch (route) {
      case 'login': {
        const { username, password } = (body ?? {}) as Credentials
        if (typeof username !== 'string' || typeof password !== 'string') {
          return {
            status: 400,
            body: { error: 'bad_request', message: 'username and password are required' },
          }
        }
        const user = users.find((u) => u.username === username && u.password === password)
        if (!user) {
          stats.failedLogins += 1
          return { status: 401, body: { error: 'invalid_credentials' } }
        }
        stats.logins += 1
        return issue(startFamily(user))
      }
      case 'refresh': {
        if (cookie === null) return { status: 401, body: { error: 'no_refresh_cookie' } }
        const record = refreshTokens.get(cookie)
        if (!record) return { status: 401, body: { error: 'invalid_grant' } }
        if (record.family.revoked) return { status: 401, body: { error: 'token_revoked' } }
        if (record.used) {
          stats.reuseDetections += 1
          record.family.revoked = true
          return { status: 401, body: { error: 'token_reused' } }
        }
        record.used = true
        stats.refreshes += 1
        return issue(record.family)
      }
      case 'logout':
      case 'logout-all': {
        stats.logouts += 1
        const family = cookie === null ? undefined : refreshTokens.get(cookie)?.family
        if (family) family.revoked = true
        if (family && route === 'logout-all') {
          for (const other of families) if (other.user === family.user) other.revoked = true
        }
        return { status: 200, body: { ok: true }, cookie: null }
      }
    }
  }

  /** One auth call: the cookie is read at send, the answer (and its cookie) lands after the latency. */
  async function exchange(route: Route, body: unknown, sendCookie: boolean, signal?: AbortSignal | null) {
    const cookie = sendCookie ? jar : null
    const { kind: fault, retryAfter } = faults.shift() ?? {}
    if (options.latency) await delay(options.latency, signal)
    else await Promise.resolve()
    switch (fault) {
      case 'network':
        throw new TypeError('Failed to fetch')
      case 'timeout':
        throw new DOMException('The operation timed out.', 'TimeoutError')
      case 'hang':
        // Never answers, only an abort ends it: a long timer would answer once a test runs all timers.
        await new Promise<never>((_resolve, reject) => {
          if (signal?.aborted) reject(abortError())
          signal?.addEventListener('abort', () => reject(abortError()))
        })
        break
      case 'slow': {
        // The server does its work at once and the answer is slow on the way back, as on a congested network:
        // a refresh the client gives up on has still rotated the token, and the cookie that would have
        // replaced it never reaches the browser, so the next refresh replays the old one (reuse detection).
        const late = answer(route, body, cookie)
        await delay(options.slowDelay ?? 3_000, signal)
        if (sendCookie && late.cookie !== undefined) jar = late.cookie
        return late
      }
      case '500':
      case '503':
      case '429':
        return {
          status: Number(fault),
          body: { error: 'unavailable' },
          ...(fault !== '500' && typeof retryAfter === 'number' ? { retryAfter } : {}),
        } satisfies Answer
      case 'html':
        return { status: 200, body: '<!doctype html><title>Maintenance</title><h1>Back soon</h1>' }
    }
    const result = answer(route, body, cookie)
    // Like the cookie it sends, a browser stores the answer's cookie only for a credentialed request.
    if (sendCookie && result.cookie !== undefined) jar = result.cookie
    return result
  }

  const unwrap = (call: 'login' | 'refresh' | 'logout', result: Answer): TokenResponse => {
    if (result.status >= 400) throw errorForStatus(result.status, call, result.body, result.retryAfter)
    return result.body
  }

  // The client's signal is honoured, as by fetch: an aborted call never lands its answer (or its cookie).
  const transport: AuthTransport = {
    login: async (credentials, context) =>
      unwrap('login', await exchange('login', credentials, true, context?.signal)),
    refresh: async (context) =>
      unwrap('refresh', await exchange('refresh', undefined, true, context?.signal)),
    logout: async ({ everywhere }, context) =>
      unwrap(
        'logout',
        await exchange(everywhere ? 'logout-all' : 'logout', undefined, true, context?.signal),
      ),
  }

  const bearerOf = (header: string | null) => header?.match(/^Bearer (.+)$/)?.[1]

  function authorize(token: string | undefined): TestUser | null {
    const record = token === undefined ? undefined : accessTokens.get(token)
    if (!record || record.expired || record.expiresAt <= now()) return null
    return record.user
  }

  const fetchImpl = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const request = input instanceof Request ? input : undefined
    const url = new URL(
      input instanceof URL ? input.href : typeof input === 'string' ? input : input.url,
      origin,
    )
    const path = url.pathname
    const method = (init?.method ?? request?.method ?? 'GET').toUpperCase()
    const headers = new Headers(init?.headers ?? request?.headers)
    const credentials = init?.credentials ?? request?.credentials
    const signal = init?.signal ?? request?.signal
    requests.push({
      method,
      path,
      credentials,
      bearer: /^Bearer /.test(headers.get('Authorization') ?? ''),
    })

    const route = path.match(/^\/auth\/(login|refresh|logout|logout-all)$/)?.[1] as Route | undefined
    if (route) {
      if (method !== 'POST') return json(405, { error: 'method_not_allowed' })
      const text =
        init?.body !== undefined && init.body !== null
          ? String(init.body)
          : request
            ? await request.text()
            : ''
      let body: unknown
      try {
        body = text === '' ? {} : JSON.parse(text)
      } catch {
        return json(400, { error: 'bad_request', message: 'malformed JSON' })
      }
      // Like a browser talking to another origin: the cookie goes only with credentials: 'include'.
      const result = await exchange(route, body, credentials === 'include', signal)
      if (typeof result.body === 'string') {
        return new Response(result.body, { status: result.status, headers: { 'Content-Type': 'text/html' } })
      }
      const retryAfter = result.retryAfter === undefined ? {} : { 'Retry-After': String(result.retryAfter) }
      return json(result.status, result.body, { 'Cache-Control': 'no-store', ...retryAfter })
    }
    let matched: ReturnType<typeof matchRoute>
    try {
      matched = matchRoute(routes, method, path)
    } catch {
      // A `:name` segment that is not valid percent-encoding (`/api/items/%E0%A4%A`): a real server says 400.
      return json(400, { error: 'bad_request', message: 'malformed percent-encoding in the path' })
    }
    if (matched || path.startsWith('/api/')) {
      stats.apiRequests += 1
      if (options.latency) await delay(options.latency, signal)
      else await Promise.resolve()
      const token = bearerOf(headers.get('Authorization'))
      const user = authorize(token)
      if (matched) {
        if (!user && !matched.isPublic) return unauthorized()
        // Without the signal: jsdom's AbortSignal is not the one Node's Request accepts.
        const { signal: _signal, ...rest } = init ?? {}
        const body =
          rest.body ??
          (request && method !== 'GET' && method !== 'HEAD' ? await request.clone().text() : undefined)
        const routed = new Request(url, {
          method,
          headers,
          ...(body === undefined || body === null ? {} : { body }),
          ...(credentials === undefined ? {} : { credentials }),
        })
        const claims =
          user && token !== undefined ? decodeToken<JwtPayload & Record<string, unknown>>(token) : null
        return toResponse(
          await matched.handler({
            request: routed,
            user: user && publicUser(user),
            claims,
            params: matched.params,
          }),
        )
      }
      if (!user) return unauthorized()
      const echo =
        method === 'GET' || method === 'HEAD'
          ? undefined
          : await new Response(init?.body ?? request?.body).text()
      return json(200, {
        ok: true,
        path,
        method,
        user: publicUser(user),
        ...(echo === undefined ? {} : { echo }),
      })
    }
    return json(404, { error: 'not_found' })
  }

  return {
    transport,
    fetch: fetchImpl as typeof fetch,
    origin,
    stats,
    requests,
    get hasCookie() {
      return jar !== null
    },
    fail(kind, times = 1, { retryAfter = kind === '429' ? 60 : null } = {}) {
      for (let i = 0; i < times; i += 1) faults.push({ kind, retryAfter })
    },
    revoke() {
      for (const family of families) family.revoked = true
    },
    expireTokens() {
      for (const record of accessTokens.values()) record.expired = true
    },
    signIn(username) {
      const user = username === undefined ? users[0] : users.find((u) => u.username === username)
      if (!user) throw new Error(`createTestAuthServer: no user named ${String(username)}`)
      const answer = issue(startFamily(user))
      jar = answer.cookie ?? null
      return answer.body
    },
    clearCookie() {
      jar = null
    },
  }
}
