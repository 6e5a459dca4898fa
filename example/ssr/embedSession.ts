import type { TokenResponse } from 'react-jwt-session'

/** The id of the `<script type="application/json">` block that carries the session to the browser. */
export const SESSION_ELEMENT_ID = 'rjs-session'

/**
 * The session as JSON for an HTML data block. `<`, `>` and `&` are escaped as `\u003c`… so no value (a
 * user's name such as `</script><script>…`) can close the block or open a comment; U+2028/2029 are
 * escaped for old JSON-in-JS parsers. `JSON.parse` turns the escapes back into the same characters.
 */
export function serializeSession(session: TokenResponse | null): string {
  return (JSON.stringify(session ?? null) ?? 'null')
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029')
}

/**
 * The `<script>` data block to put in the page, after the app's root element; none when the server could not
 * check the session (`undefined`), so the browser checks it itself.
 */
export function sessionScript(session: TokenResponse | null | undefined): string {
  if (session === undefined) return ''
  return `<script id="${SESSION_ELEMENT_ID}" type="application/json">${serializeSession(session)}</script>`
}

/**
 * Reads the session the server embedded and removes the block from the DOM, so from here on the token
 * lives only in the auth client's memory (never in the DOM, storage or the URL).
 */
export function takeEmbeddedSession(doc: Document): TokenResponse | null | undefined {
  const element = doc.getElementById(SESSION_ELEMENT_ID)
  if (!element) return undefined
  element.remove()
  try {
    return JSON.parse(element.textContent ?? 'null') as TokenResponse | null
  } catch {
    return undefined
  }
}
