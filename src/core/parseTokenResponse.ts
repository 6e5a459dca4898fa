import { AuthError } from './AuthError'
import type { ParsedTokenResponse, TokenResponse } from './types'

const tokenFields = ['access_token', 'accessToken', 'jwt_token', 'jwt', 'token'] as const

type Fields = Record<string, unknown>

const isObject = (value: unknown): value is Fields =>
  value !== null && typeof value === 'object' && !Array.isArray(value)

const toNumber = (value: unknown): number | undefined => {
  if (typeof value === 'number') return value
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value)
  return undefined
}

/** `jwt_token_expiry`: an ISO date or epoch ms. */
const toEpochMs = (value: unknown): number | undefined => {
  const asNumber = toNumber(value)
  if (asNumber !== undefined) return asNumber
  if (typeof value === 'string') {
    const parsed = Date.parse(value)
    return Number.isNaN(parsed) ? undefined : parsed
  }
  return undefined
}

const findToken = (fields: Fields) =>
  tokenFields.map((name) => fields[name]).find((v): v is string => typeof v === 'string')

/**
 * The default `parseTokenResponse`: the token as `access_token`, `accessToken`, `jwt_token`, `jwt` or
 * `token`, the lifetime as `expires_in`/`expiresIn` (seconds) or `jwt_token_expiry` (ISO date or epoch
 * ms), at top level or under `data`.
 */
export function parseTokenResponse(body: TokenResponse): ParsedTokenResponse {
  if (!isObject(body))
    throw new AuthError(
      'bad_response',
      process.env.NODE_ENV !== 'production' ? 'The token response is not a JSON object.' : undefined,
    )
  const fields = findToken(body) === undefined && isObject(body.data) ? body.data : body
  const accessToken = findToken(fields)
  if (!accessToken) {
    throw new AuthError(
      'bad_response',
      process.env.NODE_ENV !== 'production' ? 'The token response has no access token.' : undefined,
    )
  }
  const parsed: ParsedTokenResponse = { accessToken }
  // The expiry may sit beside the token or one level up (`{ data: { token }, expires_in }`).
  const expiresIn = toNumber(fields.expires_in ?? fields.expiresIn ?? body.expires_in ?? body.expiresIn)
  if (expiresIn !== undefined) parsed.expiresIn = expiresIn
  const expiresAt = toEpochMs(fields.jwt_token_expiry ?? body.jwt_token_expiry)
  if (expiresAt !== undefined) parsed.expiresAt = expiresAt
  const user = fields.user ?? body.user
  if (user !== undefined) parsed.user = user
  return parsed
}
