import type { QueryClient } from '@tanstack/react-query'
import { createContext, useContext } from 'react'
import { useStore } from 'zustand'
import { useShallow } from 'zustand/shallow'
import type { AuthClient, AuthState } from '../core/types'

/** What `<AuthProvider>` hands down. Internal: read it through the hooks. */
export interface AuthContextValue {
  client: AuthClient<unknown>
  /** The provider's `QueryClient` (prop or nearest provider), else a private one made on first use. */
  getQueryClient: () => QueryClient
}

export const AuthContext = createContext<AuthContextValue | null>(null)

/** The provider's value, or an error that says how to fix a missing `<AuthProvider>`. */
export function useAuthContext(caller: string): AuthContextValue {
  const value = useContext(AuthContext)
  if (value === null) {
    // The how-to-fix sentence is for development; a production bundle keeps only what failed.
    throw new Error(
      `[react-jwt-session] ${caller} must be used inside <AuthProvider>.${
        process.env.NODE_ENV !== 'production'
          ? ' Wrap your app: <AuthProvider client={authClient} fallback={<Spinner />}><App /></AuthProvider>, ' +
            'with authClient = createAuthClient() made once outside React.'
          : ''
      }`,
    )
  }
  return value
}

/**
 * A slice of the provider's auth state; re-renders only when the slice changes, compared shallowly so a
 * selector may return a new object (or a primitive, compared as is).
 */
export function useAuthSelector<Selected>(caller: string, selector: (state: AuthState<unknown>) => Selected) {
  const { client } = useAuthContext(caller)
  return useStore(client.store, useShallow(selector))
}
