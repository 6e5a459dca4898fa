import type { UpstreamAdapter, UpstreamContext } from '../types'
import {
  callUpstream,
  errorCode,
  joinUrl,
  pick,
  type Refusal,
  requestTokens,
  unlessRefused,
} from '../upstreamHttp'

// Nhost Auth (hasura-auth), as documented:
// https://docs.nhost.io/reference/javascript/auth/types/sign-in-response (POST /signin/email-password
//   {email, password} → {session, mfa}; `session: null` with an `mfa` ticket when a second factor is asked for)
// https://docs.nhost.io/reference/javascript/auth/types/nhost-session (the session: accessToken,
//   accessTokenExpiresIn, refreshToken, refreshTokenId, user)
// https://docs.nhost.io/reference/auth (the Auth API: POST /token {refreshToken} answers the session itself, the
//   refresh token rotated; POST /signout {refreshToken, all})
// and hasura-auth's handlers, for what the reference leaves out:
// https://github.com/nhost/hasura-auth/blob/main/src/routes/signout/signout.ts (`all: true` needs the user signed
//   in, i.e. the access token as Bearer, else `unauthenticated-user`; the answer is `"OK"`)
// https://github.com/nhost/hasura-auth/blob/main/src/routes/token/token.ts (an unknown token: `invalid-refresh-token`)
// Errors are `{"status":401,"message":…,"error":"invalid-email-password"}` (also `invalid-refresh-token`,
// `unverified-user`, `disabled-user`). The reference URLs above were found but their pages not read in full here.

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
    requestTokens(ctx, {
      upstream,
      call: 'refresh',
      url: token,
      json: { refreshToken },
      refusal: refusal('session_expired'),
      fields: fields(''),
    })
  return {
    name: upstream,
    async login(credentials, ctx) {
      // A second factor is asked for with `session: null` and an `mfa` ticket: not a session the gateway can keep.
      return requestTokens(ctx, {
        upstream,
        call: 'login',
        url: login,
        json: { email: credentials.email ?? credentials.username, password: credentials.password },
        refusal: refusal('invalid_credentials'),
        fields: fields('session.'),
      })
    },
    refresh,
    async logout(refreshToken, { everywhere }, ctx) {
      if (!everywhere) {
        await unlessRefused(
          callUpstream(ctx, { upstream, call: 'logout', url: signout, json: { refreshToken, all: false } }),
        )
        return
      }
      // `all` needs the user signed in, and the gateway keeps no access token: renew once to get one (a token
      // Nhost already refused means there is no session left to end).
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
