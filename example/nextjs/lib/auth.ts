import { createAuthHooks } from 'react-jwt-session'

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

// Typed once for the app's user; used by the client components only.
export const { useAuth, useSession, RequireAuth } = createAuthHooks<DemoUser>()
