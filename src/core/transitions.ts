import type { StoreApi } from 'zustand/vanilla'
import type { AuthError } from './AuthError'
import { signedOut, subjectOf, unrestored } from './authState'
import type { Emitter } from './createEmitter'
import { deepEqual, type SessionWithLifetime, sessionOf } from './createSession'
import type { Outgoing, SharedSession } from './tabProtocol'
import type { AuthEventMap, AuthState, Session, SignOutReason } from './types'
import { warnOnce } from './warnOnce'

export interface TransitionHooks<User> {
  emit: Emitter<AuthEventMap<User>>['emit']
  now(): number
  /** Drops the refresh in flight. */
  drop(): void
  /** Arms the renewal timer (null disarms it). */
  arm(at: number | null): void
  /** When the renewal of a token expiring at `expiresAt` is due; null while the client does not run. */
  renewalAt(expiresAt: number): number | null
  writeHint(hasSession: boolean): void
  post(message: Outgoing<User>): void
}

/**
 * A session as it travels to the other tabs, or null when it cannot travel. Messages between tabs are copied
 * with the structured-clone algorithm, which throws on a `user` holding functions (methods as own properties,
 * bound callbacks): such a user travels as its plain-JSON copy. A user that has no JSON copy either (nested
 * too deep, cyclic) stays in this tab, and the other tabs renew on their own. Either way the sign-in itself
 * never fails because of it.
 */
function transferable<User>(session: SharedSession<User>): SharedSession<User> | null {
  try {
    structuredClone(session.user)
    return session
  } catch {
    if (process.env.NODE_ENV !== 'production' && typeof structuredClone === 'function') {
      warnOnce(
        'The user object cannot be copied to other tabs (it holds functions, or is nested too deep); they receive its plain-JSON copy, or none. Return plain data from getUser to keep them alike.',
      )
    }
    try {
      return { ...session, user: JSON.parse(JSON.stringify(session.user)) }
    } catch {
      return null
    }
  }
}

/**
 * The named transitions of the session: `adopt`, `signOut` and `fail`, each emitting the events its change
 * means. The client writes only `refreshing` and `refreshAt` (which follow the flight and the timer) and, once,
 * the state of a client destroyed while loading (`reason: 'destroyed'`) outside them.
 */
export function createTransitions<User>(
  store: StoreApi<AuthState<User>>,
  lifetime: number,
  hooks: TransitionHooks<User>,
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
    since?: number,
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
    const refreshAt = hooks.renewalAt(session.expiresAt)
    set({
      ...fields,
      status: 'authenticated',
      // Structural sharing: a silent refresh does not change `user`, so its readers do not re-render.
      user: previous.user !== null && deepEqual(previous.user, session.user) ? previous.user : session.user,
      refreshAt,
      error: null,
      reason: null,
    })
    hooks.writeHint(true)
    hooks.arm(refreshAt)
    const current = sessionOf(get()) as Session<User>
    const local = from === 'local'
    if (local && cause === 'signin') hooks.emit('signin', { session: current, source: 'this-tab' })
    else if (signedIn) hooks.emit('refresh', { session: current, source: local ? 'this-tab' : 'other-tab' })
    else {
      const source = cause === 'refresh' && unrestored(previous) ? 'restore' : 'other-tab'
      hooks.emit('signin', { session: current, source })
    }
    // A session this tab got from the server is shared with the other tabs (with its lifetime, so they
    // schedule the same renewal).
    const copy = local && transferable(session)
    if (copy) hooks.post({ type: 'session', cause, session: copy, since })
  }

  /** When this tab last signed out because a user (here or in another tab) or the idle timeout asked it to. */
  let endedByUserAt = Number.NEGATIVE_INFINITY

  /** Signed out: whatever is in flight is dropped, and (`tell`) the other tabs follow. */
  function signOut(reason: SignOutReason, error: AuthError | null = null, tell = false) {
    if (reason === 'logout' || reason === 'other-tab' || reason === 'idle') endedByUserAt = hooks.now()
    // Only a client that held a session signs out: a first visit finding none, or a failed restore, never did.
    const wasSignedIn = get().status === 'authenticated'
    hooks.drop()
    set(signedOut(reason, error))
    hooks.arm(null)
    hooks.writeHint(false)
    if (tell)
      hooks.post(reason === 'logout' ? { type: 'logout' } : { type: 'logout', reason: reason as 'idle' })
    if (wasSignedIn) hooks.emit('signout', { reason, error })
    if (error) hooks.emit('error', { error })
  }

  /** A passing failure: the session (if any) is kept and `error` says why; `partial` is a failed restore. */
  function fail(error: AuthError, partial?: AuthState<User>) {
    set({ ...partial, error })
    hooks.emit('error', { error })
  }

  /** A session from another tab, adopted only when it continues or replaces this tab's one. */
  function adoptShared(session: SharedSession<User>, cause: 'signin' | 'refresh', since?: number) {
    const s = get()
    const sameUser = s.status === 'authenticated' && subjectOf(s) === subjectOf(session)
    // A renewal only continues a session this tab holds or is still restoring; one that reaches a tab signed
    // out, or holding another user, raced a logout or a sign-in elsewhere, and must not bring a session back.
    // Nor does a sign-in whose call began before this tab was signed out: it crossed that logout.
    if (
      session.expiresAt <= hooks.now() ||
      (cause === 'refresh' && !sameUser && !unrestored(s)) ||
      (since ?? Number.POSITIVE_INFINITY) <= endedByUserAt
    )
      return
    if (!sameUser || (s.expiresAt as number) < session.expiresAt) adopt(session, 'tab', cause)
  }

  /** This tab's session as another tab receives it: with its lifetime, so that tab schedules the same renewal. */
  function shared(): SharedSession<User> | null {
    const session = sessionOf(get())
    return session && session.expiresAt > hooks.now() ? transferable({ ...session, lifetime }) : null
  }

  return { adopt, signOut, fail, adoptShared, shared, lifetime: () => lifetime }
}
