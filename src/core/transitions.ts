import type { StoreApi } from 'zustand/vanilla'
import type { AuthError } from './AuthError'
import { signedOut, subjectOf, unrestored } from './authState'
import type { Emitter } from './createEmitter'
import { deepEqual, type SessionWithLifetime, sessionOf } from './createSession'
import type { Outgoing, SharedSession } from './tabProtocol'
import type { AuthEventMap, AuthState, Session, SignOutReason } from './types'

export interface TransitionHooks<User> {
  emit: Emitter<AuthEventMap<User>>['emit']
  now(): number
  /** Drops the refresh in flight. */
  drop(): void
  /** Arms the renewal timer (null disarms it). */
  arm(at: number | null): void
  /** When the renewal of a token of `lifetime` expiring at `expiresAt` is due; null while not running. */
  renewalAt(expiresAt: number, lifetime: number): number | null
  writeHint(hasSession: boolean): void
  post(message: Outgoing<User>): void
}

/**
 * The named transitions: every store write but `refreshing` and `refreshAt` (which follow the flight and
 * the timer) goes through `adopt`, `signOut` or `fail`, and each emits the events its change means.
 */
export function createTransitions<User>(
  store: StoreApi<AuthState<User>>,
  lifetime: number,
  h: TransitionHooks<User>,
) {
  const get = store.getState
  const set = store.setState

  /**
   * Signed in with `session`: `from` says whether this tab got it from the server (then it is shared with
   * the other tabs) or another tab, `cause` whether it is a sign-in (login, `setSession`) or a renewal (the
   * restore at start included).
   */
  function adopt(
    session: SessionWithLifetime<User> | SharedSession<User>,
    from: 'local' | 'tab',
    cause: 'signin' | 'refresh',
  ) {
    const previous = get()
    let signedIn = previous.status === 'authenticated'
    if (signedIn && subjectOf(previous) !== subjectOf(session)) {
      // Another user: drop the old one completely (and so its query cache) before adopting the new one.
      signOut(from === 'tab' ? 'other-tab' : 'logout')
      signedIn = false
    }
    const { lifetime: ms, ...fields } = session
    lifetime = ms
    const refreshAt = h.renewalAt(session.expiresAt, ms)
    set({
      ...fields,
      status: 'authenticated',
      // Structural sharing: a silent refresh does not change `user`, so its readers do not re-render.
      user: previous.user !== null && deepEqual(previous.user, session.user) ? previous.user : session.user,
      refreshAt,
      error: null,
      reason: null,
    })
    h.writeHint(true)
    h.arm(refreshAt)
    const current = sessionOf(get()) as Session<User>
    const local = from === 'local'
    if (local && cause === 'signin') h.emit('signin', { session: current, source: 'this-tab' })
    else if (signedIn) h.emit('refresh', { session: current, source: local ? 'this-tab' : 'other-tab' })
    else {
      const source = cause === 'refresh' && unrestored(previous) ? 'restore' : 'other-tab'
      h.emit('signin', { session: current, source })
    }
    // A session this tab got from the server is shared with the other tabs (with its lifetime, so they
    // schedule the same renewal).
    if (local) h.post({ type: 'session', cause, session })
  }

  /** Signed out: whatever is in flight is dropped, and (`tell`) the other tabs follow. */
  function signOut(reason: SignOutReason, error: AuthError | null = null, tell = false) {
    const s = get()
    // A first visit finding no session, or a loading client, was never signed in: not a sign-out.
    const was = s.status === 'authenticated' || (s.status !== 'loading' && s.reason === 'network')
    h.drop()
    set(signedOut(reason, error))
    h.arm(null)
    h.writeHint(false)
    if (tell) h.post(reason === 'idle' ? { type: 'logout', reason } : { type: 'logout' })
    if (was && reason !== 'no-session') h.emit('signout', { reason, error })
    if (error) h.emit('error', { error })
  }

  /** A passing failure: the session (if any) is kept and `error` says why; `partial` is a failed restore. */
  function fail(error: AuthError, partial?: AuthState<User>) {
    set({ ...partial, error })
    h.emit('error', { error })
  }

  /** A session from another tab, adopted only when it continues or replaces this tab's one. */
  function adoptShared(session: SharedSession<User>, cause: 'signin' | 'refresh') {
    const s = get()
    const sameUser = s.status === 'authenticated' && subjectOf(s) === subjectOf(session)
    // A renewal only continues a session this tab holds or is still restoring; one that reaches a tab signed
    // out, or holding another user, raced a logout or a sign-in elsewhere (refresh rule 5). Never go back.
    if (session.expiresAt <= h.now() || (cause === 'refresh' && !sameUser && !unrestored(s))) return
    if (!sameUser || (s.expiresAt as number) < session.expiresAt) adopt(session, 'tab', cause)
  }

  /** This tab's session as another tab receives it: with its lifetime, so that tab schedules the same renewal. */
  function shared(): SharedSession<User> | null {
    const session = sessionOf(get())
    return session && session.expiresAt > h.now() ? { ...session, lifetime } : null
  }

  return { adopt, signOut, fail, adoptShared, shared, lifetime: () => lifetime }
}
