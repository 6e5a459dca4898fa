import { isAuthError } from '../../core/AuthError'
import type { UpstreamAdapter, UpstreamContext } from '../types'
import { callUpstream, errorCode, joinUrl, pick, type Refusal, requestTokens } from '../upstreamHttp'

// Supabase Auth (GoTrue), as documented:
// https://supabase.com/docs/reference/api/auth (the REST API behind the SDKs)
// https://github.com/supabase/auth#post-token (POST /token?grant_type=password {email,password} and
//   ?grant_type=refresh_token {refresh_token} → {access_token, token_type, expires_in, expires_at, refresh_token,
//   user}; errors `{"code":400,"error_code":"invalid_credentials","msg":…}`, older servers
//   `{"error":"invalid_grant","error_description":…}`)
// https://github.com/supabase/auth#post-logout (POST /logout?scope=global|local|others with the access token as Bearer)
// https://supabase.com/docs/reference/javascript/auth-signout (scope: 'global' signs out every device)
// https://github.com/supabase/auth/blob/master/internal/api/logout.go (the session comes from the Bearer access
//   token; `scope` local ends that session, global every session of the user; the answer is a 204)
// The `apikey` header carries the project's anon (publishable) key. A wrong one is refused by the API gateway in
// front of Auth with `{"message":"Invalid API key"}` (not confirmed from the docs reachable here; matched loosely).

export interface SupabaseOptions {
  /** The project URL: `https://<project>.supabase.co`. */
  url: string
  /** The project's anon (publishable) key, sent as `apikey`. Never the service-role key: the gateway needs no more. */
  apiKey: string
}

/** The gateway's upstream for Supabase Auth: email and password sign-in, rotating refresh tokens, server logout. */
export function supabase({ url, apiKey }: SupabaseOptions): UpstreamAdapter {
  const upstream = 'supabase'
  const endpoint = (path: string) => joinUrl(url, `/auth/v1${path}`)
  const headers = { apikey: apiKey }
  const refusal =
    (code: 'invalid_credentials' | 'session_expired') =>
    (_status: number, body: unknown): Refusal => {
      if (/api ?key/i.test(String(pick(body, 'message') ?? ''))) {
        return { code: 'server', message: "Supabase refused the apiKey: pass the project's anon key." }
      }
      return { code, reason: errorCode(pick(body, 'error_code')) ?? errorCode(pick(body, 'error')) }
    }
  const fields = {
    accessToken: 'access_token',
    refreshToken: 'refresh_token',
    expiresIn: 'expires_in',
    user: 'user',
  }
  const refresh = async (refreshToken: string, ctx: UpstreamContext) =>
    requestTokens(ctx, {
      upstream,
      call: 'refresh',
      url: endpoint('/token?grant_type=refresh_token'),
      json: { refresh_token: refreshToken },
      headers,
      refusal: refusal('session_expired'),
      fields,
    })
  return {
    name: upstream,
    async login(credentials, ctx) {
      return requestTokens(ctx, {
        upstream,
        call: 'login',
        url: endpoint('/token?grant_type=password'),
        json: { email: credentials.email ?? credentials.username, password: credentials.password },
        headers,
        refusal: refusal('invalid_credentials'),
        fields,
      })
    },
    refresh,
    async logout(refreshToken, { everywhere }, ctx) {
      // GoTrue's logout takes an access token, and the gateway keeps only the refresh token: it renews once to
      // get one (the new refresh token dies with the session), then ends this session or, `everywhere`, all of
      // them. A refresh token GoTrue already refused means the session is over: nothing left to do.
      let accessToken: string
      try {
        accessToken = (await refresh(refreshToken, ctx)).accessToken
      } catch (error) {
        if (isAuthError(error) && error.code === 'session_expired') return
        throw error
      }
      await callUpstream(ctx, {
        upstream,
        call: 'logout',
        url: endpoint(`/logout?scope=${everywhere ? 'global' : 'local'}`),
        headers: { ...headers, Authorization: `Bearer ${accessToken}` },
      })
    },
  }
}
