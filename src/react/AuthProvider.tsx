import { QueryClient, QueryClientContext } from '@tanstack/react-query'
import { type ReactNode, useContext, useEffect, useMemo, useRef } from 'react'
import { useStore } from 'zustand'
import { subjectOf } from '../core/authState'
import { createAuthClient } from '../core/createAuthClient'
import type { AuthClient, AuthClientOptions, RegisteredUser } from '../core/types'
import { AuthContext, type AuthContextValue } from './context'

interface AuthProviderOwnProps {
  /**
   * Shown instead of the children while the session is being restored (`status: 'loading'`): the loading
   * gate for the whole app. Without it the children render at once, so public pages show during the initial
   * refresh and `<RequireAuth loading>` gates only the protected parts.
   * @default undefined (no gate)
   */
  fallback?: ReactNode
  /**
   * The TanStack `QueryClient` to clear on every sign-out and user switch, so the next user never sees the
   * last user's data. Only a `QueryClientProvider` *above* the `<AuthProvider>` is found: with one below it,
   * pass its client here.
   * @default the client of the nearest `QueryClientProvider` above, if any
   */
  queryClient?: QueryClient
  /**
   * The app. Rendered at once, or after the session is restored when there is a `fallback`.
   * @default undefined
   */
  children?: ReactNode
}

interface WithClient<User> {
  /**
   * An auth client made once outside React with `createAuthClient()`. Instead of it, the client options
   * can be passed as props; the provider then makes its own client once (later changes are ignored).
   * @default a client made from the other props
   */
  client: AuthClient<User>
}

type WithOptions<User> = AuthClientOptions<User> & { client?: never }

export type AuthProviderProps<User = RegisteredUser> = AuthProviderOwnProps &
  (WithClient<User> | WithOptions<User>)

/**
 * Provides the auth client to the hooks and components below, starts it on mount (one initial refresh,
 * however often React mounts), gates the app while loading when given a `fallback`, and clears the query
 * cache on every sign-out.
 *
 * @example
 * const authClient = createAuthClient<User>()
 * <AuthProvider client={authClient} fallback={<Spinner />}><App /></AuthProvider>
 */
export function AuthProvider<User = RegisteredUser>(props: AuthProviderProps<User>): ReactNode {
  const { fallback, queryClient: queryClientProp, children, client: given, ...options } = props
  // A ref, not useState: StrictMode calls state initializers twice but (React 19) keeps refs between its two
  // renders, so one client per provider. React 18's dev-only double render still builds a throwaway, which
  // never starts: making a client has no side effects.
  const own = useRef<AuthClient<User> | null>(null)
  if (given === undefined && own.current === null) own.current = createAuthClient<User>(options)
  const client = (given ?? own.current) as AuthClient<unknown>

  const foundQueryClient = useContext(QueryClientContext)
  const queryClient = queryClientProp ?? foundQueryClient
  const privateQueryClient = useRef<QueryClient | null>(null)

  useEffect(() => client.start(), [client])

  useEffect(
    () =>
      client.subscribe((state, previous) => {
        if (previous.status !== 'authenticated') return
        if (state.status === 'authenticated' && subjectOf(state.claims) === subjectOf(previous.claims)) return
        // Signed out (here, in another tab, by expiry or revocation) or another user: drop the cached data.
        queryClient?.clear()
        privateQueryClient.current?.clear()
      }),
    [client, queryClient],
  )

  const loading = useStore(client.store, (state) => state.status === 'loading')
  const value = useMemo<AuthContextValue>(
    () => ({
      client,
      // Only `useLogin` and `useLogout` without a QueryClientProvider need this one; made on first use.
      getQueryClient: () => {
        if (queryClient) return queryClient
        privateQueryClient.current ??= new QueryClient()
        return privateQueryClient.current
      },
    }),
    [client, queryClient],
  )

  return (
    <AuthContext.Provider value={value}>
      {loading && fallback !== undefined ? fallback : children}
    </AuthContext.Provider>
  )
}
