/**
 * A `fetch` with one browser's cookie jar, for Node: it stores `Set-Cookie` answers (honouring `Path` and
 * `Max-Age=0`) and sends the matching cookies, so the HttpOnly refresh cookie works as in a browser.
 * Every request is recorded (method and path, never a header value).
 */
export function createCookieJarFetch(base: typeof fetch = globalThis.fetch) {
  const cookies = new Map<string, { value: string; path: string }>()
  const requests: { method: string; path: string; status?: number }[] = []

  const matches = (cookiePath: string, path: string) =>
    cookiePath === '/' || path === cookiePath || path.startsWith(`${cookiePath}/`)

  const jarFetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const url = new URL(input instanceof Request ? input.url : String(input))
    const headers = new Headers(init?.headers ?? (input instanceof Request ? input.headers : undefined))
    const cookie = [...cookies]
      .filter(([, c]) => matches(c.path, url.pathname))
      .map(([name, c]) => `${name}=${c.value}`)
      .join('; ')
    if (cookie) headers.set('cookie', cookie)
    const method = init?.method ?? (input instanceof Request ? input.method : 'GET')
    const record: { method: string; path: string; status?: number } = { method, path: url.pathname }
    requests.push(record)
    const response = await base(input, { ...init, headers })
    record.status = response.status
    for (const line of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = line.split(';').map((part) => part.trim())
      const eq = pair.indexOf('=')
      const name = pair.slice(0, eq)
      const path = attributes.find((a) => a.toLowerCase().startsWith('path='))?.slice(5) ?? '/'
      if (attributes.some((a) => a.toLowerCase() === 'max-age=0')) cookies.delete(name)
      else cookies.set(name, { value: pair.slice(eq + 1), path })
    }
    return response
  }

  return {
    fetch: jarFetch as typeof fetch,
    cookies,
    requests,
    /** How many requests went to this path. */
    count: (path: string) => requests.filter((r) => r.path === path).length,
  }
}
