import type { UpstreamAdapter, UpstreamContext } from '../types'
import { callUpstream, errorCode, pick, type Refusal, requestTokens, unlessRefused } from '../upstreamHttp'

// Any OAuth 2.0 token endpoint (Keycloak `/realms/{realm}/protocol/openid-connect/token`, Laravel Passport
// `/oauth/token`, …), as the RFCs define it:
// https://www.rfc-editor.org/rfc/rfc6749#section-4.3 (password grant) · #section-6 (refresh_token grant) ·
// #section-2.3.1 (client_secret_basic: id and secret form-encoded, then Basic) · #section-5.1 (the answer:
// access_token, token_type, expires_in, refresh_token) · #section-5.2 (errors: 400/401 `{"error":"invalid_grant"}`…)
// https://www.rfc-editor.org/rfc/rfc7009#section-2 (revocation with token_type_hint=refresh_token; 200 even for a
// token the server no longer knows)
// Keycloak adds `refresh_expires_in` (seconds), which becomes the cookie's lifetime:
// https://www.keycloak.org/securing-apps/oidc-layers
// Two form POSTs: written on the shared upstream helper (one error mapping, Retry-After, bounded bodies) rather than
// through oauth4webapi, whose checks (issuer metadata, HTTPS) are for the redirect flows of the `oidc` preset.

export interface OAuth2Options {
  /** The token endpoint: `https://id.example.com/realms/app/protocol/openid-connect/token`. */
  tokenEndpoint: string
  clientId: string
  /** Absent for a public client (`clientAuth: 'none'`). */
  clientSecret?: string
  /**
   * How the client authenticates (RFC 6749 §2.3.1): HTTP Basic, or `client_id`/`client_secret` in the body.
   * @default 'basic' with a `clientSecret`, else 'none'
   */
  clientAuth?: 'basic' | 'post' | 'none'
  /** The `scope` of the password grant (`'openid offline_access'`). @default none sent */
  scope?: string
  /** The RFC 7009 revocation endpoint. Absent: logout is local (the refresh token lives on until it expires). */
  revocationEndpoint?: string
}

/** The gateway's upstream for an OAuth 2.0 server: password and refresh_token grants, RFC 7009 revocation. */
export function oauth2(options: OAuth2Options): UpstreamAdapter {
  const { tokenEndpoint, clientId, clientSecret, scope, revocationEndpoint } = options
  const clientAuth = options.clientAuth ?? (clientSecret === undefined ? 'none' : 'basic')
  if (clientAuth !== 'none' && clientSecret === undefined) {
    throw new TypeError(`oauth2: clientAuth '${clientAuth}' needs a clientSecret.`)
  }
  const upstream = 'oauth2'
  // RFC 6749 §2.3.1: each part form-urlencoded before the Basic encoding (a `:` in a secret must not split it).
  const formEncode = (value: string) => new URLSearchParams({ v: value }).toString().slice(2)
  const authHeaders: Record<string, string> =
    clientAuth === 'basic'
      ? { Authorization: `Basic ${btoa(`${formEncode(clientId)}:${formEncode(clientSecret as string)}`)}` }
      : {}
  const withClient = (params: Record<string, string>): Record<string, string> =>
    clientAuth === 'post'
      ? { ...params, client_id: clientId, client_secret: clientSecret as string }
      : clientAuth === 'none'
        ? { ...params, client_id: clientId }
        : params
  const refusal =
    (code: 'invalid_credentials' | 'session_expired') =>
    (_status: number, body: unknown): Refusal => {
      const error = errorCode(pick(body, 'error'))
      if (
        error === 'invalid_client' ||
        error === 'unauthorized_client' ||
        error === 'unsupported_grant_type'
      ) {
        return {
          code: 'server',
          reason: error,
          message: `The token endpoint refused this client (${error}): check clientId, clientSecret and clientAuth, and that the client may use the ${code === 'invalid_credentials' ? 'password' : 'refresh_token'} grant.`,
        }
      }
      return { code, reason: error }
    }
  const fields = {
    accessToken: 'access_token',
    refreshToken: 'refresh_token',
    expiresIn: 'expires_in',
    refreshExpiresIn: 'refresh_expires_in',
    idToken: 'id_token',
  }
  const grant = async (params: Record<string, string>, ctx: UpstreamContext, call: 'login' | 'refresh') =>
    requestTokens(ctx, {
      upstream,
      call,
      url: tokenEndpoint,
      form: withClient(params),
      headers: authHeaders,
      refusal: refusal(call === 'login' ? 'invalid_credentials' : 'session_expired'),
      fields,
    })
  return {
    name: upstream,
    login(credentials, ctx) {
      const text = (key: string) => (typeof credentials[key] === 'string' ? (credentials[key] as string) : '')
      return grant(
        {
          grant_type: 'password',
          username: text('username') || text('email'),
          password: text('password'),
          ...(scope === undefined ? {} : { scope }),
        },
        ctx,
        'login',
      )
    },
    refresh(refreshToken, ctx) {
      return grant({ grant_type: 'refresh_token', refresh_token: refreshToken }, ctx, 'refresh')
    },
    async logout(refreshToken, _options, ctx) {
      // RFC 7009 revokes one token (and, where the server ties them, its grant); there is no standard "everywhere".
      if (revocationEndpoint === undefined) return
      await unlessRefused(
        callUpstream(ctx, {
          upstream,
          call: 'logout',
          url: revocationEndpoint,
          form: withClient({ token: refreshToken, token_type_hint: 'refresh_token' }),
          headers: authHeaders,
        }),
      )
    },
  }
}
