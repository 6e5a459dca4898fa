import { isAuthError } from '../../core/AuthError'
import { decodeToken } from '../../core/decodeToken'
import type { UpstreamAdapter, UpstreamTokens } from '../types'
import { callUpstream, errorCode, joinUrl, pick, requestTokens, unlessRefused } from '../upstreamHttp'

// Django REST framework SimpleJWT, as documented:
// https://django-rest-framework-simplejwt.readthedocs.io/en/latest/getting_started.html (the two views and their bodies)
// https://django-rest-framework-simplejwt.readthedocs.io/en/latest/settings.html (ROTATE_REFRESH_TOKENS: the
//   refresh answer then carries a new `refresh`; no `expires_in` anywhere: see `withLifetime` for the lifetime)
// https://django-rest-framework-simplejwt.readthedocs.io/en/latest/blacklist_app.html (TokenBlacklistView)
// Checked against SimpleJWT 5.2.2 run by the test suite: a bad password is 401 `{"detail":"No active account
// found with the given credentials"}`, a bad or blacklisted token 401 `{"detail":…,"code":"token_not_valid"}`,
// blacklisting an already blacklisted token the same 401 (taken as done).

export interface SimpleJwtOptions {
  /** The Django site's origin, with its path prefix if any: `https://api.example.com`. */
  url: string
  /**
   * The views' paths, as `urls.py` mounts them. `blacklist: null` when the `token_blacklist` app is not installed
   * (logout is then local: the refresh token stays valid upstream until it expires).
   * @default { login: '/api/token/', refresh: '/api/token/refresh/', blacklist: '/api/token/blacklist/' }
   */
  paths?: { login?: string; refresh?: string; blacklist?: string | null }
}

/** A numeric claim of a JWT, or `undefined` (not a JWT, or no such number). */
function numericClaim(token: string, name: 'exp' | 'iat'): number | undefined {
  try {
    const value = decodeToken(token)[name]
    return typeof value === 'number' && Number.isFinite(value) ? value : undefined
  } catch {
    return undefined
  }
}

/**
 * The access token's lifetime as `expiresIn`. SimpleJWT copies the refresh token's claims into each access token
 * it makes from it, `iat` included (`RefreshToken.access_token` leaves out only the type, `exp` and `jti`), so
 * after a rotation the access JWT's `exp - iat` counts from the previous renewal: a 5-minute token would be
 * taken for a 10-minute one and used after it expired. Both tokens of one answer are stamped from one reading
 * of SimpleJWT's clock, so the access token's `exp` minus the new refresh token's `iat` is its true lifetime,
 * whatever our clock says; without rotation (no new refresh token) it counts from now.
 */
function withLifetime(tokens: UpstreamTokens): UpstreamTokens {
  const exp = numericClaim(tokens.accessToken, 'exp')
  if (exp === undefined || tokens.expiresIn !== undefined) return tokens
  const issued = tokens.refreshToken === undefined ? undefined : numericClaim(tokens.refreshToken, 'iat')
  const expiresIn = exp - (issued ?? Date.now() / 1000)
  return expiresIn > 0 ? { ...tokens, expiresIn } : tokens
}

/** The gateway's upstream for Django REST framework SimpleJWT (`TokenObtainPairView`, `TokenRefreshView`). */
export function simplejwt({ url, paths = {} }: SimpleJwtOptions): UpstreamAdapter {
  const login = joinUrl(url, paths.login ?? '/api/token/')
  const refresh = joinUrl(url, paths.refresh ?? '/api/token/refresh/')
  const blacklist = paths.blacklist === null ? null : joinUrl(url, paths.blacklist ?? '/api/token/blacklist/')
  const fields = { accessToken: 'access', refreshToken: 'refresh' }
  const upstream = 'simplejwt'
  const reason = (_status: number, body: unknown) => errorCode(pick(body, 'code'))
  return {
    name: upstream,
    async login(credentials, ctx) {
      // The fields are the project's USERNAME_FIELD and `password`: passed as the sign-in form sent them.
      const tokens = await requestTokens(ctx, {
        upstream,
        call: 'login',
        url: login,
        json: credentials,
        refusal: (status, data) => ({ code: 'invalid_credentials', reason: reason(status, data) }),
        fields,
      })
      return withLifetime(tokens)
    },
    async refresh(refreshToken, ctx) {
      // Without ROTATE_REFRESH_TOKENS the answer has no `refresh`: the sealed one stays in use.
      const tokens = await requestTokens(ctx, {
        upstream,
        call: 'refresh',
        url: refresh,
        json: { refresh: refreshToken },
        refusal: (status, data) => ({ code: 'session_expired', reason: reason(status, data) }),
        fields,
      })
      return withLifetime(tokens)
    },
    async logout(refreshToken, _options, ctx) {
      // SimpleJWT has no "every session of the user" call: `everywhere` blacklists this token, as the page's does.
      if (blacklist === null) return
      try {
        await unlessRefused(
          callUpstream(ctx, { upstream, call: 'logout', url: blacklist, json: { refresh: refreshToken } }),
        )
      } catch (error) {
        // 404: the blacklist app is not installed; nothing to revoke upstream, the cookie is cleared anyway.
        if (!(isAuthError(error) && error.status === 404)) throw error
      }
    },
  }
}
