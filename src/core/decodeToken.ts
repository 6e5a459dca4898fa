import { AuthError } from './AuthError'
import { decodeSegment, isTokenShaped } from './tokenShape'
import type { JwtPayload } from './types'

/** What is wrong with a token `decodeToken` refuses, in development builds. */
const whyRefused = (segments: string[], claims: unknown): string =>
  segments.length !== 3
    ? 'The access token is not a JWT.'
    : claims === undefined
      ? 'The access token could not be decoded.'
      : claims === null || typeof claims !== 'object' || Array.isArray(claims)
        ? 'The access token has no claims object.'
        : 'The access token has a character a header cannot carry, or its header is not a JSON object.'

/**
 * Decodes a JWT's payload without verifying it (the server verifies; the client only needs the claims).
 * Throws `AuthError('bad_token')` for anything that is not a token as `isTokenShaped` defines it (three
 * base64url segments, header and payload JSON objects, nothing a header cannot carry): a newline, NUL, space
 * or non-Latin-1 character in any segment would make `Headers.set('Authorization', …)` throw in `client.fetch`.
 */
export function decodeToken<Claims extends JwtPayload = JwtPayload>(token: unknown): Claims {
  const segments = typeof token === 'string' ? token.split('.') : []
  let claims: unknown
  let cause: string | undefined
  try {
    // The payload is UTF-8: `atob` gives its bytes, `escape` writes each as `%XX`, decodeURIComponent reads
    // them as UTF-8 (and throws on bytes that are not).
    claims = JSON.parse(decodeURIComponent(escape(decodeSegment(segments[1] as string) as string)))
  } catch (error) {
    // A parser's message may quote the payload; keep only its error type.
    cause = (error as Error).name
  }
  if (
    claims === null ||
    typeof claims !== 'object' ||
    Array.isArray(claims) ||
    !isTokenShaped(token as string)
  ) {
    throw new AuthError(
      'bad_token',
      process.env.NODE_ENV !== 'production' ? whyRefused(segments, claims) : undefined,
      { cause },
    )
  }
  return claims as Claims
}
