import { type NextRequest, NextResponse } from 'next/server'
import { refreshOnServer } from 'react-jwt-session/server'
import { encodeSession, SESSION_HEADER } from './lib/sessionHeader'

/** Pages that need a session: a signed-out visit is redirected to the sign-in page by the server. */
const PROTECTED = ['/dashboard']

const isProtected = (pathname: string) =>
  PROTECTED.some((path) => pathname === path || pathname.startsWith(`${path}/`))

/**
 * Runs before every page request (see `config`): renews the session with the browser's refresh cookie,
 * which rotates it, so the rotated `Set-Cookie` must go on the response, and Server Components cannot set
 * cookies: the proxy can. The session goes on to the render in a request header.
 */
export async function proxy(request: NextRequest) {
  const headers = new Headers(request.headers)
  headers.delete(SESSION_HEADER)
  // The auth routes are served by the example's server on this origin; RJS_AUTH_ORIGIN is where the proxy
  // reaches them (the server sets it to its own address, which may differ from the Host the browser used).
  const refreshUrl = new URL('/auth/refresh', process.env.RJS_AUTH_ORIGIN ?? request.url)
  const { session, setCookie } = await refreshOnServer(request, { refreshUrl })

  const pathname = request.nextUrl.pathname
  let response: NextResponse
  if (!session && isProtected(pathname)) {
    const login = new URL('/login', request.url)
    login.searchParams.set('next', pathname)
    response = NextResponse.redirect(login, 307)
  } else {
    if (session) headers.set(SESSION_HEADER, encodeSession(session))
    response = NextResponse.next({ request: { headers } })
  }
  // Every Set-Cookie line goes on, also with no session (a cleared cookie): a browser left with the old
  // refresh token would replay it next time.
  for (const line of setCookie) response.headers.append('Set-Cookie', line)
  response.headers.set('Cache-Control', 'private, no-store')
  return response
}

export const config = {
  matcher: [
    {
      // Pages only: not the auth API, not Next's assets.
      source: '/((?!auth/|api/|_next/|favicon.ico).*)',
      // Client-side navigations and prefetches fetch RSC payloads; the browser already holds the session in
      // memory then, and renewing on each of them would rotate the cookie for nothing.
      missing: [
        { type: 'header', key: 'rsc' },
        { type: 'header', key: 'next-router-prefetch' },
      ],
    },
  ],
}
