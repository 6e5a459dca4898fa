import type { TokenResponse } from 'react-jwt-session'
import { refreshOnServer } from 'react-jwt-session/server'
import { createContext, type MiddlewareFunction } from 'react-router'

/** The session the middleware renewed for this request, for the loaders. */
export const sessionContext = createContext<TokenResponse | null>(null)

/**
 * Renews the session with the browser's refresh cookie before the loaders run, and passes the rotated
 * `Set-Cookie` on in the response: without it the browser would replay the used refresh token next time.
 */
export const renewSession: MiddlewareFunction<Response> = async ({ request, context }, next) => {
  // The auth routes are served on this origin by the example's server; RJS_AUTH_ORIGIN is where this code
  // reaches them (the server sets it to its own address).
  const refreshUrl = new URL('/auth/refresh', process.env.RJS_AUTH_ORIGIN ?? request.url)
  const { session, setCookie } = await refreshOnServer(request, { refreshUrl })
  context.set(sessionContext, session)
  const response = await next()
  for (const line of setCookie) response.headers.append('Set-Cookie', line)
  response.headers.set('Cache-Control', 'private, no-store')
  return response
}
