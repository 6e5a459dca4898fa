import type { AuthClient } from '../core/types'
import { useAuthContext } from './context'

/**
 * The auth client of the nearest `<AuthProvider>`, e.g. to hand `client.fetch` or `getAccessToken` to an
 * API layer. Pass your `User` type: `useAuthClient<MyUser>()`.
 */
export function useAuthClient<User = unknown>(): AuthClient<User> {
  return useAuthContext('useAuthClient').client as AuthClient<User>
}
