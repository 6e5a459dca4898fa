import { isTokenShaped, replaceTokens } from '../core/tokenShape'

/** `…` and the token's last 6 characters: enough to tell two tokens apart, useless to anyone else. */
export const tokenTail = (token: string): string => `…${token.slice(-6)}`

/**
 * `text` with every token in it cut down to its last 6 characters. "Token" as the client itself defines it
 * (`isTokenShaped`): every access token the client would accept, compact or padded, base64 or base64url.
 */
export const redact = (text: string): string => replaceTokens(text, tokenTail)

/** Field names whose values are secrets whatever they look like: opaque refresh tokens, passwords, keys. */
const SECRET_NAME = /token|secret|password|passwd|pwd|credential|api_?key|cookie|session_?id/i

/** How deep `redactedJson` shows an object; deeper parts show as `…`. */
const MAX_DEPTH = 6

/** `value` made safe to show: tokens cut to their tail, fields named like a secret hidden, depth bounded. */
function safeCopy(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return redact(value)
  if (typeof value === 'bigint' || typeof value === 'symbol' || typeof value === 'function')
    return String(value)
  if (value === null || typeof value !== 'object') return value
  if (depth >= MAX_DEPTH) return '…'
  const copy: Record<string, unknown> = Array.isArray(value) ? ([] as unknown as Record<string, unknown>) : {}
  for (const [key, item] of Object.entries(value)) {
    // Under a secret's name only a token shows (as its tail, like every token); anything else is hidden.
    const hidden = SECRET_NAME.test(key) && item != null && !(typeof item === 'string' && isTokenShaped(item))
    copy[redact(key)] = hidden ? '[hidden]' : safeCopy(item, depth + 1)
  }
  return copy
}

/**
 * `value` as JSON to show in the panel, cut to `maxLength` characters: every token cut to its tail, every
 * field named like a secret (`refresh_token`, `refreshToken`, `id_token`, `password`, an API key…) hidden
 * whatever its shape, never more than a few levels deep. Redacted before it is cut: a cut token would no
 * longer look like one.
 */
export const redactedJson = (value: unknown, maxLength: number): string =>
  (JSON.stringify(safeCopy(value, 0)) ?? String(value)).slice(0, maxLength)
