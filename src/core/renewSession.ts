import type { AuthError } from './AuthError'
import { signedOut, unrestored } from './authState'
import { type SessionWithLifetime, sessionOf } from './createSession'
import { isRefusal, isRevocation, toAuthError } from './httpTransport'
import type { AuthState, Session, SignOutReason } from './types'

/** What one renewal needs from its client: the state, the transitions, the lock, the tabs and the server. */
export interface Renewal<User> {
  get(): AuthState<User>
  /**
   * Whether the flight this renewal belongs to was dropped (logout, login, another tab's session, or the
   * client destroyed: `destroy()` drops the flight too).
   */
  stale(): boolean
  isDue(state: AuthState<User>): boolean
  /** Runs `task` holding the cross-tab refresh lock. */
  locked<T>(task: () => Promise<T>): Promise<T>
  /** Asks the tabs this one has heard from for a fresher session (adopted as it arrives). */
  askTabs(): Promise<unknown>
  /** The refresh call: the server's answer as a session. */
  request(): Promise<SessionWithLifetime<User>>
  /** Adopts the renewed session and shares it with the other tabs. */
  adopt(session: SessionWithLifetime<User>): void
  signOut(reason: SignOutReason, error?: AuthError | null, tell?: boolean): void
  fail(error: AuthError, partial?: AuthState<User>): void
  /** Arms the backoff retry after `error` (when the client runs). */
  retry(error: AuthError): void
}

/**
 * One silent renewal, holding the lock. A refusal signs out (or, for the restore at start, means no
 * session); a passing failure (the server unreachable or overloaded) keeps the session, sets `error` and
 * retries with backoff: an outage is not a sign-out.
 */
export async function renewSession<User>(renewal: Renewal<User>): Promise<Session<User> | null> {
  const meant = renewal.get().accessToken
  const initialCall = renewal.get().status === 'loading'
  const current = () => sessionOf(renewal.get())
  // Dropped, or another tab renewed while this one waited: use its token, do not replay the cookie.
  const done = () => {
    const s = renewal.get()
    return renewal.stale() || (s.accessToken !== meant && s.accessToken !== null && !renewal.isDue(s))
  }
  try {
    return await renewal.locked(async () => {
      if (done()) return current()
      // The tab that renewed before shared its session before releasing the lock, but that message and the
      // lock grant travel separately and the grant can win (by a task, or seconds for a thawed tab).
      await renewal.askTabs()
      if (done()) return current()
      const session = await renewal.request()
      // Adopted and shared while still holding the lock, so the next tab to take it has the new token.
      if (!renewal.stale()) renewal.adopt(session)
      return current()
    })
  } catch (thrown) {
    const error = toAuthError(thrown, 'refresh')
    if (renewal.stale()) return current()
    if (isRefusal(error)) {
      if (renewal.get().status === 'authenticated')
        renewal.signOut(isRevocation(error) ? 'revoked' : 'expired', error, true)
      // A refused *initial* refresh means there was no session to restore: not an error.
      else if (initialCall || unrestored(renewal.get())) renewal.signOut('no-session')
      return null
    }
    // Network, timeout, 5xx, 408, 429, malformed answer: keep the session and retry with backoff.
    renewal.fail(error, initialCall ? signedOut<User>('network') : undefined)
    renewal.retry(error)
    throw error
  }
}
