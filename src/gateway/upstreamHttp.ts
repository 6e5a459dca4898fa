import { AuthError, type AuthErrorCode, isAuthError } from '../core/AuthError'
import {
  type AuthCall,
  errorForStatus,
  isRefusal,
  MAX_RETRY_AFTER,
  parseJson,
  parseRetryAfter,
} from '../core/httpCodec'
import { readBounded } from './readBounded'
import type { UpstreamContext, UpstreamTokens } from './types'

// Server code: its messages stay in production builds (they go to the app's logs, never to the browser).

/** A token answer is a few KB; a body past this is not one (a runaway page, a hostile server). */
const MAX_BODY_BYTES = 1 << 20

/** How a preset reads a refused (4xx) answer: which error it is, and the upstream's own error code. */
export interface Refusal {
  /** `invalid_credentials` / `session_expired` for the user's "no"; `server` for a configuration the upstream refuses. */
  code: AuthErrorCode
  /** The upstream's error code (`invalid_grant`, `token_not_valid`): kept in `details.error`, never a body. */
  reason?: string | undefined
  /** For a configuration error: what is wrong and what to change. Never an upstream body or a token. */
  message?: string | undefined
}

export interface UpstreamRequest {
  /** The preset's name, for messages (`'simplejwt'`). */
  upstream: string
  /** Which call this is: a 4xx refuses a login as `invalid_credentials`, anything else as `session_expired`. */
  call: AuthCall
  url: string
  /** @default 'POST' */
  method?: 'GET' | 'POST'
  /** A JSON body; or `form`, an `application/x-www-form-urlencoded` one. */
  json?: unknown
  form?: Record<string, string>
  headers?: Record<string, string>
  /** The preset's reading of a 4xx answer; `undefined` keeps the default for `call`. */
  refusal?: ((status: number, body: unknown) => Refusal | undefined) | undefined
}

/** `base` and `path` joined with one slash, so a base with a path (`https://x.example/backend`) keeps it. */
export const joinUrl = (base: string, path: string) =>
  /^https?:\/\//i.test(path) ? path : `${base.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`

/** An upstream's short error code, if it is one: a word, not a sentence, a body or a token. */
export const errorCode = (value: unknown): string | undefined =>
  typeof value === 'string' && /^[\w.:-]{1,64}$/.test(value) && !/^eyJ/.test(value) ? value : undefined

/**
 * Calls the upstream once (`POST` unless told, through `ctx.fetch` with `ctx.signal`) and answers its parsed JSON body, `null`
 * for an empty one. Every failure is an `AuthError` whose message names the upstream, the call and the status,
 * never a body or a token: a connection failure is `network`, the gateway's timeout `timeout`, 429/503 `server`
 * with `retryAfter`, 408 and 5xx `server`, a 2xx that is not JSON (an HTML page) `bad_response`; a 4xx is what
 * `refusal` says, by default the user's "no" for `call`.
 */
export async function callUpstream(ctx: UpstreamContext, request: UpstreamRequest): Promise<unknown> {
  const { upstream, call } = request
  const headers: Record<string, string> = { Accept: 'application/json', ...request.headers }
  let body: string | undefined
  if (request.form) {
    headers['Content-Type'] = 'application/x-www-form-urlencoded'
    body = new URLSearchParams(request.form).toString()
  } else if (request.json !== undefined) {
    headers['Content-Type'] = 'application/json'
    body = JSON.stringify(request.json)
  }
  let response: Response
  let text: string
  try {
    response = await ctx.fetch(request.url, {
      method: request.method ?? 'POST',
      headers,
      redirect: 'manual',
      signal: ctx.signal,
      ...(body === undefined ? {} : { body }),
    })
    text = await readBounded(response, MAX_BODY_BYTES)
  } catch (cause) {
    if (ctx.signal.aborted) {
      throw new AuthError('timeout', `The ${upstream} upstream did not answer the ${call} call in time.`)
    }
    if (cause instanceof RangeError) {
      throw new AuthError('bad_response', `The ${upstream} upstream's ${call} answer is over 1 MB.`)
    }
    throw new AuthError(
      'network',
      `The ${upstream} upstream could not be reached for the ${call} call.`,
      // The cause is the fetch failure (DNS, refused connection): it holds no body.
      { cause },
    )
  }
  const data = text.trim() === '' ? null : parseJson(text)
  const { status } = response
  if (status >= 200 && status < 300) {
    if (data === undefined) {
      throw new AuthError(
        'bad_response',
        `The ${upstream} upstream answered the ${call} call with a body that is not JSON (an HTML page?).`,
        { status },
      )
    }
    return data
  }
  if (status >= 400 && status < 500 && status !== 408 && status !== 429) {
    if (status === 404 || status === 405) {
      // A wrong path or method is the app's configuration, not the user's "no": the session is kept.
      throw new AuthError(
        'server',
        `The ${upstream} upstream answered ${status} to the ${call} call at ${new URL(request.url).pathname}: check the preset's \`url\` and \`paths\`.`,
        { status },
      )
    }
    const refusal = request.refusal?.(status, data)
    if (refusal) {
      const details = refusal.reason === undefined ? undefined : { error: refusal.reason }
      throw new AuthError(refusal.code, refusal.message, { status, details, cause: details })
    }
    throw errorForStatus(status, call)
  }
  const asked =
    status === 429 || status === 503 ? parseRetryAfter(response.headers.get('Retry-After')) : undefined
  // Passed on to the browser as a header: `Retry-After: Infinity` (or a date years away) becomes a day at most.
  const retryAfter = asked === undefined ? undefined : Math.min(asked, MAX_RETRY_AFTER)
  throw new AuthError(
    status >= 400 ? 'server' : 'bad_response',
    `The ${upstream} upstream answered ${status} to the ${call} call.`,
    { status, retryAfter },
  )
}

/** `promise`, with a refusal taken as done: a logout of a token the upstream no longer knows has nothing to do. */
export const unlessRefused = <T>(promise: Promise<T>): Promise<T | null> =>
  promise.catch((error: unknown) => {
    if (isAuthError(error) && isRefusal(error)) return null
    throw error
  })

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

/** The value at a dotted path (`'data.access_token'`) of a JSON body, `undefined` where there is none. */
export function pick(body: unknown, path: string): unknown {
  let value = body
  for (const key of path.split('.')) {
    if (!isObject(value)) return undefined
    value = value[key]
  }
  return value
}

/** Where a preset's token answer keeps each field (dotted paths). */
export interface TokenFields {
  accessToken: string
  refreshToken?: string
  expiresIn?: string
  /** `'ms'` when the upstream counts the access token's lifetime in milliseconds (Directus). */
  expiresInUnit?: 's' | 'ms'
  refreshExpiresIn?: string
  idToken?: string
  user?: string
}

/** A token: a non-empty, header-safe string of reasonable size. */
const isToken = (value: unknown): value is string =>
  typeof value === 'string' && value.length > 0 && value.length <= 16_384 && /^[\x21-\x7e]+$/.test(value)

/** A lifetime in seconds: a number or a numeric string (Firebase sends `"3600"`). */
const seconds = (value: unknown): number | undefined => {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value
  return typeof n === 'number' && Number.isFinite(n) ? n : undefined
}

/**
 * The upstream's token answer in the gateway's shape, or `bad_response` when the access token is missing or not a
 * token, or a field the preset expects has the wrong type. The expiry itself is the gateway's to check.
 */
function readTokens(body: unknown, fields: TokenFields, upstream: string, call: AuthCall): UpstreamTokens {
  const bad = (what: string) =>
    new AuthError('bad_response', `The ${upstream} upstream's ${call} answer has ${what}.`)
  const accessToken = pick(body, fields.accessToken)
  if (!isToken(accessToken)) throw bad(`no usable access token (\`${fields.accessToken}\`)`)
  const tokens: UpstreamTokens = { accessToken }
  const optionalToken = (path: string | undefined, key: 'refreshToken' | 'idToken') => {
    const value = path === undefined ? undefined : pick(body, path)
    if (value === undefined || value === null) return
    if (!isToken(value)) throw bad(`a \`${path}\` that is not a token`)
    tokens[key] = value
  }
  optionalToken(fields.refreshToken, 'refreshToken')
  optionalToken(fields.idToken, 'idToken')
  const lifetime = (path: string | undefined, scale: number) => {
    const value = path === undefined ? undefined : pick(body, path)
    if (value === undefined || value === null) return undefined
    const n = seconds(value)
    if (n === undefined) throw bad(`a \`${path}\` that is not a number`)
    return n / scale
  }
  const expiresIn = lifetime(fields.expiresIn, fields.expiresInUnit === 'ms' ? 1000 : 1)
  if (expiresIn !== undefined) tokens.expiresIn = expiresIn
  const refreshExpiresIn = lifetime(fields.refreshExpiresIn, 1)
  if (refreshExpiresIn !== undefined) tokens.refreshExpiresIn = refreshExpiresIn
  const user = fields.user === undefined ? undefined : pick(body, fields.user)
  if (user !== undefined && user !== null) tokens.user = user
  return tokens
}

/** A sign-in or a renewal: `callUpstream`, then its answer read as tokens where `fields` says they are. */
export async function requestTokens(
  ctx: UpstreamContext,
  { fields, ...request }: UpstreamRequest & { fields: TokenFields },
): Promise<UpstreamTokens> {
  return readTokens(await callUpstream(ctx, request), fields, request.upstream, request.call)
}
