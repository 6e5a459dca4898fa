import { AuthError } from '../core/AuthError'
import { deepEqual } from '../core/createSession'
import { withTimeout } from '../core/timers'
import { createOriginCheck } from './checkOrigin'
import {
  createRefreshFlights,
  type Rotation,
  SessionEndedError,
  StoreUnavailableError,
} from './createRefreshFlights'
import { checkSecrets, createSealer, randomId } from './createSealer'
import { failure, failureAnswer, type GatewayFailure, jsonAnswer, upstreamFailure } from './gatewayAnswers'
import type { GatewayKit } from './gatewayKit'
import { readJsonBody } from './readJsonBody'
import { handleRedirectRoute } from './redirectRoutes'
import { requestUrl } from './requestUrl'
import { createSessionCookie, DEFAULT_MAX_AGE, SessionTooLargeError } from './sessionCookie'
import type { SessionGateway, SessionGatewayOptions } from './sessionGatewayOptions'
import { claimsOf, type GatewaySession, sessionBody, toTokenAnswer } from './tokenAnswer'
import type { SealedExtras, UpstreamAdapter, UpstreamContext, UpstreamTokens } from './types'

/** What the sealed cookie holds. Short keys: it travels with every request. */
interface CookiePayload {
  /** The upstream refresh token. */
  r: string
  /** The flight id (see createRefreshFlights). */
  f: string
  /** The flight id of the cookie this one replaced, so a logout also ends that one's reuse interval. */
  p?: string
  /** The OpenID Connect ID token. */
  i?: string
  /** The user the upstream gave at login, for refresh answers without one. */
  u?: unknown
}

const POST_ROUTES = new Set(['login', 'refresh', 'logout', 'logout-all'])

/** A bug in the gateway, an adapter or the redirect routes: a 500 that says nothing of it. */
const crashed = () => failure(500, 'server_error', 'The gateway failed to answer. Try again.')

const isPayload = (value: unknown): value is CookiePayload =>
  value !== null &&
  typeof value === 'object' &&
  typeof (value as CookiePayload).r === 'string' &&
  typeof (value as CookiePayload).f === 'string'

const positive = (value: unknown): value is number =>
  typeof value === 'number' && Number.isFinite(value) && value > 0

class Failed extends Error {
  constructor(
    readonly failure: GatewayFailure,
    /** A rotated cookie the failed answer must still set. */
    readonly rotated?: { cookie: string; maxAge: number },
  ) {
    super(failure.message)
  }
}

/**
 * The session gateway: the token-mediating backend of the IETF "OAuth 2.0 for Browser-Based
 * Applications" draft, as one Fetch-API handler on the app's own origin. It signs in and renews against the
 * upstream, keeps the upstream's refresh token sealed in a first-party HttpOnly cookie, and answers the browser
 * in the client's default shape.
 *
 * @example
 * const gateway = createSessionGateway({ upstream: simplejwt({ url }), secret: process.env.SESSION_SECRET! })
 * export const POST = (request: Request) => gateway.handle(request)
 */
export function createSessionGateway(options: SessionGatewayOptions): SessionGateway {
  if (options === null || typeof options !== 'object' || !options.upstream) {
    throw new TypeError(
      'createSessionGateway needs an `upstream`: a preset such as simplejwt({ url }) or an adapter with login and refresh.',
    )
  }
  const secrets = checkSecrets(options.secret)
  const { upstream, getUser, onError } = options
  const now = options.now ?? Date.now
  const basePath = `/${(options.basePath ?? '/auth').replace(/^\/+|\/+$/g, '')}`.replace(/^\/$/, '')
  const timeout = options.timeout ?? 10_000
  const reuseInterval = options.reuseInterval ?? 10
  if (!(timeout > 0)) throw new TypeError('timeout must be a positive number of ms.')
  if (!(reuseInterval >= 0)) throw new TypeError('reuseInterval must be 0 or a positive number of seconds.')
  if (options.cookie?.maxAge !== undefined && !positive(options.cookie.maxAge)) {
    throw new TypeError('cookie.maxAge must be a positive number of seconds.')
  }
  const cookie = createSessionCookie(options.cookie)
  const sealer = createSealer(secrets, now)
  const origins = createOriginCheck(options.origin, options.origins)
  const flights = createRefreshFlights({ reuseInterval, timeout, store: options.store, sealer, now })

  /**
   * Seconds the new cookie lives: the app's `maxAge` (30 days by default) capped by the refresh token's own
   * lifetime, where the upstream says it (`refresh_expires_in`) or the token is a JWT (SimpleJWT's is).
   */
  const cookieMaxAge = (tokens: UpstreamTokens) => {
    const configured = options.cookie?.maxAge ?? DEFAULT_MAX_AGE
    let lifetime = tokens.refreshExpiresIn
    if (!positive(lifetime) && typeof tokens.refreshToken === 'string') {
      const claims = claimsOf(tokens.refreshToken)
      if (typeof claims?.exp === 'number') {
        lifetime = typeof claims.iat === 'number' ? claims.exp - claims.iat : claims.exp - now() / 1000
      }
    }
    return Math.max(1, Math.floor(positive(lifetime) ? Math.min(lifetime, configured) : configured))
  }

  const report = (route: string, failed: GatewayFailure, request?: Request) => {
    // A refresh without any cookie is a visitor who never signed in (the client asks on every page load):
    // not an error worth a log line.
    if (!onError || (request && route !== 'login' && failed.status === 401 && !cookie.present(request)))
      return
    try {
      onError({ route, status: failed.status, error: failed.error, message: failed.message })
    } catch {
      // The app's logger must not turn an answer into a crash.
    }
  }

  function callUpstream<T>(
    request: Request,
    call: (ctx: UpstreamContext) => Promise<T>,
    session?: SealedExtras,
  ) {
    return withTimeout(
      (signal) =>
        call({
          fetch: options.fetch ?? globalThis.fetch,
          signal,
          request,
          origin: origins.appOrigin(request),
          basePath,
          ...(session ? { session } : {}),
        }),
      timeout,
      () => new AuthError('timeout'),
    )
  }

  function failureFor(thrown: unknown, call: 'login' | 'refresh' | 'logout'): GatewayFailure {
    if (thrown instanceof Failed) return thrown.failure
    if (thrown instanceof SessionTooLargeError) {
      return failure(500, 'session_too_large', thrown.message, call !== 'login')
    }
    if (thrown instanceof SessionEndedError) {
      return failure(401, 'invalid_grant', 'The session was signed out. Sign in again.', true)
    }
    if (thrown instanceof StoreUnavailableError) {
      return failure(
        503,
        'upstream_unavailable',
        'The session store could not be reached. The session is kept; try again.',
      )
    }
    return upstreamFailure(thrown, call)
  }

  async function sealCookie(payload: CookiePayload, maxAge: number) {
    const sealed = await sealer.seal(payload, cookie.name, maxAge)
    // Checked here to fail early when it does not fit, before anything is answered or shared.
    cookie.assertFits(sealed)
    return sealed
  }

  const extrasOf = (tokens: UpstreamTokens, kept?: CookiePayload): Pick<CookiePayload, 'i' | 'u'> => {
    const extras: Pick<CookiePayload, 'i' | 'u'> = {}
    const idToken = tokens.idToken ?? kept?.i
    if (typeof idToken === 'string') extras.i = idToken
    const user = tokens.user ?? kept?.u
    if (user !== undefined) extras.u = user
    return extras
  }

  async function establishSession(tokens: UpstreamTokens, request: Request) {
    const answer = toTokenAnswer(tokens, now(), getUser)
    if (typeof tokens.refreshToken !== 'string' || tokens.refreshToken === '') {
      throw new Failed(
        failure(
          502,
          'bad_response',
          'The auth server answered without a refresh token, so the session could not be kept. Check that the upstream issues refresh tokens (e.g. the offline_access scope).',
        ),
      )
    }
    const maxAge = cookieMaxAge(tokens)
    const payload: CookiePayload = { r: tokens.refreshToken, f: randomId(), ...extrasOf(tokens) }
    const sealed = await sealCookie(payload, maxAge)
    return { body: sessionBody(answer, now()), setCookie: cookie.write(sealed, maxAge, request) }
  }

  /** One upstream refresh for the token in `payload`: the rotation every presenter of it shares. */
  async function rotate(
    request: Request,
    payload: CookiePayload,
    sealedWithCurrent: boolean,
    sealExpiresAt: number,
  ): Promise<Rotation> {
    const tokens = await callUpstream(request, (ctx) => upstream.refresh(payload.r, ctx), {
      idToken: payload.i,
      user: payload.u,
    })
    const next =
      typeof tokens?.refreshToken === 'string' && tokens.refreshToken !== '' ? tokens.refreshToken : null
    if (next !== null && next !== payload.r) {
      const maxAge = cookieMaxAge(tokens)
      const extras = extrasOf(tokens, payload)
      const sealed = await sealCookie({ r: next, f: randomId(), p: payload.f, ...extras }, maxAge)
      try {
        return { answer: toTokenAnswer(tokens, now(), getUser, payload.u), cookie: sealed, maxAge }
      } catch (error) {
        // The upstream rotated (the old token is spent) but its access token is unusable: the answer is an error,
        // and it still carries the new cookie, or the next refresh would present a spent token and end the session.
        throw new Failed(failureFor(error, 'refresh'), { cookie: sealed, maxAge })
      }
    }
    const answer = toTokenAnswer(tokens, now(), getUser, payload.u)
    const extras = extrasOf(tokens, payload)
    const changed =
      extras.i !== payload.i || (tokens.user !== undefined && !deepEqual(tokens.user, payload.u))
    if (sealedWithCurrent && !changed) return { answer, cookie: null, maxAge: 0 }
    // Not rotated, but sealed with a previous secret (or carrying a new ID token): the same token, sealed anew,
    // with the same flight id and what is left of its lifetime.
    const maxAge = Math.max(1, sealExpiresAt - Math.floor(now() / 1000))
    const sealed = await sealCookie({ ...payload, ...extras }, maxAge)
    return { answer, cookie: sealed, maxAge }
  }

  async function openCookie(request: Request) {
    const sealed = cookie.read(request)
    if (sealed === null) return null
    const opened = await sealer.open<CookiePayload>(sealed, cookie.name)
    return opened && isPayload(opened.value) ? opened : undefined
  }

  const ended = () => failure(401, 'invalid_grant', 'There is no valid session cookie. Sign in again.', true)

  /** The refresh behind `/refresh` and `session()`: the page-safe body and the cookie lines, or a failure. */
  async function refresh(
    request: Request,
  ): Promise<
    | { ok: true; body: GatewaySession; setCookie: string[] }
    | { ok: false; failure: GatewayFailure; setCookie?: string[] }
  > {
    const opened = await openCookie(request)
    if (opened === null) return { ok: false, failure: { ...ended(), clearCookie: cookie.present(request) } }
    if (!opened) return { ok: false, failure: ended() }
    try {
      const { value, current, expiresAt } = opened
      const rotation = await flights.run(value.f, () => rotate(request, value, current, expiresAt))
      const setCookie =
        rotation.cookie === null ? [] : cookie.write(rotation.cookie, rotation.maxAge, request)
      const body = sessionBody(rotation.answer, now())
      // A reused answer whose access token ran out meanwhile: nothing valid to give.
      if (body.expires_in <= 0) return { ok: false, failure: ended() }
      return { ok: true, body, setCookie }
    } catch (thrown) {
      const failed = failureFor(thrown, 'refresh')
      if (thrown instanceof Failed && thrown.rotated) {
        const { cookie: value, maxAge } = thrown.rotated
        return {
          ok: false,
          failure: { ...failed, clearCookie: false },
          setCookie: cookie.write(value, maxAge, request),
        }
      }
      return { ok: false, failure: failed }
    }
  }

  const answerFailure = (
    route: string,
    failed: GatewayFailure,
    request: Request,
    headers?: Record<string, string>,
  ) => {
    report(route, failed, request)
    return failureAnswer(failed, failed.clearCookie ? cookie.clear(request) : [], headers)
  }

  async function login(request: Request): Promise<Response> {
    // A redirect preset has no password grant: say so to the developer who posted a form to it.
    if (typeof upstream.authorize === 'function') {
      const failed = failure(
        405,
        'method_not_allowed',
        `This upstream signs in by redirect: send the browser to GET ${basePath}/login?returnTo=/path.`,
      )
      return answerFailure('login', failed, request, { Allow: 'GET' })
    }
    const read = await readJsonBody(request)
    if (!read.ok) {
      const failed =
        read.problem === 'too_large'
          ? failure(413, 'bad_request', 'The sign-in body is too large.')
          : failure(400, 'bad_request', 'The sign-in body must be a JSON object of credentials.')
      return answerFailure('login', failed, request)
    }
    try {
      const tokens = await callUpstream(request, (ctx) => upstream.login(read.value, ctx))
      const { body, setCookie } = await establishSession(tokens, request)
      return jsonAnswer(200, body, setCookie)
    } catch (thrown) {
      return answerFailure('login', failureFor(thrown, 'login'), request)
    }
  }

  async function logout(request: Request, everywhere: boolean): Promise<Response> {
    const route = everywhere ? 'logout-all' : 'logout'
    if (!cookie.present(request)) return jsonAnswer(204, undefined)
    const cleared = cookie.clear(request)
    const opened = await openCookie(request)
    if (!opened) return jsonAnswer(204, undefined, cleared)
    // First, so that no refresh with this cookie (or the one it replaced) gets an answer from now on, not even a
    // reused one. A refresh already in flight is waited for: its new refresh token is then the one to revoke, or
    // its answer, arriving after this one, would leave the browser a valid cookie after the logout.
    const rotation = await flights.end(opened.value.p ? [opened.value.f, opened.value.p] : [opened.value.f])
    const newer = rotation?.cookie ? await sealer.open<CookiePayload>(rotation.cookie, cookie.name) : null
    const value = newer && isPayload(newer.value) ? newer.value : opened.value
    if (!upstream.logout) return jsonAnswer(204, undefined, cleared)
    try {
      const result = await callUpstream(
        request,
        (ctx) => (upstream.logout as NonNullable<UpstreamAdapter['logout']>)(value.r, { everywhere }, ctx),
        { idToken: value.i, user: value.u },
      )
      const logoutUrl = result && typeof result === 'object' ? result.logoutUrl : undefined
      return typeof logoutUrl === 'string'
        ? jsonAnswer(200, { logoutUrl }, cleared)
        : jsonAnswer(204, undefined, cleared)
    } catch (thrown) {
      const failed = failureFor(thrown, 'logout')
      // The upstream refused the token: it is no longer valid, which is what a logout wants.
      if (failed.error === 'invalid_grant') return jsonAnswer(204, undefined, cleared)
      report(route, failed)
      // The cookie is cleared whatever the upstream said: this browser is signed out; the answer says that the
      // upstream may still hold the session (logout-all did not reach every device).
      return failureAnswer(failed, cleared)
    }
  }

  const kit: GatewayKit = {
    upstream,
    basePath,
    cookie,
    sealer,
    now,
    appOrigin: origins.appOrigin,
    callUpstream,
    establishSession,
    failureFor,
    report,
  }

  /**
   * An app on another origin listed in `origins` (e.g. `https://app.example.com` calling
   * `https://auth.example.com`) needs CORS with credentials: its preflight answered, and its answers readable.
   */
  async function handle(request: Request): Promise<Response> {
    const cors = origins.corsOrigin(request)
    if (cors === null) return route(request)
    if (request.method === 'OPTIONS' && request.headers.get('access-control-request-method') === 'POST') {
      return jsonAnswer(204, undefined, [], {
        'Access-Control-Allow-Origin': cors,
        'Access-Control-Allow-Credentials': 'true',
        'Access-Control-Allow-Methods': 'POST',
        'Access-Control-Allow-Headers': 'Content-Type, Accept',
        'Access-Control-Max-Age': '600',
        Vary: 'Origin',
      })
    }
    const response = await route(request)
    response.headers.set('Access-Control-Allow-Origin', cors)
    response.headers.set('Access-Control-Allow-Credentials', 'true')
    response.headers.append('Vary', 'Origin')
    return response
  }

  async function route(request: Request): Promise<Response> {
    const path = requestUrl(request).pathname
    const route = path.startsWith(`${basePath}/`) ? path.slice(basePath.length + 1) : null
    const redirect =
      (route === 'login' && typeof upstream.authorize === 'function') ||
      (route === 'callback' && typeof upstream.callback === 'function')
    if (route === null || !(POST_ROUTES.has(route) || redirect)) {
      return failureAnswer(failure(404, 'not_found', 'No such auth route.'))
    }
    const allow = [POST_ROUTES.has(route) ? 'POST' : null, redirect ? 'GET' : null].filter(Boolean).join(', ')
    if (request.method === 'GET' && redirect) {
      try {
        return await handleRedirectRoute(request, route as 'login' | 'callback', kit)
      } catch {
        return answerFailure(route, crashed(), request)
      }
    }
    if (request.method !== 'POST' || !POST_ROUTES.has(route)) {
      return answerFailure(
        route,
        failure(405, 'method_not_allowed', `Use ${allow} for ${basePath}/${route}.`),
        request,
        { Allow: allow },
      )
    }
    // CSRF: before any upstream call or cookie work.
    if (!origins.allows(request)) {
      return answerFailure(
        route,
        failure(
          403,
          'forbidden_origin',
          'This request comes from an origin the gateway does not serve. Call it from the app, or add the origin to `origins`.',
        ),
        request,
      )
    }
    try {
      switch (route) {
        case 'login':
          return await login(request)
        case 'refresh': {
          const result = await refresh(request)
          if (result.ok) return jsonAnswer(200, result.body, result.setCookie)
          if (!result.setCookie) return answerFailure('refresh', result.failure, request)
          report('refresh', result.failure, request)
          return failureAnswer(result.failure, result.setCookie)
        }
        default:
          return await logout(request, route === 'logout-all')
      }
    } catch {
      return answerFailure(route, crashed(), request)
    }
  }

  return {
    handle,
    async session(request) {
      const result = await refresh(request)
      if (result.ok) return { session: result.body, setCookie: result.setCookie }
      report('session', result.failure, request)
      return {
        session: null,
        setCookie: result.setCookie ?? (result.failure.clearCookie ? cookie.clear(request) : []),
      }
    },
  }
}
