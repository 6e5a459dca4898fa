import type { Sealer } from './createSealer'
import type { GatewayFailure } from './gatewayAnswers'
import type { SessionCookie } from './sessionCookie'
import type { GatewaySession } from './tokenAnswer'
import type { SealedExtras, UpstreamAdapter, UpstreamContext, UpstreamTokens } from './types'

/**
 * What `createSessionGateway` hands to the redirect routes (`GET {basePath}/login` and `/callback`):
 * its sealing, its cookie and its way of turning upstream tokens into a session. Internal to the package.
 */
export interface GatewayKit {
  upstream: UpstreamAdapter
  /** e.g. `/auth` (no trailing slash). */
  basePath: string
  /** The session cookie (its `name` and `secure` setting, reading, writing, clearing). */
  cookie: SessionCookie
  /** Seal/open with a purpose: use a purpose of your own (e.g. the transaction cookie's name). */
  sealer: Sealer
  now(): number
  /** The app's public origin for this request (`origin` option, else the request URL's). */
  appOrigin(request: Request): string
  /** Runs an upstream call with the gateway's context and `timeout` (rejects with `AuthError('timeout')`). */
  callUpstream<T>(
    request: Request,
    call: (ctx: UpstreamContext) => Promise<T>,
    session?: SealedExtras,
  ): Promise<T>
  /**
   * A new session from the upstream's tokens: the page-safe body and the `Set-Cookie` lines of the sealed
   * refresh-token cookie. Throws what `failureFor` turns into an answer (no refresh token, bad token, too large).
   */
  establishSession(
    tokens: UpstreamTokens,
    request: Request,
  ): Promise<{ body: GatewaySession; setCookie: string[] }>
  /** The answer parts for anything `callUpstream` or `establishSession` threw. */
  failureFor(thrown: unknown, call: 'login' | 'refresh' | 'logout'): GatewayFailure
  /** Reports a failure to the app's `onError` (never with a token). */
  report(route: string, failure: GatewayFailure): void
}
