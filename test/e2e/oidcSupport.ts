// Signing in at the test OpenID Provider (example/oidc/provider.mjs) without a browser: a cookie jar per
// origin and the provider's development sign-in and consent forms, submitted as a browser would.

/** Cookies by origin, from `Set-Cookie` lines; redirects are never followed for the caller. */
export function cookieJar() {
  const jars = new Map<string, Map<string, string>>()
  const jarOf = (url: URL) => {
    const jar = jars.get(url.origin) ?? new Map<string, string>()
    jars.set(url.origin, jar)
    return jar
  }
  return {
    /** Stores the answer's cookies for `url`'s origin (Max-Age=0 deletes). */
    store(url: string | URL, response: Response) {
      const jar = jarOf(new URL(url))
      for (const line of response.headers.getSetCookie()) {
        const [pair = '', ...attributes] = line.split(';')
        const eq = pair.indexOf('=')
        const name = pair.slice(0, eq).trim()
        const expired = attributes.some((a) => /^\s*max-age=0\s*$/i.test(a)) || pair.slice(eq + 1) === ''
        if (expired) jar.delete(name)
        else jar.set(name, pair.slice(eq + 1).trim())
      }
    },
    header(url: string | URL) {
      return [...jarOf(new URL(url))].map(([name, value]) => `${name}=${value}`).join('; ')
    },
    get(url: string | URL, name: string) {
      return jarOf(new URL(url)).get(name)
    },
    names(url: string | URL) {
      return [...jarOf(new URL(url)).keys()]
    },
  }
}

export type CookieJar = ReturnType<typeof cookieJar>

async function send(jar: CookieJar, url: string, init: RequestInit = {}) {
  const headers = new Headers(init.headers)
  const cookie = jar.header(url)
  if (cookie) headers.set('cookie', cookie)
  const response = await fetch(url, { ...init, headers, redirect: 'manual' })
  jar.store(url, response)
  return response
}

/**
 * From the provider's authorization URL to the callback URL it sends the browser to: signs in as `login`
 * (any password) and consents, or (`deny`) aborts at the sign-in form, which the provider answers with
 * `error=access_denied`.
 */
export async function signInAtProvider(
  jar: CookieJar,
  authorizationUrl: string,
  login: string,
  { deny = false } = {},
): Promise<URL> {
  const provider = new URL(authorizationUrl).origin
  let url = authorizationUrl
  for (let step = 0; step < 20; step++) {
    const response = await send(jar, url)
    const location = response.headers.get('location')
    if (location) {
      const next = new URL(location, url)
      if (next.origin !== provider) return next
      url = next.href
      continue
    }
    const html = await response.text()
    const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1]
    const prompt = /name="prompt" value="([^"]+)"/.exec(html)?.[1]
    if (!action || !prompt) throw new Error(`The provider showed no form at ${new URL(url).pathname}`)
    if (deny) {
      url = new URL(`${action}/abort`, url).href
      continue
    }
    const body = new URLSearchParams({ prompt })
    if (prompt === 'login') {
      body.set('login', login)
      body.set('password', 'any password')
    }
    const submitted = await send(jar, new URL(action, url).href, { method: 'POST', body })
    const after = submitted.headers.get('location')
    if (!after) throw new Error(`The provider's ${prompt} form did not redirect (HTTP ${submitted.status})`)
    url = new URL(after, url).href
  }
  throw new Error('The provider never sent the browser back')
}
