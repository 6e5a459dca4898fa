import type { ParsedTokenResponse, TokenResponse } from './types'

/**
 * The one token that is not a JWT the client accepts: an answer that marks its access token as opaque
 * (`"access_token_format": "opaque"`, which the session gateway sends for providers whose access tokens are
 * not JWTs) is accepted without claims when the token is header-safe (visible ASCII only: it goes into an
 * `Authorization` header as it is) and the answer says how long it lives (a positive `expires_in`; an
 * infinite one is refused by `computeExpiry`). An unmarked non-JWT is still refused.
 */
export const isOpaqueAnswer = (body: TokenResponse, parsed: ParsedTokenResponse): boolean =>
  (body as { access_token_format?: unknown } | null)?.access_token_format === 'opaque' &&
  /^[!-~]+$/.test(parsed.accessToken) &&
  // Not a number (a custom parser's string) is refused by computeExpiry; NaN and ≤ 0 are refused here.
  (parsed.expiresIn as number) > 0
