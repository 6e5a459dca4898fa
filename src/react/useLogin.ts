import type { UseMutationOptions, UseMutationResult } from '@tanstack/react-query'
import type { AuthError } from '../core/AuthError'
import type { RegisteredCredentials, RegisteredUser, Session } from '../core/types'
import { useClientMutation } from './useClientMutation'

/** TanStack `useMutation` options without `mutationFn`; `gcTime` defaults to 0 (see `useLogin`). */
export type UseLoginOptions<User = RegisteredUser> = Omit<
  UseMutationOptions<Session<User>, AuthError, RegisteredCredentials>,
  'mutationFn'
>

export type UseLoginResult<User = RegisteredUser> = UseMutationResult<
  Session<User>,
  AuthError,
  RegisteredCredentials
>

/**
 * `login` as a TanStack mutation for forms: `mutate(credentials)`, `isPending`, `error` (an `AuthError`:
 * check `error.code === 'invalid_credentials'`), `reset`. Works with or without a `QueryClientProvider`.
 * The credentials are the mutation's variables, so they leave the mutation cache as soon as the form
 * unmounts (`gcTime: 0` unless you pass another).
 *
 * @example
 * const login = useLogin()
 * <form onSubmit={(e) => { e.preventDefault(); login.mutate({ username, password }) }}>
 */
export function useLogin<User = RegisteredUser>(options?: UseLoginOptions<User>): UseLoginResult<User> {
  return useClientMutation(
    'useLogin',
    // The credentials are the mutation's variables: drop them from the cache once the form unmounts.
    { gcTime: 0, ...options },
    (client, credentials: RegisteredCredentials) => client.login(credentials) as Promise<Session<User>>,
  )
}
