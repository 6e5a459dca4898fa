import { createAuthClient } from '../core/createAuthClient'
import type { AuthClient, AuthClientOptions, RegisteredUser } from '../core/types'
import type { TestAuthServer } from './createTestAuthServer'

export interface TestAuthClientOptions<User = RegisteredUser> extends AuthClientOptions<User> {
  /**
   * Start signed in as this user (a username of the server's `users`; `true` for the first one), with no
   * refresh call and no loading state: the server's sign-in answer becomes the `initialSession`.
   * @default false (signed out; a client started then makes its initial refresh, which finds no session)
   */
  signedInAs?: string | boolean
}

/**
 * An auth client wired to a test server: its `fetch` carries the auth calls and `client.fetch` (relative URLs
 * resolved against `server.origin`), the token may go to `server.origin` (`apiOrigins`), and cross-tab sync is
 * off so tests stay apart. Any option can still be overridden.
 *
 * @example
 * const server = createTestAuthServer({ routes: { 'GET /api/items': () => ({ items: [] }) } })
 * const client = createTestAuthClient(server, { signedInAs: 'ada' })
 * const response = await client.fetch('/api/items') // sent with the Bearer token, answered by the route
 */
export function createTestAuthClient<User = RegisteredUser>(
  server: TestAuthServer,
  options: TestAuthClientOptions<User> = {},
): AuthClient<User> {
  const { signedInAs = false, apiOrigins = [], ...rest } = options
  const initialSession =
    signedInAs === false ? undefined : server.signIn(signedInAs === true ? undefined : signedInAs)
  return createAuthClient<User>({
    fetch: server.fetch,
    crossTab: false,
    ...(initialSession === undefined ? {} : { initialSession }),
    ...rest,
    apiOrigins: [server.origin, ...apiOrigins],
  })
}
