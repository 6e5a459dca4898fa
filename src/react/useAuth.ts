import { useMemo } from 'react'
import type { AuthError } from '../core/AuthError'
import type { AuthClient, AuthState, AuthStatus, RegisteredUser } from '../core/types'
import { useAuthContext, useAuthSelector } from './context'

export interface UseAuthResult<User = RegisteredUser> {
  status: AuthStatus
  /** `status === 'authenticated'`. */
  isAuthenticated: boolean
  /** `status === 'loading'`: the session is being restored. */
  isLoading: boolean
  user: User | null
  /** The last failure; cleared by the next success. */
  error: AuthError | null
  /** Signs in; rejects with `AuthError`. Stable across renders. */
  login: AuthClient<User>['login']
  /** Signs out here and in every tab; `{ everywhere: true }` also on every device. Stable across renders. */
  logout: AuthClient<User>['logout']
  /** Renews the access token now. Stable across renders. */
  refresh: AuthClient<User>['refresh']
  /** A valid access token, refreshing first if needed; `null` when signed out. Stable across renders. */
  getAccessToken: AuthClient<User>['getAccessToken']
  /** `fetch` with `Authorization: Bearer` for allowed origins and one refresh-and-retry on 401. Stable. */
  fetch: AuthClient<User>['fetch']
}

type Picked = Pick<AuthState<unknown>, 'status' | 'user' | 'error'>

const pick = ({ status, user, error }: AuthState<unknown>): Picked => ({ status, user, error })

/**
 * The auth state and actions. Re-renders only when `status`, `user` or `error` change, so a silent refresh
 * (a new token for the same user) does not re-render it.
 *
 * With a selector, returns what it selects from the client's `AuthState` and re-renders only when that
 * changes (compared shallowly, so a selector may return a new object or array).
 *
 * @example
 * const { user, logout } = useAuth<MyUser>()
 * const name = useAuth((state: AuthState<MyUser>) => state.user?.name)
 */
export function useAuth<User = RegisteredUser>(): UseAuthResult<User>
export function useAuth<Selected, User = RegisteredUser>(
  selector: (state: AuthState<User>) => Selected,
): Selected
export function useAuth(selector?: (state: AuthState<unknown>) => unknown): unknown {
  const { client } = useAuthContext('useAuth')
  const selected = useAuthSelector('useAuth', selector ?? pick)
  const picked = selector ? null : (selected as Picked)
  return useMemo(() => {
    if (picked === null) return selected
    return {
      ...picked,
      isAuthenticated: picked.status === 'authenticated',
      isLoading: picked.status === 'loading',
      login: client.login,
      logout: client.logout,
      refresh: client.refresh,
      getAccessToken: client.getAccessToken,
      fetch: client.fetch,
    }
  }, [client, picked, selected])
}
