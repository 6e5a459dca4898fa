import { AuthError } from '../core/AuthError'
import { createSession } from '../core/createSession'
import { decodeAnswer, setCookieLines, toAuthError } from '../core/httpCodec'
import { defaultEndpoints } from '../core/httpTransport'
import { parseTokenResponse as defaultParse } from '../core/parseTokenResponse'
import { withTimeout } from '../core/timers'
import type { AuthEndpoints, AuthTransport, ParsedTokenResponse, TokenResponse } from '../core/types'

export interface RefreshOnServerOptions {
  /**
   * The auth endpoints, as the client's option; only `refresh` is used. A relative URL is resolved against the
   * request's URL.
   * @default { refresh: '/auth/refresh' }
   */
  endpoints?: Partial<Pick<AuthEndpoints, 'refresh'>> | undefined
  /**
   * The refresh endpoint: the older name of `endpoints.refresh`, still accepted (`endpoints.refresh` wins).
   * @default '/auth/refresh'
   */
  refreshUrl?: string | URL | undefined
  /** The refresh call is aborted after this many ms (the client's option name). @default 5_000 */
  requestTimeout?: number | undefined
  /** The older name of `requestTimeout`, still accepted. @default 5_000 */
  timeout?: number | undefined
  /** @default the global fetch */
  fetch?: typeof fetch | undefined
  /**
   * The client's `transport`: its `refresh()` is called instead of the HTTP request (an app whose refresh is a
   * GraphQL mutation or an SDK call). It is the transport's job to send the request's cookie; `setCookie` is
   * then empty, since the transport's answer carries no headers.
   * @default the HTTP request to `endpoints.refresh`, with the request's `Cookie` header
   */
  transport?: Pick<AuthTransport, 'refresh'> | undefined
  /**
   * The client's `parseTokenResponse`: used to check the answer before handing it to the page, and to pick
   * what the page gets (see `session`).
   * @default the client's default parser
   */
  parseTokenResponse?: ((body: TokenResponse) => ParsedTokenResponse) | undefined
}

export interface RefreshOnServerResult {
  /**
   * The token answer to hand to `<AuthProvider initialSession>`, or `null` when there is no session. It holds
   * only what `parseTokenResponse` read from the upstream answer (the token, its lifetime, the user), in the
   * answer's own shape, so the page's client reads it with the same parser; the rest (a `refresh_token`, an ID
   * token, internal fields) is never serialized into the page.
   */
  session: TokenResponse | null
  /** The auth server's `Set-Cookie` headers, one per cookie: pass every one on (the rotated refresh cookie). */
  setCookie: string[]
  /** Why there is no session: `null` with a session. */
  error: AuthError | null
}

/**
 * `parse(body)`, and a copy of `body` that holds only what `parse` read: each value it read, and each object
 * it read but did not look into (the `user` it hands on) whole.
 */
function parseAndPick(
  body: TokenResponse,
  parse: (body: TokenResponse) => ParsedTokenResponse,
): [ParsedTokenResponse, TokenResponse] {
  const unopened = new Map<Record<string, unknown>, () => void>()
  const watch = (target: object, copy: Record<string, unknown>): object =>
    new Proxy(target, {
      get(object, key) {
        const value: unknown = Reflect.get(object, key)
        if (typeof key !== 'string' || !Object.hasOwn(object, key)) return value
        if (value === null || typeof value !== 'object') {
          copy[key] = value
          return value
        }
        let child = copy[key] as Record<string, unknown> | undefined
        if (child === undefined) {
          child = Array.isArray(value) ? ([] as unknown as Record<string, unknown>) : {}
          copy[key] = child
          unopened.set(child, () => {
            copy[key] = value
          })
        }
        return watch(value, child)
      },
    })
  const picked: Record<string, unknown> = {}
  const isObject = body !== null && typeof body === 'object'
  const parsed = parse(isObject ? (watch(body, picked) as TokenResponse) : body)
  for (const [child, copyWhole] of unopened) if (!Object.keys(child).length) copyWhole()
  return [parsed, isObject ? picked : body]
}

/**
 * Renews the session during server rendering: forwards the request's `Cookie` header to the refresh
 * endpoint (or calls `transport.refresh`) and returns the token answer with the `Set-Cookie` headers to pass
 * on. Never throws for a refusal, an unreachable server or a malformed answer: `session` is `null` and `error`
 * says why, and `setCookie` still holds every cookie the answer set, even when its body failed or timed out.
 *
 * @example
 * const { session, setCookie } = await refreshOnServer(request, { endpoints: { refresh: '/auth/refresh' } })
 * const html = renderToString(<AuthProvider initialSession={session}>…</AuthProvider>)
 * return new Response(html, { headers: [...setCookie.map((c) => ['Set-Cookie', c])] })
 */
export async function refreshOnServer(
  request: Request,
  options: RefreshOnServerOptions = {},
): Promise<RefreshOnServerResult> {
  const { transport, parseTokenResponse: parse = defaultParse } = options
  const cookie = request.headers.get('cookie')
  if (!cookie && !transport) {
    return {
      session: null,
      setCookie: [],
      error: new AuthError('session_expired', 'The request has no cookie.'),
    }
  }
  // Filled as soon as the answer's headers arrive: the refresh token has rotated even when the body then
  // fails or stalls, and a browser left with the old cookie would replay it (reuse detection signs the user
  // out everywhere).
  let setCookie: string[] = []
  try {
    const body = await withTimeout(
      async (signal) => {
        if (transport) return transport.refresh({ signal })
        const url = new URL(
          options.endpoints?.refresh ?? options.refreshUrl ?? defaultEndpoints.refresh,
          request.url,
        )
        const response = await (options.fetch ?? globalThis.fetch)(url, {
          method: 'POST',
          headers: {
            Cookie: cookie as string,
            'Content-Type': 'application/json',
            Accept: 'application/json',
          },
          body: '{}',
          signal,
        })
        setCookie = setCookieLines(response.headers)
        return decodeAnswer(response, await response.text(), 'refresh') as TokenResponse
      },
      options.requestTimeout ?? options.timeout ?? 5_000,
      () => new AuthError('timeout'),
    )
    let session: TokenResponse = null
    // Checked here, as the page's client will check it, so a malformed or expired token never reaches the page.
    createSession(
      body,
      Date.now(),
      (answer) => {
        const [parsed, picked] = parseAndPick(answer, parse)
        session = picked
        return parsed
      },
      undefined,
    )
    return { session, setCookie, error: null }
  } catch (thrown) {
    return { session: null, setCookie, error: toAuthError(thrown, 'refresh') }
  }
}
