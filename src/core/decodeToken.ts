import { type JwtPayload, jwtDecode } from 'jwt-decode'
import { AuthError } from './AuthError'

/**
 * Decodes a JWT's payload without verifying it (the server verifies; the client only needs the claims).
 * Throws `AuthError('bad_token')` for anything that is not a JWT with an object payload.
 */
export function decodeToken<Claims extends JwtPayload = JwtPayload>(token: unknown): Claims {
  if (typeof token !== 'string' || token.split('.').length !== 3) {
    throw new AuthError(
      'bad_token',
      typeof process !== 'undefined' && process.env.NODE_ENV !== 'production'
        ? 'The access token is not a JWT.'
        : undefined,
    )
  }
  let claims: unknown
  try {
    claims = jwtDecode(token)
  } catch (cause) {
    // jwt-decode's messages quote the token's parts; keep only its error type.
    throw new AuthError(
      'bad_token',
      typeof process !== 'undefined' && process.env.NODE_ENV !== 'production'
        ? 'The access token could not be decoded.'
        : undefined,
      {
        cause: cause instanceof Error ? cause.name : undefined,
      },
    )
  }
  if (claims === null || typeof claims !== 'object' || Array.isArray(claims)) {
    throw new AuthError(
      'bad_token',
      typeof process !== 'undefined' && process.env.NODE_ENV !== 'production'
        ? 'The access token has no claims object.'
        : undefined,
    )
  }
  return claims as Claims
}
