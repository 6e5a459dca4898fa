import type { UpstreamAdapter, UpstreamContext, UpstreamTokens } from '../types'
import { callUpstream, joinUrl, pick, requestTokens } from '../upstreamHttp'

// ASP.NET Core Identity's API endpoints (.NET 8+, `app.MapIdentityApi<TUser>()`), as documented:
// https://learn.microsoft.com/aspnet/core/security/authentication/identity-api-authorization
//   (POST /login {email, password} → {tokenType: "Bearer", accessToken, expiresIn: 3600, refreshToken};
//   POST /refresh {refreshToken} → the same shape; GET /manage/info with the Bearer token → {email,
//   isEmailConfirmed}; no endpoint revokes a refresh token)
// https://learn.microsoft.com/dotnet/api/microsoft.aspnetcore.identity.data.accesstokenresponse (the answer's fields)
// https://github.com/dotnet/aspnetcore/blob/main/src/Identity/Core/src/IdentityApiEndpointRouteBuilderExtensions.cs
//   (what the page leaves out: a refused refresh token is a bare 401 challenge; each /refresh answers a new refresh
//   token, but the old one is not revoked: it stays valid until it expires)
// A failed sign-in is 401 problem details (`{"type":…,"title":"Unauthorized","status":401,"detail":"Failed"}`).
// The access token is opaque (a Data Protection blob, not a JWT): its lifetime is the answer's `expiresIn`, and
// the user comes from /manage/info (the gateway's opaque-token answer needs one).
// Logout is local: the cookie is cleared; the refresh token itself stays valid upstream until it expires.

export interface AspNetIdentityOptions {
  /** Where `MapIdentityApi` is mounted: `https://api.example.com` (or `https://api.example.com/identity`). */
  url: string
  /**
   * `info: null` skips the user lookup (the page then gets no `user`).
   * @default { login: '/login', refresh: '/refresh', info: '/manage/info' }
   */
  paths?: { login?: string; refresh?: string; info?: string | null }
}

/** The gateway's upstream for ASP.NET Core Identity's `MapIdentityApi` (bearer tokens, not its cookie mode). */
export function aspnetIdentity({ url, paths = {} }: AspNetIdentityOptions): UpstreamAdapter {
  const upstream = 'aspnetIdentity'
  const login = joinUrl(url, paths.login ?? '/login')
  const refresh = joinUrl(url, paths.refresh ?? '/refresh')
  const info = paths.info === null ? null : joinUrl(url, paths.info ?? '/manage/info')
  const fields = { accessToken: 'accessToken', refreshToken: 'refreshToken', expiresIn: 'expiresIn' }
  const withUser = async (tokens: UpstreamTokens, ctx: UpstreamContext): Promise<UpstreamTokens> => {
    if (info === null) return tokens
    // The user is a convenience: an answer without one still signs in (the page gets no `user`).
    const body = await callUpstream(ctx, {
      upstream,
      call: 'refresh',
      method: 'GET',
      url: info,
      headers: { Authorization: `Bearer ${tokens.accessToken}` },
    }).catch(() => null)
    const email = pick(body, 'email')
    return typeof email === 'string'
      ? { ...tokens, user: { id: email, email, isEmailConfirmed: pick(body, 'isEmailConfirmed') === true } }
      : tokens
  }
  return {
    name: upstream,
    async login(credentials, ctx) {
      const tokens = await requestTokens(ctx, {
        upstream,
        call: 'login',
        url: login,
        json: {
          email: credentials.email ?? credentials.username,
          password: credentials.password,
          // Two-factor accounts: the form's code, as the endpoint names it.
          ...(credentials.twoFactorCode === undefined ? {} : { twoFactorCode: credentials.twoFactorCode }),
        },
        fields,
      })
      return withUser(tokens, ctx)
    },
    async refresh(refreshToken, ctx) {
      const tokens = await requestTokens(ctx, {
        upstream,
        call: 'refresh',
        url: refresh,
        json: { refreshToken },
        fields,
      })
      return withUser(tokens, ctx)
    },
  }
}
