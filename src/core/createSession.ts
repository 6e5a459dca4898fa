import { AuthError, isAuthError } from './AuthError'
import { decodeToken } from './decodeToken'
import { isOpaqueAnswer } from './opaqueToken'
import type { AuthState, JwtPayload, ParsedTokenResponse, Session, TokenResponse } from './types'

/** The claims without the per-token fields: the default user when the answer carries none. */
const userFromClaims = ({ iat, exp, nbf, jti, ...user }: JwtPayload) => user

const refuse = (message: string | undefined) => new AuthError('bad_token', message)

const numberOrAbsent = (value: unknown): number | undefined => {
  if (value === undefined || value === null) return undefined
  if (typeof value !== 'number')
    throw refuse(
      process.env.NODE_ENV !== 'production'
        ? 'The access token has an expiry that is not a number.'
        : undefined,
    )
  return value
}

/**
 * The shortest lifetime adopted, in ms: a token that lives less is expired before any call could carry it
 * (`expires_in: 1e-7` is not a session), and renewing it would call the server in a loop.
 */
const MIN_LIFETIME = 100

/** The longest lifetime kept, in ms (ten years): a larger one (`expires_in: 1e300`) is read as this. */
const MAX_LIFETIME = 315_360_000_000

/**
 * How deep `deepEqual` compares: far below where the stack would overflow; values nested deeper count as
 * different (the user object is then replaced, as for any change).
 */
const MAX_DEPTH = 1000

/**
 * When the token expires, on the local clock, so a device whose clock is off does not matter: the server's
 * clock is never compared with ours when the answer says how long the token lives (`expires_in`, else
 * `exp - iat`, each counted from receipt). Only with nothing relative to go on is an absolute expiry taken
 * as is.
 */
export function computeExpiry(parsed: ParsedTokenResponse, claims: JwtPayload, receivedAt: number) {
  // A custom parseTokenResponse may hand back strings or null: never let `*` coerce them into a lifetime.
  const expiresIn = numberOrAbsent(parsed.expiresIn)
  const absolute =
    numberOrAbsent(parsed.expiresAt) ?? (typeof claims.exp === 'number' ? claims.exp * 1000 : undefined)
  if (expiresIn === undefined && absolute === undefined) {
    throw refuse(
      process.env.NODE_ENV !== 'production'
        ? 'The access token has no expiry (no expires_in, exp or jwt_token_expiry).'
        : undefined,
    )
  }
  // With `iat`, the lifetime is the server's own `exp - iat`, so its clock never meets ours.
  const issuedAt = typeof claims.iat === 'number' ? claims.iat * 1000 : receivedAt
  const lifetime = expiresIn !== undefined ? expiresIn * 1000 : (absolute as number) - issuedAt
  if (!Number.isFinite(lifetime))
    throw refuse(
      process.env.NODE_ENV !== 'production'
        ? 'The access token has an expiry that is not a number.'
        : undefined,
    )
  if (lifetime < MIN_LIFETIME)
    throw refuse(process.env.NODE_ENV !== 'production' ? 'The access token is already expired.' : undefined)
  const kept = Math.min(lifetime, MAX_LIFETIME)
  return { expiresAt: receivedAt + kept, lifetime: kept }
}

/**
 * True when two JSON-like values are structurally equal. Bounded: values nested deeper than {@link MAX_DEPTH}
 * levels count as different, so a hostile `user` cannot overflow the stack (it is then simply replaced).
 */
export function deepEqual(a: unknown, b: unknown, depth = 0): boolean {
  if (Object.is(a, b)) return true
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null || depth >= MAX_DEPTH)
    return false
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false
  // A Date has no own keys: compared by keys alone, every two dates would be equal.
  if (a instanceof Date) return Object.is(a.getTime(), (b as Date).getTime())
  const keysA = Object.keys(a)
  const keysB = Object.keys(b)
  if (keysA.length !== keysB.length) return false
  return keysA.every(
    (key) =>
      Object.hasOwn(b, key) &&
      deepEqual((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key], depth + 1),
  )
}

export interface SessionWithLifetime<User> extends Omit<Session<User>, 'claims'> {
  lifetime: number
  /** `null` for an access token the answer marked as opaque (see isOpaqueAnswer). */
  claims: JwtPayload | null
}

/**
 * Turns a server answer into a session, or throws `AuthError('bad_response' | 'bad_token')`.
 * Without `getUser`, the user is the answer's `user`, else the claims without the per-token fields.
 */
export function createSession<User>(
  body: TokenResponse,
  receivedAt: number,
  parse: (body: TokenResponse) => ParsedTokenResponse,
  getUser: ((claims: JwtPayload, body: TokenResponse) => User) | undefined,
): SessionWithLifetime<User> {
  try {
    const parsed = parse(body)
    if (parsed === null || typeof parsed !== 'object' || typeof parsed.accessToken !== 'string') {
      throw new AuthError(
        'bad_response',
        process.env.NODE_ENV !== 'production' ? 'parseTokenResponse returned no accessToken.' : undefined,
      )
    }
    const claims = isOpaqueAnswer(body, parsed) ? null : decodeToken(parsed.accessToken)
    const { expiresAt, lifetime } = computeExpiry(parsed, claims ?? {}, receivedAt)
    const user = getUser
      ? getUser(claims ?? {}, body)
      : ((parsed.user ?? userFromClaims(claims ?? {})) as User)
    return { accessToken: parsed.accessToken, expiresAt, lifetime, claims, user }
  } catch (error) {
    // The checks above throw AuthError; anything else came from the app's parseTokenResponse or getUser, which
    // the client would otherwise report as "server unreachable".
    if (isAuthError(error)) throw error
    throw new AuthError(
      'bad_response',
      process.env.NODE_ENV !== 'production'
        ? 'parseTokenResponse or getUser threw on the server answer.'
        : undefined,
      { cause: error },
    )
  }
}

/** The state's session, or `null` unless signed in: the one place that builds a `Session` from the store. */
export function sessionOf<User>(state: AuthState<User>): Session<User> | null {
  const { status, accessToken, expiresAt, claims, user } = state
  if (status !== 'authenticated' || accessToken === null || expiresAt === null) return null
  return { accessToken, expiresAt, claims: claims ?? {}, user: user as User }
}
