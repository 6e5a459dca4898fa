// A request's URL is read several times while it is answered (the route, the CSRF check, the app's origin for
// the upstream call): parsed once, as its cookies are.
const parsed = new WeakMap<Request, URL>()

/** The request's URL, parsed. Not to be changed: every reader of this request shares it. */
export function requestUrl(request: Request): URL {
  let url = parsed.get(request)
  if (!url) {
    url = new URL(request.url)
    parsed.set(request, url)
  }
  return url
}
