import { replaceTokens } from './tokenShape'

/** What went wrong, as a stable code an app can switch on. */
export type AuthErrorCode =
  | 'invalid_credentials'
  | 'session_expired'
  | 'network'
  | 'timeout'
  | 'server'
  | 'bad_response'
  | 'bad_token'

export interface AuthErrorOptions {
  /** The HTTP status of the answer that caused the error, when there was one. */
  status?: number | undefined
  /** The underlying error or the server's parsed error body. Never a token. */
  cause?: unknown
  /** Seconds the server asked to wait before trying again (a `Retry-After` header on a 429 or 503). */
  retryAfter?: number | undefined
  /** The server's parsed JSON error body (e.g. `{ error, message }`), with any token-shaped string removed. */
  details?: unknown
}

/** How deep `withoutTokens` walks a server's error body; deeper parts are replaced, never recursed into. */
const MAX_DEPTH = 32

const hideTokens = (text: string) => replaceTokens(text, () => '[token]')

/**
 * `value` (JSON data) with every token in it (see `isTokenShaped`), in keys and strings at any depth,
 * replaced by `[token]`; `value` itself when it holds none. Parts nested deeper than {@link MAX_DEPTH} levels
 * become `'[too deep]'`: a hostile body cannot overflow the stack (and turn a refusal into a network error).
 */
export function withoutTokens(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return hideTokens(value)
  if (value === null || typeof value !== 'object') return value
  if (depth >= MAX_DEPTH) return '[too deep]'
  const copy: Record<string, unknown> = Array.isArray(value) ? ([] as unknown as Record<string, unknown>) : {}
  let changed = false
  for (const [key, item] of Object.entries(value)) {
    const cleanKey = hideTokens(key)
    const cleanItem = withoutTokens(item, depth + 1)
    copy[cleanKey] = cleanItem
    if (cleanKey !== key || cleanItem !== item) changed = true
  }
  return changed ? copy : value
}

// Shared by every copy of the package in a page (ESM and CJS side by side, two bundled versions), so
// `isAuthError` recognises an error made by any of them, where `instanceof` sees only its own copy's class.
const brand = Symbol.for('react-jwt-session.AuthError')

// Development builds only: a production bundle drops these sentences (and every message written at a call site
// behind the same `process.env.NODE_ENV` test), and its errors carry the code as their message.
const defaultMessages: Record<AuthErrorCode, string> = {
  invalid_credentials: 'The username or password is not correct.',
  session_expired: 'The session has ended. Sign in again.',
  network: 'The auth server could not be reached. Check the connection; the session is kept.',
  timeout: 'The auth server did not answer in time. The session is kept and the call will be retried.',
  server: 'The auth server answered with an error. The session is kept and the call will be retried.',
  bad_response: 'The auth server sent an answer that is not a token response.',
  bad_token: 'The access token is malformed, has no expiry, or is already expired.',
}

/**
 * The only error type the client rejects with. Its message never contains a token.
 *
 * @example
 * try { await client.login(form) } catch (e) {
 *   if (isAuthError(e) && e.code === 'invalid_credentials') showWrongPassword()
 * }
 */
export class AuthError extends Error {
  declare readonly name: 'AuthError'
  declare readonly code: AuthErrorCode
  declare readonly status?: number
  /** Seconds the server asked to wait before trying again (`Retry-After` on a 429 or 503). */
  declare readonly retryAfter?: number
  /** The server's parsed JSON error body, token-shaped strings removed. */
  declare readonly details?: unknown

  constructor(code: AuthErrorCode, message?: string, options: AuthErrorOptions = {}) {
    super(
      message === undefined
        ? process.env.NODE_ENV !== 'production'
          ? defaultMessages[code]
          : code
        : hideTokens(message),
      options.cause === undefined ? undefined : { cause: options.cause },
    )
    this.name = 'AuthError'
    this.code = code
    // Only what was given becomes a property: `'status' in error` is false for a network error.
    for (const key of ['status', 'retryAfter', 'details'] as const) {
      if (options[key] !== undefined) (this as Record<typeof key, unknown>)[key] = options[key]
    }
  }

  get [brand](): true {
    return true
  }
}

/**
 * Whether `value` is an `AuthError` made by any copy of this package (ESM and CJS builds side by side, two
 * bundled versions): it checks a brand shared by every copy, not `instanceof` alone.
 */
export const isAuthError = (value: unknown): value is AuthError =>
  value != null && (value as { [brand]?: unknown })[brand] === true
