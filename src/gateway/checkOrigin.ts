import { requestUrl } from './requestUrl'

/**
 * The CSRF check: a `POST` is accepted only with an `Origin` header equal to the app's origin or one
 * of the allowed ones. Browsers send `Origin` on every cross-site `POST` and on same-origin `fetch` `POST`s, so a
 * missing one is refused too: a form or a script on another site cannot act with the user's cookie.
 */
export function createOriginCheck(origin: string | undefined, origins: readonly string[] = []) {
  const normalise = (value: string, option: string) => {
    try {
      return new URL(value).origin
    } catch {
      throw new TypeError(`${option} "${value}" is not an origin: write it as https://app.example.com.`)
    }
  }
  const fixed = origin === undefined ? undefined : normalise(origin, 'origin')
  const allowed = new Set(origins.map((value) => normalise(value, 'origins')))

  return {
    /** The app's public origin for this request: the `origin` option, else the request URL's origin. */
    appOrigin: (request: Request) => fixed ?? requestUrl(request).origin,
    /**
     * The request's `Origin` when it is one of `origins` and not the app's own: a cross-origin caller that gets
     * CORS headers (with credentials) on its answers, and an answer to its preflight. `null` otherwise.
     */
    corsOrigin(request: Request): string | null {
      const sent = request.headers.get('origin')
      return sent !== null && allowed.has(sent) && sent !== (fixed ?? requestUrl(request).origin)
        ? sent
        : null
    },
    /** Whether the request's `Origin` header is allowed. */
    allows(request: Request): boolean {
      const sent = request.headers.get('origin')
      if (sent === null || sent === 'null') return false
      return sent === (fixed ?? requestUrl(request).origin) || allowed.has(sent)
    },
  }
}
