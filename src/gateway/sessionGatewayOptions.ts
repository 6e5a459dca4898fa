import type { GatewayErrorCode } from './gatewayAnswers'
import type { CookieOptions } from './sessionCookie'
import type { GatewaySession, GetUser } from './tokenAnswer'
import type { GatewayStore, UpstreamAdapter } from './types'

/** What the gateway tells `onError`: never a token, an upstream body or a stack. */
export interface GatewayErrorEvent {
  /** The route, e.g. `refresh`, `login`, `session` (for `gateway.session`). */
  route: string
  status: number
  error: GatewayErrorCode
  /** The sentence the browser got, or a longer one for the developer (`session_too_large`). */
  message: string
}

export interface SessionGatewayOptions {
  /** The backend: a preset (`simplejwt({ url })`, `oauth2(…)`, …) or an adapter of your own. */
  upstream: UpstreamAdapter
  /**
   * The sealing secret, at least 32 bytes (`openssl rand -base64 32`). An array `[current, ...previous]` rotates
   * keys: cookies sealed with a previous secret still open and come back sealed with the current one.
   */
  secret: string | readonly string[]
  /**
   * Where the routes live: `POST {basePath}/login`, `/refresh`, `/logout`, `/logout-all`.
   * @default '/auth'
   */
  basePath?: string
  /**
   * The app's public origin, for apps behind a proxy that rewrites the host: `Origin` must equal it.
   * @default the request URL's origin
   */
  origin?: string
  /**
   * Further `Origin` values allowed to call the routes: other public hostnames of the app, or an app on another
   * origin of the same site (`https://app.example.com` calling a gateway on `https://auth.example.com`), which
   * then gets CORS answers with credentials.
   * @default []
   */
  origins?: readonly string[]
  /**
   * The session cookie: `{ name, maxAge /* s *\/, secure }`.
   * @default { name: '__Host-session', maxAge: the upstream's refresh lifetime else 30 days, secure: true }
   */
  cookie?: CookieOptions
  /**
   * Seconds during which a refresh token that was just rotated gets that rotation's answer again instead of a
   * refusal (server rendering racing a tab, a tab closed mid-refresh, a lost answer). `0` turns it off.
   * @default 10
   */
  reuseInterval?: number
  /**
   * Shared state for several gateway instances (single flight and reuse interval across servers), e.g.
   * `redisStore(client)`. Holds only sealed values.
   * @default in-process memory (one instance)
   */
  store?: GatewayStore
  /**
   * The page's `user` from the upstream's tokens and the access token's claims (`null` when it is opaque).
   * @default the adapter's `user`, else the claims without `iat`, `exp`, `nbf`, `jti`
   */
  getUser?: GetUser
  /**
   * Upstream calls are aborted after this many ms (answered 504).
   * @default 10_000
   */
  timeout?: number
  /**
   * The fetch the adapter calls the upstream with.
   * @default the global fetch
   */
  fetch?: typeof fetch
  /**
   * Called for every error answer, for the app's logs. Never given a token, an upstream body or a stack.
   * @default none: the gateway writes nothing to the console
   */
  onError?: (event: GatewayErrorEvent) => void
  /**
   * The clock (epoch ms), for tests.
   * @default Date.now
   */
  now?: () => number
}

export interface SessionGateway {
  /** Answers the auth routes under `basePath`; a 404 for every other path (mount it where you like). */
  handle(request: Request): Promise<Response>
  /**
   * The session for server rendering, in process (same single flight and reuse interval as `/refresh`):
   * the page-safe session or `null`, and the `Set-Cookie` lines the page's response must carry.
   */
  session(request: Request): Promise<{ session: GatewaySession | null; setCookie: string[] }>
}
