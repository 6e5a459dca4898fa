import type { AuthError } from './AuthError'
import type { SessionWithLifetime } from './createSession'
import type { AuthState, JwtPayload, SignOutReason, TokenResponse } from './types'
import { warnOnce } from './warnOnce'

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
 * The restore at start failed for a network or server reason and is retried in the background: shown signed
 * out, but a session may still come back (an outage at page load is not a sign-out).
 */
export const restoreFailed = (s: AuthState<unknown>) =>
  s.status === 'unauthenticated' && s.reason === 'network'

/** No session yet, but one may still be restored: loading, or the restore being retried. */
export const unrestored = (s: AuthState<unknown>) => s.status === 'loading' || restoreFailed(s)

/** A session held, or one still being restored: what renewals keep alive and a sign-out ends. */
export const renewable = (s: AuthState<unknown>) => s.status === 'authenticated' || unrestored(s)

/**
 * Who a session belongs to, for the user-switch checks: the token's `sub`, or without claims (an opaque
 * access token) the user's `sub`; without either, the user's `id`.
 */
export const subjectOf = ({ claims, user }: { claims: JwtPayload | null; user: unknown }): unknown =>
  ((claims ?? user) as JwtPayload | null)?.sub ?? (user as { id?: unknown } | null)?.id

/**
 * The state a client starts in: signed in from `initialSession` (SSR hand-off); signed out when the server
 * found no session (`initialSession: null`) or the session hint says this browser has none; else loading.
 * Also returns the session's lifetime.
 */
export function initialState<User>(
  initialSession: TokenResponse | null | undefined,
  makeSession: (body: TokenResponse) => SessionWithLifetime<User>,
  hasSession: boolean,
): [AuthState<User>, number] {
  const loading: AuthState<User> = { ...signedOut<User>(null), status: 'loading' }
  if (initialSession == null)
    return [initialSession === undefined && hasSession ? loading : signedOut('no-session'), 0]
  try {
    const { lifetime, ...session } = makeSession(initialSession)
    return [{ ...loading, ...session, status: 'authenticated' }, lifetime]
  } catch (error) {
    if (process.env.NODE_ENV !== 'production') {
      warnOnce(`initialSession was not used: ${(error as Error).message}`)
    }
    return [loading, 0]
  }
}
