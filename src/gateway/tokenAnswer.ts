import { AuthError, isAuthError } from '../core/AuthError'
import { decodeToken } from '../core/decodeToken'
import type { JwtPayload } from '../core/types'
import type { UpstreamTokens } from './types'

/** How the gateway describes the page's session: what the answer body is built from, again and again. */
export interface TokenAnswer {
  accessToken: string
  /** Absolute expiry of the access token, epoch ms on the gateway's clock. */
  expiresAt: number
  user: unknown
  /** The access token is not a JWT: the answer says `"access_token_format": "opaque"`. */
  opaque: boolean
}

/** The page-safe session: the client's default token answer. Never a refresh token. */
export interface GatewaySession {
  access_token: string
  expires_in: number
  user: unknown
  access_token_format?: 'opaque'
}

export type GetUser = (tokens: UpstreamTokens, claims: JwtPayload | null) => unknown

const perTokenClaims = new Set(['iat', 'exp', 'nbf', 'jti'])

// Printable ASCII without spaces: what may follow `Bearer ` in a header. Bounded: a token of megabytes is not one.
const HEADER_SAFE = /^[\x21-\x7e]{1,16384}$/

const badResponse = (message: string) => new AuthError('bad_response', message)

/** The token's claims if it decodes as a JWT, else `null`: an opaque token (it may have dots, e.g. `ya29.…`). */
export function claimsOf(token: string): JwtPayload | null {
  if (token.split('.').length !== 3) return null
  try {
    return decodeToken(token)
  } catch {
    return null
  }
}

/** A user bigger than this (as JSON) is not a user object: it would also swell the cookie it is sealed in. */
const MAX_USER_BYTES = 16 * 1024

/**
 * Checks the upstream's access token and works out its expiry (the client's expiry rule on the gateway's
 * clock): the upstream's `expiresIn`, else the JWT's `exp - iat`, else `exp - now`. A token with no usable
 * expiry, an expired one, and an opaque token without `expiresIn` are `AuthError('bad_response')`.
 */
export function toTokenAnswer(
  tokens: UpstreamTokens,
  now: number,
  getUser: GetUser | undefined,
  keptUser?: unknown,
): TokenAnswer {
  const { accessToken, expiresIn } = tokens ?? ({} as UpstreamTokens)
  if (typeof accessToken !== 'string' || !HEADER_SAFE.test(accessToken)) {
    throw badResponse('The upstream answered without a usable access token.')
  }
  if (expiresIn !== undefined && (typeof expiresIn !== 'number' || !Number.isFinite(expiresIn))) {
    throw badResponse('The upstream answered an expires_in that is not a number.')
  }
  const claims = claimsOf(accessToken)
  let lifetimeMs: number
  if (expiresIn !== undefined) {
    lifetimeMs = expiresIn * 1000
  } else if (claims !== null && typeof claims.exp === 'number') {
    lifetimeMs = typeof claims.iat === 'number' ? (claims.exp - claims.iat) * 1000 : claims.exp * 1000 - now
  } else {
    throw badResponse(
      claims === null
        ? 'The upstream answered an opaque access token without expires_in: its expiry cannot be known.'
        : 'The upstream answered an access token with no expiry (no expires_in, no exp claim).',
    )
  }
  if (!Number.isFinite(lifetimeMs) || lifetimeMs <= 0) {
    throw badResponse('The upstream answered an access token that is already expired.')
  }
  // A refresh answer without a user (most upstreams) keeps the one the login gave.
  const described =
    tokens.user === undefined && keptUser !== undefined ? { ...tokens, user: keptUser } : tokens
  let user: unknown
  try {
    user = getUser
      ? getUser(described, claims)
      : (described.user ??
        (claims === null
          ? null
          : Object.fromEntries(Object.entries(claims).filter(([key]) => !perTokenClaims.has(key)))))
  } catch (error) {
    if (isAuthError(error)) throw error
    throw badResponse('getUser threw on the upstream answer.')
  }
  let size: number | undefined
  try {
    size = JSON.stringify(user ?? null)?.length
  } catch {
    // Cyclic, a BigInt, or nested deeper than the stack: not JSON, so not something to answer the page with.
  }
  if (size === undefined || size > MAX_USER_BYTES) {
    throw badResponse(
      'The user for the page is not a JSON value of at most 16 KB (check getUser or the adapter).',
    )
  }
  return { accessToken, expiresAt: now + lifetimeMs, user: user ?? null, opaque: claims === null }
}

/** The answer body for `answer` at `now`: `expires_in` counted down from its absolute expiry. */
export function sessionBody(answer: TokenAnswer, now: number): GatewaySession {
  const body: GatewaySession = {
    access_token: answer.accessToken,
    // Rounded, not floored: answers built in the same few ms (a shared flight) say the same number.
    expires_in: Math.round((answer.expiresAt - now) / 1000),
    user: answer.user,
  }
  if (answer.opaque) body.access_token_format = 'opaque'
  return body
}
