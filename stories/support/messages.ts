import type { AuthError, SignOutReason } from 'react-jwt-session'

/** What a sign-in form says for each `AuthError` code. */
export function loginErrorMessage(error: AuthError): string {
  switch (error.code) {
    case 'invalid_credentials':
      return 'Wrong username or password.'
    case 'network':
      return 'Cannot reach the server. Check your connection and try again.'
    case 'timeout':
      return 'The server did not answer in time. Try again.'
    case 'server':
      if (error.status === 429) {
        // `retryAfter` is the server's Retry-After header, in seconds.
        return error.retryAfter === undefined
          ? 'Too many attempts. Wait a minute, then try again.'
          : `Too many attempts. Try again in ${error.retryAfter} s.`
      }
      return `The server had a problem${error.status ? ` (${error.status})` : ''}. Try again in a moment.`
    default:
      return 'The server sent an unexpected answer. Try again later.'
  }
}

/** What a signed-in page says while the renewal fails (the session is kept). */
export function renewalErrorMessage(error: AuthError): string {
  switch (error.code) {
    case 'network':
      return 'You are offline. You stay signed in; the session is renewed as soon as the connection is back.'
    case 'timeout':
      return 'The auth server is not answering. You stay signed in; retrying in the background.'
    default:
      return `The auth server has a problem${error.status ? ` (${error.status})` : ''}. You stay signed in; retrying in the background.`
  }
}

/** Why the visitor is signed out, in words; `null` when there is nothing to say (a first visit). */
export function signOutMessage(reason: SignOutReason | null): string | null {
  switch (reason) {
    case 'logout':
      return 'You signed out.'
    case 'expired':
      return 'Your session has expired. Sign in again.'
    case 'revoked':
      return 'Your session was ended on the server (signed out everywhere). Sign in again.'
    case 'other-tab':
      return 'You signed out in another tab.'
    case 'network':
      return 'Cannot reach the server to restore your session. Retrying in the background.'
    case 'idle':
      return 'You were signed out after a period of inactivity.'
    default:
      return null
  }
}
