import { AuthError } from '../core/AuthError'
import { createSession } from '../core/createSession'
import { errorForStatus, toAuthError } from '../core/httpTransport'
import { parseTokenResponse } from '../core/parseTokenResponse'
import { withTimeout } from '../core/timers'
import type { ParsedTokenResponse, TokenResponse } from '../core/types'

export interface RefreshOnServerOptions {
  /** The refresh endpoint; a relative URL is resolved against the request's URL. */
  refreshUrl: string | URL
  /** @default the global fetch */
  fetch?: typeof fetch
  /** Same as the client's option; used to check the answer before handing it to the page. */
  parseTokenResponse?: (body: TokenResponse) => ParsedTokenResponse
  /** The refresh call is aborted after this many ms. @default 5_000 */
  timeout?: number
}

export interface RefreshOnServerResult {
  /** The token answer to hand to `<AuthProvider initialSession>`, or `null` when there is no session. */
  session: TokenResponse | null
  /** The auth server's `Set-Cookie` headers: pass every one on in the page's response (the rotated cookie). */
  setCookie: string[]
  /** Why there is no session: `null` with a session. */
  error: AuthError | null
}

const parseJson = (text: string): unknown => {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

const getSetCookie = (headers: Headers): string[] => {
  if (typeof headers.getSetCookie === 'function') return headers.getSetCookie()
  const joined = headers.get('set-cookie')
  return joined ? [joined] : []
}

/**
 * Renews the session during server rendering: forwards the request's `Cookie` header to the refresh
 * endpoint and returns the token answer with the `Set-Cookie` headers to pass on. Never throws for a
 * refusal, an unreachable server or a malformed answer: `session` is `null` and `error` says why.
 *
 * @example
 * const { session, setCookie } = await refreshOnServer(request, { refreshUrl: '/auth/refresh' })
 * const html = renderToString(<AuthProvider initialSession={session}>…</AuthProvider>)
 * return new Response(html, { headers: [...setCookie.map((c) => ['Set-Cookie', c])] })
 */
export async function refreshOnServer(
  request: Request,
  options: RefreshOnServerOptions,
): Promise<RefreshOnServerResult> {
  const cookie = request.headers.get('cookie')
  if (!cookie) {
    return {
      session: null,
      setCookie: [],
      error: new AuthError('session_expired', 'The request has no cookie.'),
    }
  }
  const fetchImpl = options.fetch ?? globalThis.fetch
  // Kept outside the try: the refresh token may have rotated even when the answer is unusable, and a
  // browser left with the old cookie would replay it (reuse detection signs the user out everywhere).
  let setCookie: string[] = []
  try {
    const url = new URL(options.refreshUrl, request.url)
    const { response, text } = await withTimeout(
      async (signal) => {
        const response = await fetchImpl(url, {
          method: 'POST',
          headers: { Cookie: cookie, 'Content-Type': 'application/json', Accept: 'application/json' },
          body: '{}',
          signal,
        })
        return { response, text: await response.text() }
      },
      options.timeout ?? 5_000,
      () => new AuthError('timeout'),
    )
    setCookie = getSetCookie(response.headers)
    if (!response.ok) {
      return { session: null, setCookie, error: errorForStatus(response.status, 'refresh', parseJson(text)) }
    }
    let body: unknown
    try {
      body = JSON.parse(text)
    } catch {
      return {
        session: null,
        setCookie,
        error: new AuthError('bad_response', 'The refresh answer is not JSON.'),
      }
    }
    // Checked here so a malformed or expired token never reaches the page.
    createSession(body, Date.now(), options.parseTokenResponse ?? parseTokenResponse, undefined)
    return { session: body, setCookie, error: null }
  } catch (thrown) {
    return { session: null, setCookie, error: toAuthError(thrown, 'refresh') }
  }
}
