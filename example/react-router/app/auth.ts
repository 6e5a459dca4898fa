import { type AuthClient, createAuthClient, createAuthHooks, type TokenResponse } from 'react-jwt-session'

/** The user as the reference server sends it with every token. */
export interface DemoUser {
  id: string
  username: string
  name: string
  role: string
}

export interface Item {
  id: string
  title: string
  done: boolean
}

export const { useAuth, useSession, RequireAuth } = createAuthHooks<DemoUser>()

let browserClient: AuthClient<DemoUser> | null = null

/**
 * The auth client of this tab, made once with the session the server rendered with. On the server every
 * render gets its own client: one shared between requests would mix users.
 */
export function authClientFor(session: TokenResponse | null): AuthClient<DemoUser> {
  if (typeof window === 'undefined') return createAuthClient<DemoUser>({ initialSession: session })
  browserClient ??= createAuthClient<DemoUser>({ initialSession: session })
  return browserClient
}

/** The tab's client for client loaders, which run only after hydration made it; null before. */
export const currentAuthClient = () => browserClient
