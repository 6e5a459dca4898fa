import { AuthError } from './AuthError'
import { sessionOf } from './createSession'
import type { AuthState, Session } from './types'

/** Resolves once the store's state is not `loading` (a destroyed client never stays loading). */
export const whenSettled = <User>(store: {
  getState(): AuthState<User>
  subscribe(listener: () => void): () => void
}) =>
  new Promise<void>((resolve) => {
    const check = () => {
      if (store.getState().status === 'loading') return
      unsubscribe()
      resolve()
    }
    const unsubscribe = store.subscribe(check)
    check()
  })

/**
 * `getAccessToken()` once the state is settled: the token if it lasts `minValidity` ms, else the renewed
 * one; `null` when signed out. While a passing failure is being retried the token is used as long as it
 * lasts, then the failure is thrown.
 */
export async function validToken<User>(
  state: () => AuthState<User>,
  now: () => number,
  minValidity: number,
  refresh: () => Promise<Session<User> | null>,
): Promise<string | null> {
  const session = sessionOf(state())
  if (session === null) return null
  const remaining = session.expiresAt - now()
  if (remaining > minValidity) return session.accessToken
  const { error } = state()
  if (error !== null && remaining <= 0) throw error
  try {
    const renewed = error !== null ? session : await refresh()
    // A renewal dropped by a login that then failed resolves the session as it was: never an expired token.
    if (renewed && renewed.expiresAt <= now()) throw state().error ?? new AuthError('session_expired')
    return renewed?.accessToken ?? null
  } catch (error) {
    // The renewal failed but the token still lasts a while: better than no token.
    const current = sessionOf(state())
    if (current && current.expiresAt > now()) return current.accessToken
    throw error
  }
}
