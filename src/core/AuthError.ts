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
  status?: number
  /** The underlying error or the server's parsed error body. Never a token. */
  cause?: unknown
}

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
 *   if (e instanceof AuthError && e.code === 'invalid_credentials') showWrongPassword()
 * }
 */
export class AuthError extends Error {
  // Declared, then assigned in the constructor: class field initializers compile to a helper for older
  // targets, which the React bundle would carry for this one class.
  declare readonly name: 'AuthError'
  declare readonly code: AuthErrorCode
  declare readonly status?: number

  constructor(code: AuthErrorCode, message?: string, options: AuthErrorOptions = {}) {
    super(
      message ?? defaultMessages[code],
      options.cause === undefined ? undefined : { cause: options.cause },
    )
    this.name = 'AuthError'
    this.code = code
    if (options.status !== undefined) this.status = options.status
  }
}

export const isAuthError = (value: unknown): value is AuthError => value instanceof AuthError
