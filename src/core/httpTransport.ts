import { AuthError } from './AuthError'
import { type AuthCall, decodeAnswer, toAuthError } from './httpCodec'
import type { AuthEndpoints, AuthTransport, Credentials, TransportContext } from './types'

// The codec's names, where the client's modules have always imported them from.
export type { AuthCall } from './httpCodec'
export { errorForStatus, isRefusal, isRevocation, parseRetryAfter, toAuthError } from './httpCodec'

export const defaultEndpoints: AuthEndpoints = {
  login: '/auth/login',
  refresh: '/auth/refresh',
  logout: '/auth/logout',
  logoutEverywhere: '/auth/logout-all',
}

export interface HttpTransportOptions {
  endpoints: AuthEndpoints
  getFetch: () => typeof fetch
  /** Extra headers (CSRF tokens); a function is called for each request. */
  headers?: Record<string, string> | (() => Record<string, string>) | undefined
}

/** The default transport: `POST` JSON with `credentials: 'include'` so the HttpOnly refresh cookie goes along. */
export function createHttpTransport({ endpoints, getFetch, headers }: HttpTransportOptions) {
  async function post(url: string, call: AuthCall, body: unknown, signal?: AbortSignal): Promise<unknown> {
    let text: string
    let response: Response
    try {
      response = await getFetch()(url, {
        method: 'POST',
        credentials: 'include',
        // A JSON content type makes a cross-site request need a CORS preflight: a CSRF guard for free.
        headers: {
          ...(typeof headers === 'function' ? headers() : headers),
          'Content-Type': 'application/json',
          Accept: 'application/json',
        },
        body: JSON.stringify(body ?? {}),
        ...(signal ? { signal } : {}),
      })
      text = await response.text()
    } catch (cause) {
      throw signal?.aborted ? new AuthError('timeout') : toAuthError(cause, call)
    }
    return decodeAnswer(response, text, call)
  }

  return {
    login: (credentials: Credentials, context?: TransportContext) =>
      post(endpoints.login, 'login', credentials, context?.signal),
    refresh: (context?: TransportContext) => post(endpoints.refresh, 'refresh', undefined, context?.signal),
    logout: ({ everywhere }: { everywhere: boolean }, context?: TransportContext) =>
      post(everywhere ? endpoints.logoutEverywhere : endpoints.logout, 'logout', undefined, context?.signal),
  } satisfies AuthTransport
}
