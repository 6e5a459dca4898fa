import { QueryClient } from '@tanstack/react-query'
import { type AuthError, createAuthClient, createAuthHooks } from 'react-jwt-session'
import { idleTimeout } from 'react-jwt-session/idle'

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

// Made once, outside React: the endpoints are the defaults (/auth/login, /auth/refresh, …) on this origin.
// sessionHint: a visitor who never signed in (or signed out) makes no refresh call on load, so the page shows
// no gate and the console no red 401 from a refused refresh. Leave it off for server-rendered pages.
export const authClient = createAuthClient<DemoUser>({ sessionHint: true })

/** Sign-out reasons: whoever signs in next may be someone else, so the login page gets no way back. */
const SIGNED_OUT = ['logout', 'other-tab', 'idle']

/** Where a signed-out visitor of `path` is sent: the login page, with `next` unless the user signed out. */
export const loginUrl = (path: string, reason: string | null) =>
  SIGNED_OUT.includes(reason ?? '') ? '/login' : `/login?next=${encodeURIComponent(path)}`

export const { useAuth, useSession, useLogin, useAuthClient, useAuthEvent, RequireAuth } =
  createAuthHooks<DemoUser>()

/**
 * The idle timeout is opt-in: `?idle=30` signs out after 30 s without activity in any tab (the warning
 * comes 6 s before). Read once, when the app loads.
 */
const idleSeconds =
  typeof window === 'undefined' ? 0 : Number(new URLSearchParams(window.location.search).get('idle') ?? 0)
export const idleEnabled = Number.isFinite(idleSeconds) && idleSeconds > 0
if (idleEnabled) idleTimeout(authClient, { timeout: idleSeconds * 1000 })

export const queryClient = new QueryClient({
  defaultOptions: { queries: { staleTime: 10_000, retry: 1, refetchOnWindowFocus: false } },
})

declare global {
  interface Window {
    /** Set by the end-to-end tests before the page loads. */
    __RJS_E2E__?: boolean
    /** The demo's query client, exposed only for the end-to-end tests (they check it is emptied). */
    __rjsDemo?: { queryClient: QueryClient }
  }
}
if (typeof window !== 'undefined' && window.__RJS_E2E__ === true) window.__rjsDemo = { queryClient }

/** A sign-in failure in words a user can act on. */
export function describeLoginError(error: AuthError): string {
  if (error.code === 'invalid_credentials') return 'Wrong username or password.'
  if (error.status === 429) {
    // `retryAfter` is the server's Retry-After header, in seconds.
    return error.retryAfter === undefined
      ? 'Too many attempts. Wait a few minutes and try again.'
      : `Too many attempts. Try again in ${error.retryAfter} s.`
  }
  if (error.code === 'network' || error.code === 'timeout') {
    return 'The server could not be reached. Check your connection and try again.'
  }
  return 'The server could not sign you in right now. Try again in a moment.'
}

/** A failed renewal, for the banner shown while the session is kept. */
export function describeRefreshError(error: AuthError): string {
  if (error.code === 'network') return 'The auth server cannot be reached.'
  if (error.code === 'timeout') return 'The auth server is not answering.'
  return `The auth server answered with an error${error.status ? ` (${error.status})` : ''}.`
}
