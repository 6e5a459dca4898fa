// @ts-check

/**
 * Parses a `Cookie` request header. When a name occurs twice the first one wins: browsers send the
 * cookie with the most specific `Path` first.
 * @param {string | undefined} header
 * @returns {Map<string, string>}
 */
export function parseCookies(header) {
  /** @type {Map<string, string>} */
  const cookies = new Map()
  if (!header) return cookies
  for (const part of header.split(';')) {
    const eq = part.indexOf('=')
    if (eq < 0) continue
    const name = part.slice(0, eq).trim()
    if (!name || cookies.has(name)) continue
    let value = part.slice(eq + 1).trim()
    if (value.startsWith('"') && value.endsWith('"') && value.length >= 2) value = value.slice(1, -1)
    try {
      cookies.set(name, decodeURIComponent(value))
    } catch {
      cookies.set(name, value)
    }
  }
  return cookies
}

/**
 * @typedef {object} CookieOptions
 * @property {string} path
 * @property {number} maxAge seconds; 0 deletes the cookie
 * @property {boolean} secure
 */

/**
 * Serializes a `Set-Cookie` value. Every cookie this server sets is HttpOnly and SameSite=Strict.
 * @param {string} name
 * @param {string} value
 * @param {CookieOptions} options
 */
export function serializeCookie(name, value, { path, maxAge, secure }) {
  const parts = [`${name}=${encodeURIComponent(value)}`, 'HttpOnly', 'SameSite=Strict', `Path=${path}`]
  parts.push(`Max-Age=${Math.max(0, Math.floor(maxAge))}`)
  if (maxAge <= 0) parts.push('Expires=Thu, 01 Jan 1970 00:00:00 GMT')
  if (secure) parts.push('Secure')
  return parts.join('; ')
}
