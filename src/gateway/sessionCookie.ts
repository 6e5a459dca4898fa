/** The session cookie: its attributes, reading it back (in parts), writing it (split when large), clearing it. */

export interface CookieOptions {
  /**
   * The cookie's name, used as given (keep the `__Host-` prefix: it pins the cookie to this host and `Path=/`).
   * With `secure: false` a `__Host-` or `__Secure-` prefix is dropped, as browsers refuse it without `Secure`.
   * @default '__Host-session' ('session' with `secure: false`)
   */
  name?: string
  /**
   * Seconds the cookie (and the sealed refresh token in it) lives. The upstream's refresh lifetime, where it
   * says one, caps it.
   * @default the upstream's refresh lifetime, else 30 days
   */
  maxAge?: number
  /**
   * `false` drops `Secure` and the `__Host-` prefix: only for plain-http development in a browser that refuses
   * `Secure` cookies on `http://localhost` (Chromium and Firefox accept them there).
   * @default true
   */
  secure?: boolean
}

/** What a cookie line says besides its name and value. */
export interface CookieAttributes {
  maxAge: number
  path: string
  secure: boolean
  httpOnly?: boolean
  sameSite: 'Strict' | 'Lax' | 'None'
}

export const DEFAULT_MAX_AGE = 30 * 24 * 60 * 60

/** One `Set-Cookie` line. Values here are base64url and names are the app's: nothing needs encoding. */
export function serializeCookie(name: string, value: string, attributes: CookieAttributes): string {
  let line = `${name}=${value}; Path=${attributes.path}; Max-Age=${Math.max(0, Math.floor(attributes.maxAge))}`
  if (attributes.httpOnly !== false) line += '; HttpOnly'
  if (attributes.secure) line += '; Secure'
  return `${line}; SameSite=${attributes.sameSite}`
}

// A request's cookies are looked at several times while it is answered (read, stale parts, clearing): parsed once.
const parsed = new WeakMap<Request, Map<string, string>>()

/** The request's cookies by name (the first of a repeated name wins, as browsers send the most specific first). */
export function parseCookies(request: Request): Map<string, string> {
  const known = parsed.get(request)
  if (known) return known
  const cookies = new Map<string, string>()
  parsed.set(request, cookies)
  const header = request.headers.get('cookie')
  if (!header || header.length > 64 * 1024) return cookies
  for (const pair of header.split(';')) {
    const eq = pair.indexOf('=')
    if (eq < 0) continue
    const name = pair.slice(0, eq).trim()
    if (name !== '' && !cookies.has(name)) cookies.set(name, pair.slice(eq + 1).trim())
  }
  return cookies
}

/** Most browsers keep a cookie's name and value up to 4,096 bytes; the rest of the line is attributes. */
const MAX_COOKIE_BYTES = 4_000
/** At most this many numbered parts (as Auth.js does); more is a session too large for cookies. */
export const MAX_PARTS = 4

/** Thrown by `write` when the sealed session does not fit in `MAX_PARTS` cookies. */
export class SessionTooLargeError extends Error {
  constructor(bytes: number, name: string) {
    super(
      `The sealed session is ${bytes} bytes: more than ${MAX_PARTS} cookies named ${name} can hold. ` +
        'The upstream returns very large tokens or a large user object: return a smaller `user` from the ' +
        'adapter or `getUser`, or ask the upstream for smaller tokens (fewer claims or roles in them).',
    )
    this.name = 'SessionTooLargeError'
  }
}

export interface SessionCookie {
  readonly name: string
  readonly secure: boolean
  /** The sealed value the request carries (joined from its parts), or `null`. */
  read(request: Request): string | null
  /** Whether the request carries the cookie or any part of it. */
  present(request: Request): boolean
  /** Throws `SessionTooLargeError` when `value` does not fit in the cookie and its parts. */
  assertFits(value: string): void
  /** The `Set-Cookie` lines that store `value`, clearing the request's stale parts. Throws `SessionTooLargeError`. */
  write(value: string, maxAge: number, request: Request): string[]
  /** The `Set-Cookie` lines that clear the cookie and every part of it the request carries. */
  clear(request: Request): string[]
}

/** The session cookie for `options`: `HttpOnly; Secure; SameSite=Strict; Path=/` by default. */
export function createSessionCookie(options: CookieOptions = {}): SessionCookie {
  const secure = options.secure !== false
  const given = options.name ?? '__Host-session'
  const name = secure ? given : given.replace(/^__(Host|Secure)-/, '')
  if (!/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(name)) {
    throw new TypeError(
      `cookie.name "${name}" is not a valid cookie name (letters, digits and !#$%&'*+-.^_\`|~).`,
    )
  }
  const attributes = (maxAge: number): CookieAttributes => ({ maxAge, path: '/', secure, sameSite: 'Strict' })
  const partName = (index: number) => `${name}.${index}`
  const partBytes = MAX_COOKIE_BYTES - partName(0).length - 1

  const names = [name, ...Array.from({ length: MAX_PARTS }, (_, i) => partName(i))]

  const carried = (request: Request) => {
    const cookies = parseCookies(request)
    return names.filter((n) => cookies.has(n))
  }

  return {
    name,
    secure,
    read(request) {
      const cookies = parseCookies(request)
      const whole = cookies.get(name)
      if (whole) return whole
      let joined = ''
      for (let index = 0; index < MAX_PARTS; index++) {
        const part = cookies.get(partName(index))
        if (!part) break
        joined += part
      }
      return joined === '' ? null : joined
    },
    present: (request) => carried(request).length > 0,
    assertFits(value) {
      if (Math.ceil(value.length / partBytes) > MAX_PARTS) throw new SessionTooLargeError(value.length, name)
    },
    write(value, maxAge, request) {
      const lines: string[] = []
      const written = new Set<string>()
      if (name.length + 1 + value.length <= MAX_COOKIE_BYTES) {
        lines.push(serializeCookie(name, value, attributes(maxAge)))
        written.add(name)
      } else {
        const count = Math.ceil(value.length / partBytes)
        if (count > MAX_PARTS) throw new SessionTooLargeError(value.length, name)
        for (let index = 0; index < count; index++) {
          const part = value.slice(index * partBytes, (index + 1) * partBytes)
          lines.push(serializeCookie(partName(index), part, attributes(maxAge)))
          written.add(partName(index))
        }
      }
      // A part the request carries and this answer does not rewrite would be joined to the new value.
      for (const stale of carried(request)) {
        if (!written.has(stale)) lines.push(serializeCookie(stale, '', attributes(0)))
      }
      return lines
    },
    clear: (request) => {
      const names = carried(request)
      // Nothing carried: still clear the main name, so a logout answer always says "no session".
      return (names.length > 0 ? names : [name]).map((n) => serializeCookie(n, '', attributes(0)))
    },
  }
}
