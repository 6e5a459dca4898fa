import type { TokenResponse } from 'react-jwt-session'

/**
 * The request header through which the proxy hands the session it renewed to the server-rendered tree.
 * The proxy always overwrites it and the example's server strips it from incoming requests, so a browser
 * cannot inject one.
 */
export const SESSION_HEADER = 'x-rjs-session'

/** Header values must be ASCII: the token answer (with a user's name in any script) travels as base64url. */
export function encodeSession(session: TokenResponse): string {
  return Buffer.from(JSON.stringify(session), 'utf8').toString('base64url')
}

export function decodeSession(value: string | null): TokenResponse | null {
  if (!value) return null
  try {
    return JSON.parse(Buffer.from(value, 'base64url').toString('utf8')) as TokenResponse
  } catch {
    return null
  }
}
