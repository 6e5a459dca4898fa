import type { UpstreamAdapter, UpstreamContext } from '../types'
import {
  callUpstream,
  errorCode,
  joinUrl,
  pick,
  type Refusal,
  readTokens,
  unlessRefused,
} from '../upstreamHttp'

// Nhost Auth (hasura-auth), as documented:
// https://docs.nhost.io/reference/auth/signin-email-password (POST /signin/email-password {email, password} →
//   {session: {accessToken, accessTokenExpiresIn, refreshToken, refreshTokenId, user}, mfa})
// https://docs.nhost.io/reference/auth/refresh-token (POST /token {refreshToken} → the session, refresh token
//   rotated: "The refresh token used will be revoked and a new one will be issued")
// https://docs.nhost.io/reference/auth/signout (POST /signout {refreshToken, all}; `all` signs out every device)
// https://docs.nhost.io/reference/javascript/auth/types/nhost-session (the session's fields)
// Errors are `{"status":401,"message":…,"error":"invalid-email-password"}` (also `invalid-refresh-token`,
// `unverified-user`, `disabled-user`). Not confirmed from the docs reachable here: whether `all: true` needs the
// access token as Bearer; the preset renews once and sends it, which a server that does not need it ignores.

export interface NhostOptions {
  /** The Auth service URL: `https://<subdomain>.auth.<region>.nhost.run/v1`. */
  authUrl: string
  /** @default { login: '/signin/email-password', refresh: '/token', logout: '/signout' } */
  paths?: { login?: string; refresh?: string; logout?: string }
}

/** The gateway's upstream for Nhost Auth (email and password sign-in, rotating refresh tokens). */
export function nhost({ authUrl, paths = {} }: NhostOptions): UpstreamAdapter {
  const upstream = 'nhost'
  const login = joinUrl(authUrl, paths.login ?? '/signin/email-password')
  const token = joinUrl(authUrl, paths.refresh ?? '/token')
  const signout = joinUrl(authUrl, paths.logout ?? '/signout')
  const refusal =
    (code: 'invalid_credentials' | 'session_expired') =>
    (_status: number, body: unknown): Refusal => ({ code, reason: errorCode(pick(body, 'error')) })
  // `/signin/email-password` wraps the session in `session`; `/token` answers the session itself.
  const fields = (at: string) => ({
    accessToken: `${at}accessToken`,
    refreshToken: `${at}refreshToken`,
    expiresIn: `${at}accessTokenExpiresIn`,
    user: `${at}user`,
  })
  const refresh = async (refreshToken: string, ctx: UpstreamContext) =>
    readTokens(
      await callUpstream(ctx, {
        upstream,
        call: 'refresh',
        url: token,
        json: { refreshToken },
        refusal: refusal('session_expired'),
      }),
      fields(''),
      upstream,
      'refresh',
    )
  return {
    name: upstream,
    async login(credentials, ctx) {
      const body = await callUpstream(ctx, {
        upstream,
        call: 'login',
        url: login,
        json: { email: credentials.email ?? credentials.username, password: credentials.password },
        refusal: refusal('invalid_credentials'),
      })
      // A second factor is asked for with `session: null` and an `mfa` ticket: not a session the gateway can keep.
      return readTokens(body, fields('session.'), upstream, 'login')
    },
    refresh,
    async logout(refreshToken, { everywhere }, ctx) {
      if (!everywhere) {
        await unlessRefused(
          callUpstream(ctx, { upstream, call: 'logout', url: signout, json: { refreshToken, all: false } }),
        )
        return
      }
      const session = await unlessRefused(refresh(refreshToken, ctx))
      if (session === null) return
      await callUpstream(ctx, {
        upstream,
        call: 'logout',
        url: signout,
        json: { refreshToken: session.refreshToken ?? refreshToken, all: true },
        headers: { Authorization: `Bearer ${session.accessToken}` },
      })
    },
  }
}
