import type { UseMutationOptions, UseMutationResult } from '@tanstack/react-query'
import type { AuthError } from '../core/AuthError'
import type { LogoutOptions } from '../core/types'
import { useClientMutation } from './useClientMutation'

/** The mutation's variables: `mutate()` or `mutate({ everywhere: true })`. */
// biome-ignore lint/suspicious/noConfusingVoidType: `void` is what lets TanStack's `mutate()` take no argument
export type LogoutVariables = LogoutOptions | void

/** TanStack `useMutation` options without `mutationFn`. */
export type UseLogoutOptions = Omit<UseMutationOptions<void, AuthError, LogoutVariables>, 'mutationFn'>

export type UseLogoutResult = UseMutationResult<void, AuthError, LogoutVariables>

/**
 * `logout` as a TanStack mutation: `mutate()` or `mutate({ everywhere: true })`, `isPending` while the
 * server call runs (the tab is signed out at once), `onSuccess` to navigate. It never fails for an
 * unreachable server: the sign-out still happens and the client reports the failure in `error` of its state.
 * Works with or without a `QueryClientProvider`.
 *
 * @example
 * const logout = useLogout()
 * <button onClick={() => logout.mutate({ everywhere: true })} disabled={logout.isPending}>Sign out everywhere</button>
 */
export function useLogout(options?: UseLogoutOptions): UseLogoutResult {
  return useClientMutation('useLogout', options, (client, variables: LogoutVariables) =>
    client.logout(variables ?? {}),
  )
}
