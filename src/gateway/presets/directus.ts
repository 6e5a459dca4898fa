import type { UpstreamAdapter } from '../types'
import {
  callUpstream,
  errorCode,
  joinUrl,
  pick,
  type Refusal,
  requestTokens,
  unlessRefused,
} from '../upstreamHttp'

// Directus, JSON mode, as documented:
// https://directus.io/docs/guides/auth/email-login (POST /auth/login {email, password, mode: 'json'} →
//   {data: {access_token, expires, refresh_token}}, `expires` in milliseconds)
// https://directus.io/docs/api/authentication (POST /auth/refresh {refresh_token, mode: 'json'}, same answer, the
//   refresh token rotated; POST /auth/logout {refresh_token, mode: 'json'})
// https://directus.io/docs/guides/connect/errors (`{"errors":[{"message":…,"extensions":{"code":…}}]}`:
//   INVALID_CREDENTIALS 401, INVALID_OTP 401, TOKEN_EXPIRED 401, INVALID_TOKEN 403, INVALID_PAYLOAD 400,
//   REQUESTS_EXCEEDED 429, SERVICE_UNAVAILABLE 503; every 4xx of these is the user's "no")
// Directus has no "sign out every device" call: `everywhere` ends this session, as the page's logout does.

export interface DirectusOptions {
  /** The Directus project URL: `https://cms.example.com`. */
  url: string
  /**
   * @default { login: '/auth/login', refresh: '/auth/refresh', logout: '/auth/logout' }
   */
  paths?: { login?: string; refresh?: string; logout?: string }
}

/** The gateway's upstream for Directus (local email and password accounts, JSON mode). */
export function directus({ url, paths = {} }: DirectusOptions): UpstreamAdapter {
  const upstream = 'directus'
  const login = joinUrl(url, paths.login ?? '/auth/login')
  const refresh = joinUrl(url, paths.refresh ?? '/auth/refresh')
  const logout = joinUrl(url, paths.logout ?? '/auth/logout')
  const refusal =
    (code: 'invalid_credentials' | 'session_expired') =>
    (_status: number, body: unknown): Refusal => {
      const errors = pick(body, 'errors')
      return {
        code,
        reason: Array.isArray(errors) ? errorCode(pick(errors[0], 'extensions.code')) : undefined,
      }
    }
  const fields = {
    accessToken: 'data.access_token',
    refreshToken: 'data.refresh_token',
    expiresIn: 'data.expires',
    expiresInUnit: 'ms',
  } as const
  return {
    name: upstream,
    async login(credentials, ctx) {
      return requestTokens(ctx, {
        upstream,
        call: 'login',
        url: login,
        // `otp` for accounts with two-factor sign-in, when the form sends it.
        json: {
          email: credentials.email ?? credentials.username,
          password: credentials.password,
          ...(credentials.otp === undefined ? {} : { otp: credentials.otp }),
          mode: 'json',
        },
        refusal: refusal('invalid_credentials'),
        fields,
      })
    },
    async refresh(refreshToken, ctx) {
      return requestTokens(ctx, {
        upstream,
        call: 'refresh',
        url: refresh,
        json: { refresh_token: refreshToken, mode: 'json' },
        refusal: refusal('session_expired'),
        fields,
      })
    },
    async logout(refreshToken, _options, ctx) {
      await unlessRefused(
        callUpstream(ctx, {
          upstream,
          call: 'logout',
          url: logout,
          json: { refresh_token: refreshToken, mode: 'json' },
        }),
      )
    },
  }
}
