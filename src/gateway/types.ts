import type { AuthError } from '../core/AuthError'

/**
 * What an upstream adapter returns from `login`, `refresh` and (redirect presets) `callback`: the upstream's
 * tokens in one shape, whatever the backend calls its fields.
 */
export interface UpstreamTokens {
  /** The upstream's access token: a JWT, or an opaque string (then `expiresIn` is required). */
  accessToken: string
  /** Seconds the access token is valid for, from the upstream's answer (`expires_in`). */
  expiresIn?: number | undefined
  /** The upstream's refresh token. Absent: the one the gateway holds stays in use (no rotation). */
  refreshToken?: string | undefined
  /** Seconds the refresh token is valid for, where the upstream says (`refresh_expires_in`): the cookie's max age. */
  refreshExpiresIn?: number | undefined
  /** An OpenID Connect ID token, kept sealed for logout (`id_token_hint`). */
  idToken?: string | undefined
  /** The user as the upstream describes it; handed to the page as `user` (through `getUser`). */
  user?: unknown
}

/** Passed to every adapter call. */
export interface UpstreamContext {
  /** The fetch to call the upstream with (the gateway's `fetch` option, else the global one). */
  fetch: typeof fetch
  /** Aborts when the gateway's `timeout` passes. */
  signal: AbortSignal
  /** The browser's request to the gateway. */
  request: Request
  /** The app's public origin (`origin` option, else the request URL's origin). */
  origin: string
  /** The gateway's `basePath`, e.g. `/auth`. */
  basePath: string
  /** What the gateway keeps sealed beside the refresh token (for logout: the ID token). */
  session?: SealedExtras | undefined
}

/** What the gateway keeps sealed beside the refresh token. */
export interface SealedExtras {
  idToken?: string | undefined
  user?: unknown
}

/** A redirect preset's start of a sign-in: where to send the browser, and what to keep until it returns. */
export interface AuthorizeResult {
  /** The provider's authorization URL (the gateway answers 303 to it). */
  url: string | URL
  /** Kept sealed in a short-lived transaction cookie and handed back to `callback` (PKCE verifier, state, nonce). */
  transaction: Record<string, string>
}

/**
 * The upstream adapter: how the gateway talks to one backend. A preset is one of these; a backend without a
 * preset takes a 20-line adapter (docs/gateway.md). Refusals throw `AuthError`: `invalid_credentials` for a
 * wrong password, `session_expired` for a refused refresh token; `network`, `timeout`, `server` (with
 * `status` and `retryAfter` when the upstream said) for an upstream in trouble; `bad_response` for an answer
 * that is not a token answer. Never put an upstream body or a token into an error's message.
 */
export interface UpstreamAdapter {
  /** A short name for error messages and logs (`'simplejwt'`). */
  name?: string
  login(credentials: Record<string, unknown>, ctx: UpstreamContext): Promise<UpstreamTokens>
  refresh(refreshToken: string, ctx: UpstreamContext): Promise<UpstreamTokens>
  /** Revokes the refresh token upstream; may answer a URL the app can navigate to (RP-initiated logout). */
  logout?(
    refreshToken: string,
    options: { everywhere: boolean },
    ctx: UpstreamContext,
    // biome-ignore lint/suspicious/noConfusingVoidType: an adapter's `async logout() {}` resolves void, which `undefined` would refuse.
  ): Promise<void | { logoutUrl?: string | undefined }>
  /** Redirect presets (sign-in at the provider): `GET {basePath}/login` starts here. */
  authorize?(ctx: UpstreamContext & { returnTo: string }): Promise<AuthorizeResult>
  /** Redirect presets: `GET {basePath}/callback`, with the transaction `authorize` kept. */
  callback?(
    request: Request,
    ctx: UpstreamContext & { transaction: Record<string, string> },
  ): Promise<UpstreamTokens>
}

/**
 * Shared state for gateways on several servers (single flight and reuse interval across instances). Holds
 * only sealed values: a dump of the store yields no token.
 */
export interface GatewayStore {
  get(key: string): Promise<string | null>
  /** With `ifAbsent`, sets only when the key is missing and says whether it did. */
  set(key: string, value: string, options: { ttlMs: number; ifAbsent?: boolean }): Promise<boolean>
  delete(key: string): Promise<void>
}

export type { AuthError }
