import { AuthError, isAuthError, withoutTokens } from './AuthError'
import type { AuthEndpoints, AuthTransport, Credentials, TransportContext } from './types'
import { warnOnce } from './warnOnce'

export type AuthCall = 'login' | 'refresh' | 'logout'

export const defaultEndpoints: AuthEndpoints = {
  login: '/auth/login',
  refresh: '/auth/refresh',
  logout: '/auth/logout',
  logoutEverywhere: '/auth/logout-all',
}

/**
 * Maps an HTTP status to the client's error: 408, 429 and 5xx are passing server trouble (the session is
 * kept); any other 4xx is the server's "no": wrong credentials for a login, the end of the session for a
 * refresh. `body` is the server's parsed error body: it becomes `details` (and `cause`, unless one is given),
 * token-shaped strings removed.
 */
export function errorForStatus(
  status: number,
  call: AuthCall,
  body?: unknown,
  retryAfter?: number,
  cause?: unknown,
): AuthError {
  const details = withoutTokens(body)
  const options = { status, cause: cause ?? details, details, retryAfter }
  if (status >= 400 && status < 500 && status !== 408 && status !== 429) {
    // The production test first, so a production build drops the whole check.
    if (
      typeof process !== 'undefined' &&
      process.env.NODE_ENV !== 'production' &&
      call === 'refresh' &&
      (status === 404 || status === 405)
    ) {
      warnOnce(`the refresh endpoint answered ${status}: check the \`endpoints.refresh\` URL and method.`)
    }
    const code = call === 'login' ? 'invalid_credentials' : 'session_expired'
    return new AuthError(code, undefined, options)
  }
  // Below 400 there should have been a token: not an answer this client understands.
  const code = status >= 400 ? 'server' : 'bad_response'
  return new AuthError(
    code,
    typeof process !== 'undefined' && process.env.NODE_ENV !== 'production'
      ? `The auth server answered ${status} to the ${call} call.`
      : undefined,
    options,
  )
}

/**
 * A `Retry-After` header as seconds to wait: delay-seconds, or an HTTP date measured on the local clock (a date
 * past means now); `undefined` when missing or neither.
 */
export function parseRetryAfter(value: string | null): number | undefined {
  // `Number('0')` is falsy and goes on to `Date.parse('0')`, a date long past: 0 s either way.
  const seconds = Math.max(0, Math.ceil(Number(value) || (Date.parse(value as string) - Date.now()) / 1000))
  return seconds >= 0 ? seconds : undefined
}

/** What a thrown value may carry: an HTTP client's error has a `status`, or a `response` with one. */
type Thrown = { status?: unknown; response?: { status?: unknown }; name?: unknown } | null | undefined

const statusOf = (error: Thrown): number | undefined => {
  if (typeof error?.status === 'number') return error.status
  if (typeof error?.response?.status === 'number') return error.response.status
  return undefined
}

/** Anything a transport throws, as an `AuthError` (SPEC §3 `transport`). */
export function toAuthError(error: unknown, call: AuthCall): AuthError {
  if (isAuthError(error)) return error
  const status = statusOf(error as Thrown)
  if (status !== undefined) return errorForStatus(status, call, undefined, undefined, error)
  // Duck-typed: a DOMException is not an `Error` instance in every realm (jsdom, iframes).
  const name = (error as Thrown)?.name
  const code = name === 'TimeoutError' || name === 'AbortError' ? 'timeout' : 'network'
  return new AuthError(code, undefined, { cause: error })
}

/** Whether the server said the session is over, as opposed to a passing failure. */
export const isRefusal = (error: AuthError) =>
  error.code === 'session_expired' || error.code === 'invalid_credentials'

/** Whether a refusal says the session was revoked (reuse detected, signed out everywhere). */
export function isRevocation(error: AuthError): boolean {
  const cause = error.cause as
    | { error?: unknown; code?: unknown; error_description?: unknown }
    | string
    | undefined
  const said = typeof cause === 'string' ? [cause] : [cause?.error, cause?.code, cause?.error_description]
  return said.some((text) => typeof text === 'string' && /revoked|reuse/i.test(text))
}

const parseJson = (text: string): unknown => {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

export interface HttpTransportOptions {
  endpoints: AuthEndpoints
  getFetch: () => typeof fetch
}

/** The default transport: `POST` JSON with `credentials: 'include'` so the HttpOnly refresh cookie goes along. */
export function createHttpTransport({ endpoints, getFetch }: HttpTransportOptions) {
  async function post(url: string, call: AuthCall, body: unknown, signal?: AbortSignal): Promise<unknown> {
    const fail = (cause: unknown) => (signal?.aborted ? new AuthError('timeout') : toAuthError(cause, call))
    let text: string
    let response: Response
    try {
      const fetchImpl = getFetch()
      response = await fetchImpl(url, {
        method: 'POST',
        credentials: 'include',
        // A JSON content type makes a cross-site request need a CORS preflight: a CSRF guard for free.
        headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
        body: JSON.stringify(body ?? {}),
        ...(signal ? { signal } : {}),
      })
      text = await response.text()
    } catch (cause) {
      throw fail(cause)
    }
    const data = text === '' ? null : parseJson(text)
    if (!response.ok) {
      const { status, headers } = response
      const retryAfter =
        status === 429 || status === 503 ? parseRetryAfter(headers.get('Retry-After')) : undefined
      throw errorForStatus(status, call, data ?? undefined, retryAfter)
    }
    if (data === undefined) {
      throw new AuthError(
        'bad_response',
        typeof process !== 'undefined' && process.env.NODE_ENV !== 'production'
          ? `The ${call} answer is not JSON (an HTML error page?).`
          : undefined,
        {
          status: response.status,
        },
      )
    }
    return data
  }

  return {
    login: (credentials: Credentials, context?: TransportContext) =>
      post(endpoints.login, 'login', credentials, context?.signal),
    refresh: (context?: TransportContext) => post(endpoints.refresh, 'refresh', undefined, context?.signal),
    logout: ({ everywhere }: { everywhere: boolean }, context?: TransportContext) =>
      post(everywhere ? endpoints.logoutEverywhere : endpoints.logout, 'logout', undefined, context?.signal),
  } satisfies AuthTransport
}
