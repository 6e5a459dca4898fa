import type { AuthClient, RegisteredUser } from '../core/types'
import { useAuthContext } from './context'

/**
 * The auth client of the nearest `<AuthProvider>`, e.g. to hand `client.fetch` or `getAccessToken` to an
 * API layer. Typed by the registered `User` (see `Register`), or pass one: `useAuthClient<MyUser>()`.
 */
export function useAuthClient<User = RegisteredUser>(): AuthClient<User> {
  return useAuthContext('useAuthClient').client as AuthClient<User>
}
