import { AuthError, isAuthError, withoutTokens } from './AuthError'
import { warnOnce } from './warnOnce'

/**
 * The HTTP shape of an auth answer, decoded in one place for the client's transport, `refreshOnServer` and the
 * gateway: status → error code, `Retry-After`, token-safe `details`, `Set-Cookie` lines, the JSON body.
 */

export type AuthCall = 'login' | 'refresh' | 'logout'

/**
 * The longest wait a `Retry-After` may ask for, in seconds: one day. A larger value (or `Infinity`, `1e400`) is
 * a broken or hostile server, not a plan; the client's renewal caps it further so an expiring token is still
 * tried in time.
 */
export const MAX_RETRY_AFTER = 86_400

/**
 * Maps an HTTP status to the client's error: 408, 429 and 5xx are passing server trouble (the session is
 * kept); any other 4xx is the server's "no": wrong credentials for a login, the end of the session for a
 * refresh. `body` is the server's parsed error body: it becomes `details` (and `cause`, unless one is given),
 * tokens removed.
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
    if (process.env.NODE_ENV !== 'production' && call === 'refresh' && (status === 404 || status === 405)) {
      warnOnce(`the refresh endpoint answered ${status}: check the \`endpoints.refresh\` URL and method.`)
    }
    return new AuthError(call === 'login' ? 'invalid_credentials' : 'session_expired', undefined, options)
  }
  // Below 400 there should have been a token: not an answer this client understands.
  return new AuthError(
    status >= 400 ? 'server' : 'bad_response',
    process.env.NODE_ENV !== 'production'
      ? `The auth server answered ${status} to the ${call} call.`
      : undefined,
    options,
  )
}

/**
 * A `Retry-After` header as seconds to wait, at most {@link MAX_RETRY_AFTER}: delay-seconds, or an HTTP date
 * measured on the local clock (a date past means now); `undefined` when missing or neither.
 */
export function parseRetryAfter(value: string | null): number | undefined {
  if (!value?.trim()) return undefined
  // A finite number is delay-seconds; anything else is read as a date (`Infinity` and `1e400` are neither).
  const delay = Number(value)
  const seconds = Number.isFinite(delay) ? delay : (Date.parse(value) - Date.now()) / 1000
  return Number.isNaN(seconds) ? undefined : Math.min(MAX_RETRY_AFTER, Math.max(0, Math.ceil(seconds)))
}

/** The JSON in `text`, or `undefined` when it is not JSON (an HTML error page, a cut-off body). */
export const parseJson = (text: string): unknown => {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

/**
 * The answer's body as JSON, or the `AuthError` it means: an error status with its `Retry-After` (429, 503)
 * and its body as `details`; a success that is not JSON is `bad_response`.
 */
export function decodeAnswer(response: Response, text: string, call: AuthCall): unknown {
  const { status, headers } = response
  const data = text === '' ? null : parseJson(text)
  if (!response.ok) {
    const retryAfter =
      status === 429 || status === 503 ? parseRetryAfter(headers.get('Retry-After')) : undefined
    throw errorForStatus(status, call, data ?? undefined, retryAfter)
  }
  if (data === undefined) {
    throw new AuthError(
      'bad_response',
      process.env.NODE_ENV !== 'production'
        ? `The ${call} answer is not JSON (an HTML error page?).`
        : undefined,
      { status },
    )
  }
  return data
}

/**
 * Every `Set-Cookie` line of an answer, one string per cookie. Where `Headers` lacks `getSetCookie` (older
 * runtimes), `get` joins the lines with `, `: it is split again before each `name=` that starts a cookie,
 * never at the comma inside an `Expires=Wed, 21 Oct 2026 …` date.
 */
export function setCookieLines(headers: Headers): string[] {
  if (typeof headers.getSetCookie === 'function') return headers.getSetCookie()
  const joined = headers.get('set-cookie')
  return joined ? joined.split(/,\s*(?=[^;,=\s]+=)/) : []
}

/** What a thrown value may carry: an HTTP client's error has a `status`, or a `response` with one. */
type Thrown = { status?: unknown; response?: { status?: unknown }; name?: unknown } | null | undefined

const statusOf = (error: Thrown): number | undefined =>
  [error?.status, error?.response?.status].find((status): status is number => typeof status === 'number')

/**
 * Anything a transport throws, as an `AuthError`: an error carrying an HTTP status is read like that status
 * (a 4xx ends the session), a timeout or abort is `timeout`, anything else `network`.
 */
export function toAuthError(error: unknown, call: AuthCall): AuthError {
  if (isAuthError(error)) return error
  const status = statusOf(error as Thrown)
  if (status !== undefined) return errorForStatus(status, call, undefined, undefined, error)
  // Duck-typed: a DOMException is not an `Error` instance in every realm (jsdom, iframes).
  const name = (error as Thrown)?.name
  return new AuthError(name === 'TimeoutError' || name === 'AbortError' ? 'timeout' : 'network', undefined, {
    cause: error,
  })
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
  const said =
    typeof cause === 'string' ? cause : [cause?.error, cause?.code, cause?.error_description].join()
  return /revoked|reuse/i.test(said)
}
