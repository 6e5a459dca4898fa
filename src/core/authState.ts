import type { AuthError } from './AuthError'
import type { AuthState, JwtPayload, SignOutReason } from './types'

/** The state of a signed-out client; `refreshAt` is null because nothing is renewed while signed out. */
export const signedOut = <User>(
  reason: SignOutReason | null,
  error: AuthError | null = null,
): AuthState<User> => ({
  status: 'unauthenticated',
  user: null,
  claims: null,
  accessToken: null,
  expiresAt: null,
  refreshAt: null,
  refreshing: false,
  error,
  reason,
})

/**
 * The restore at start failed for a network or server reason and is retried in the background (refresh
 * rule 6): shown signed out, but a session may still come back.
 */
export const restoreFailed = (s: AuthState<unknown>) =>
  s.status === 'unauthenticated' && s.reason === 'network'

/** No session yet, but one may still be restored: loading, or the restore being retried. */
export const unrestored = (s: AuthState<unknown>) => s.status === 'loading' || restoreFailed(s)

export const subjectOf = (claims: JwtPayload | null) => claims?.sub
