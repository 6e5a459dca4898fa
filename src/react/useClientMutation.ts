import { QueryClientContext, type UseMutationOptions, useMutation } from '@tanstack/react-query'
import { useContext } from 'react'
import type { AuthError } from '../core/AuthError'
import type { AuthClient } from '../core/types'
import { useAuthContext } from './context'

/**
 * A TanStack mutation that runs one of the client's calls, in the nearest `QueryClientProvider`'s client,
 * else the auth provider's own: `useLogin` and `useLogout` work with or without one. Internal.
 */
export function useClientMutation<Data, Variables>(
  caller: string,
  options: Omit<UseMutationOptions<Data, AuthError, Variables>, 'mutationFn'> | undefined,
  run: (client: AuthClient<unknown>, variables: Variables) => Promise<Data>,
) {
  const { client, getQueryClient } = useAuthContext(caller)
  const nearest = useContext(QueryClientContext)
  return useMutation(
    { ...options, mutationFn: (variables: Variables) => run(client, variables) },
    nearest ?? getQueryClient(),
  )
}
