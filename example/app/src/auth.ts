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
export const authClient = createAuthClient<DemoUser>()

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

/** The server's own words for an error, when it sent `{ error, message }`. */
const serverMessage = (error: AuthError) => {
  const cause = error.cause as { message?: unknown } | undefined
  return typeof cause?.message === 'string' ? cause.message : null
}

/** A sign-in failure in words a user can act on. */
export function describeLoginError(error: AuthError): string {
  if (error.code === 'invalid_credentials') return 'Wrong username or password.'
  if (error.status === 429) {
    return serverMessage(error) ?? 'Too many failed sign-in attempts. Wait a few minutes and try again.'
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
