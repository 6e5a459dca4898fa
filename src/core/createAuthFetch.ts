import type { AuthState, Session } from './types'

export interface AuthFetchOptions<User> {
  getFetch: () => typeof fetch
  getState: () => AuthState<User>
  getAccessToken: () => Promise<string | null>
  refresh: () => Promise<Session<User> | null>
  apiOrigins: string[]
}

const urlOf = (input: RequestInfo | URL) =>
  input instanceof URL ? input.href : typeof input === 'string' ? input : input.url

/**
 * Whether `client.fetch` may attach the token: the page's own origin (relative URLs included) and the
 * listed `apiOrigins`, nothing else, so a token never reaches a third party by a mistyped URL.
 */
export function isAllowedOrigin(url: string, apiOrigins: readonly string[]): boolean {
  const page = typeof location === 'undefined' ? undefined : location
  let target: URL
  try {
    target = new URL(url, page?.href)
  } catch {
    // No page to resolve against (tests, workers without location): a relative URL is same-origin.
    return !/^[a-z][a-z\d+\-.]*:/i.test(url) && !url.startsWith('//')
  }
  if (target.origin === page?.origin) return true
  return apiOrigins.some((origin) => {
    try {
      return new URL(origin).origin === target.origin
    } catch {
      return false
    }
  })
}

const withBearer = (input: RequestInfo | URL, init: RequestInit | undefined, token: string | null) => {
  const headers = new Headers(init?.headers ?? (input instanceof Request ? input.headers : undefined))
  if (token !== null) headers.set('Authorization', `Bearer ${token}`)
  return { ...init, headers }
}

/** A stream body can be sent once; such a request is not retried after a 401. */
const canRetry = (init: RequestInit | undefined) =>
  !(typeof ReadableStream !== 'undefined' && init?.body instanceof ReadableStream)

/**
 * `client.fetch`: attaches `Authorization: Bearer` for allowed origins; on a 401 it renews once (shared
 * with every other caller) and retries once. A refusal to renew signs the user out and returns the 401.
 */
export function createAuthFetch<User>(options: AuthFetchOptions<User>) {
  return async function authFetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
    const fetchImpl = options.getFetch()
    if (!isAllowedOrigin(urlOf(input), options.apiOrigins)) return fetchImpl(input, init)
    // Kept before the first send: a Request's body can be read only once.
    const again = input instanceof Request ? input.clone() : input
    const sent = await options.getAccessToken()
    const response = await fetchImpl(input, withBearer(input, init, sent))
    if (response.status !== 401 || sent === null) return response

    const current = options.getState().accessToken
    // Someone renewed since this request left: retry with that token instead of renewing again. Signed out
    // since (current is null): no renewal, which would bring back the session the user ended.
    const next = current !== sent ? current : ((await options.refresh())?.accessToken ?? null)
    if (next === null || !canRetry(init)) return response
    return fetchImpl(again, withBearer(again, init, next))
  }
}
