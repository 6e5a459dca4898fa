import type { AuthError } from '../core/AuthError'
import { toAuthError } from '../core/httpCodec'

/** The gateway's error codes, as its answers' `error` field. */
export type GatewayErrorCode =
  | 'invalid_credentials'
  | 'invalid_grant'
  | 'upstream_unavailable'
  | 'rate_limited'
  | 'bad_response'
  | 'session_too_large'
  | 'forbidden_origin'
  | 'method_not_allowed'
  | 'not_found'
  | 'bad_request'
  | 'server_error'

/** An error answer's parts: `{ error, message }` with a status, and what becomes of the session cookie. */
export interface GatewayFailure {
  status: number
  error: GatewayErrorCode
  message: string
  /** Seconds, from the upstream's `Retry-After`. */
  retryAfter?: number | undefined
  /** `true`: the answer clears the session cookie (the session is over); `false`: the cookie is kept. */
  clearCookie: boolean
}

// Auth answers carry tokens: no cache, proxy or CDN may keep one.
const NO_STORE = {
  'Cache-Control': 'no-store, max-age=0',
  Pragma: 'no-cache',
  'X-Content-Type-Options': 'nosniff',
}

/** A JSON answer with every `Set-Cookie` line as its own header. */
export function jsonAnswer(
  status: number,
  body: unknown,
  setCookie: readonly string[] = [],
  headers: Record<string, string> = {},
): Response {
  const out = new Headers({ ...NO_STORE, ...headers })
  for (const line of setCookie) out.append('Set-Cookie', line)
  if (body === undefined) return new Response(null, { status, headers: out })
  out.set('Content-Type', 'application/json; charset=utf-8')
  return new Response(JSON.stringify(body), { status, headers: out })
}

/** The answer for a failure: `{ error, message }`, its status, `Retry-After` and `Allow` where they apply. */
export function failureAnswer(
  failure: GatewayFailure,
  setCookie: readonly string[] = [],
  headers: Record<string, string> = {},
): Response {
  const extra = { ...headers }
  if (failure.retryAfter !== undefined) extra['Retry-After'] = String(failure.retryAfter)
  return jsonAnswer(failure.status, { error: failure.error, message: failure.message }, setCookie, extra)
}

export const failure = (
  status: number,
  error: GatewayErrorCode,
  message: string,
  clearCookie = false,
): GatewayFailure => ({ status, error, message, clearCookie })

export type GatewayCall = 'login' | 'refresh' | 'logout'

/** The end of an outage's sentence: a refresh or logout keeps the session; a login has none yet. */
const retry = (call: GatewayCall) => (call === 'login' ? ' Try again.' : ' The session is kept; try again.')

/**
 * What the browser is told when an upstream call failed. Built from the error's code and status only: an
 * upstream's body or message never reaches the answer.
 */
export function upstreamFailure(thrown: unknown, call: GatewayCall): GatewayFailure {
  const error: AuthError = toAuthError(thrown, call === 'login' ? 'login' : 'refresh')
  switch (error.code) {
    case 'invalid_credentials':
    case 'session_expired':
      return call === 'login'
        ? failure(401, 'invalid_credentials', 'The username or password is not correct.')
        : failure(401, 'invalid_grant', 'The session has ended or was revoked. Sign in again.', true)
    case 'bad_response':
    case 'bad_token':
      return failure(
        502,
        'bad_response',
        'The auth server answered with something that is not a usable token answer. Try again later.',
      )
    case 'timeout':
      return failure(504, 'upstream_unavailable', `The auth server did not answer in time.${retry(call)}`)
    default: {
      const status = error.status === 429 ? 429 : error.status === 503 ? 503 : 502
      const failed =
        status === 429
          ? failure(
              429,
              'rate_limited',
              'The auth server asks to slow down. Try again after the Retry-After delay.',
            )
          : failure(status, 'upstream_unavailable', `The auth server could not be reached.${retry(call)}`)
      return { ...failed, retryAfter: error.retryAfter }
    }
  }
}
