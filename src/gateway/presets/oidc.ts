import * as oauth from 'oauth4webapi'
import { AuthError } from '../../core/AuthError'
import type { UpstreamAdapter, UpstreamContext, UpstreamTokens } from '../types'

/**
 * Sign-in with any OpenID Provider (Keycloak, Auth0, Okta, Entra ID, Google…) by redirect, through the
 * session gateway. Every protocol step is `oauth4webapi`'s: discovery (OpenID Connect Discovery
 * 1.0), the authorization request with PKCE S256, `state` and `nonce`, the authorization response check, the
 * code exchange, the ID token's validation (issuer, audience, nonce, expiry, and its signature against the
 * provider's JWKS), the refresh grant and RFC 7009 revocation. docs/oidc.md compares the providers.
 */
export interface OidcOptions {
  /**
   * The provider's issuer URL, exactly as its discovery document says (`https://login.example.com/realms/app`).
   * `https` only; plain `http` is accepted for loopback issuers (`http://localhost`, `http://127.0.0.1`), for tests.
   */
  issuer: string | URL
  /** The client (application) id registered at the provider. */
  clientId: string
  /**
   * The client secret of a confidential client, sent with HTTP Basic authentication (`client_secret_basic`).
   * Without it the client is public (`none`): PKCE alone protects the code exchange.
   * @default none
   */
  clientSecret?: string | undefined
  /**
   * How the secret is sent to the token and revocation endpoints.
   * @default 'client_secret_basic'
   */
  clientAuthentication?: 'client_secret_basic' | 'client_secret_post' | undefined
  /**
   * The scopes asked for. Keep `openid` (an ID token) and whatever gives a refresh token at your provider
   * (`offline_access` for most; Google ignores it and wants `access_type=offline` in `authorizationParams`).
   * @default 'openid profile email offline_access'
   */
  scopes?: string | undefined
  /**
   * The callback URL registered at the provider.
   * @default `{origin}{basePath}/callback`, e.g. `https://app.example.com/auth/callback`
   */
  redirectUri?: string | undefined
  /**
   * Further parameters of the authorization request: `{ prompt: 'consent' }`, Google's
   * `{ access_type: 'offline' }`, Auth0's `{ audience }`, a resource indicator. They cannot replace the
   * protocol's own (`state`, `nonce`, `code_challenge`, `redirect_uri`…).
   * @default {}
   */
  authorizationParams?: Record<string, string> | undefined
  /**
   * Where the provider sends the browser after its own sign-out (`post_logout_redirect_uri`, registered at the
   * provider). Part of the `logoutUrl` the logout answers.
   * @default none (the provider shows its own page)
   */
  postLogoutRedirectUri?: string | undefined
}

/** Protocol claims of the ID token: not part of the user the page sees. */
const PROTOCOL_CLAIMS = new Set([
  'iss',
  'aud',
  'exp',
  'iat',
  'nbf',
  'jti',
  'nonce',
  'auth_time',
  'at_hash',
  'c_hash',
  's_hash',
  'azp',
  'sid',
  'acr',
  'amr',
])

/** Parameters `authorizationParams` cannot set: the ones that make the request safe. */
const RESERVED = new Set([
  'client_id',
  'redirect_uri',
  'response_type',
  'scope',
  'state',
  'nonce',
  'code_challenge',
  'code_challenge_method',
])

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]'])

/** The page's user from validated ID token claims: `sub`, `name`, `email`… without the protocol's claims. */
const userOf = (claims: oauth.IDToken) =>
  Object.fromEntries(Object.entries(claims).filter(([key]) => !PROTOCOL_CLAIMS.has(key)))

/**
 * An `oauth4webapi` (or network) failure as the `AuthError` the gateway classifies. Messages are this file's
 * own sentences: never a provider body, a description it chose, or a token.
 */
function toAuthError(thrown: unknown, step: string): AuthError {
  if (thrown instanceof AuthError) return thrown
  if (thrown instanceof oauth.ResponseBodyError) {
    const { status, error } = thrown
    if (error === 'invalid_grant') {
      return new AuthError('session_expired', `The provider refused the ${step}: invalid_grant.`, {
        status: 401,
      })
    }
    if (status === 429 || status >= 500) {
      return new AuthError('server', `The provider could not answer the ${step} (HTTP ${status}).`, {
        status,
        ...retryAfterOf(thrown.response),
      })
    }
    return new AuthError('bad_response', `The provider refused the ${step}: ${safeCode(error)}.`, { status })
  }
  if (thrown instanceof oauth.WWWAuthenticateChallengeError) {
    return new AuthError('bad_response', `The provider refused the ${step}'s client authentication.`, {
      status: thrown.status,
    })
  }
  if (thrown instanceof oauth.OperationProcessingError) {
    const response = thrown.cause instanceof Response ? thrown.cause : undefined
    if (response && (response.status === 429 || response.status >= 500)) {
      return new AuthError('server', `The provider could not answer the ${step} (HTTP ${response.status}).`, {
        status: response.status,
        ...retryAfterOf(response),
      })
    }
    // An answer that is not what the protocol says (not JSON, a bad ID token, a wrong issuer or nonce).
    return new AuthError(
      'bad_response',
      `The provider's answer to the ${step} did not pass validation (${thrown.code ?? 'invalid'}).`,
    )
  }
  const name = (thrown as { name?: unknown } | null)?.name
  if (name === 'AbortError' || name === 'TimeoutError') {
    return new AuthError('timeout', `The provider did not answer the ${step} in time.`)
  }
  return new AuthError('network', `The provider could not be reached for the ${step}.`, {
    cause: name,
  })
}

function retryAfterOf(response: Response): { retryAfter?: number } {
  const seconds = Number(response.headers.get('retry-after'))
  return Number.isFinite(seconds) && seconds >= 0 ? { retryAfter: Math.min(seconds, 3600) } : {}
}

/** An OAuth error code as it may appear in a message or a URL: `[a-z0-9_]`, short. */
const safeCode = (value: unknown): string =>
  typeof value === 'string' && /^[A-Za-z0-9_.-]{1,64}$/.test(value) ? value : 'unknown_error'

/**
 * The `oidc` preset: an `UpstreamAdapter` that signs in by redirect (`GET {basePath}/login` and
 * `/callback`), renews with the refresh grant and revokes at logout.
 *
 * @example
 * createSessionGateway({
 *   upstream: oidc({ issuer: 'https://login.example.com', clientId: 'app', clientSecret: process.env.OIDC_SECRET }),
 *   secret: process.env.SESSION_SECRET!,
 * })
 */
export function oidc(options: OidcOptions): UpstreamAdapter {
  const issuer = new URL(options.issuer)
  const loopback = issuer.protocol === 'http:' && LOOPBACK.has(issuer.hostname)
  if (issuer.protocol !== 'https:' && !loopback) {
    throw new TypeError(
      `oidc: the issuer must be an https URL (got ${issuer.protocol}//${issuer.host}); plain http is accepted for localhost and 127.0.0.1 only.`,
    )
  }
  if (typeof options.clientId !== 'string' || options.clientId === '') {
    throw new TypeError('oidc: `clientId` is required: the client id registered at the provider.')
  }
  const scopes = options.scopes ?? 'openid profile email offline_access'
  if (!scopes.split(' ').includes('openid')) {
    throw new TypeError('oidc: `scopes` must include `openid`: the user comes from the ID token.')
  }
  for (const name of Object.keys(options.authorizationParams ?? {})) {
    if (RESERVED.has(name)) {
      throw new TypeError(`oidc: authorizationParams cannot set \`${name}\`; the preset sets it.`)
    }
  }
  const client: oauth.Client = { client_id: options.clientId }
  const clientAuth =
    options.clientSecret === undefined
      ? oauth.None()
      : options.clientAuthentication === 'client_secret_post'
        ? oauth.ClientSecretPost(options.clientSecret)
        : oauth.ClientSecretBasic(options.clientSecret)
  // The provider's signing keys, fetched once and kept by oauth4webapi (refetched when a new `kid` appears).
  const jwksCache: oauth.JWKSCacheInput = {}

  const http = (ctx: UpstreamContext) => ({
    signal: ctx.signal,
    // oauth4webapi's options are a RequestInit with `body: undefined` for a GET, which the strict types refuse.
    [oauth.customFetch]: (url: string, init: oauth.CustomFetchOptions<string, unknown>) =>
      ctx.fetch(url, init as RequestInit),
    // Only ever true for a loopback issuer (checked above): a test provider on http://localhost.
    [oauth.allowInsecureRequests]: loopback,
  })

  // Discovery, once: the promise is kept while it succeeds; a failed one is forgotten, so the next sign-in
  // tries again instead of failing for the life of the process.
  let discovered: Promise<oauth.AuthorizationServer> | undefined
  function discover(ctx: UpstreamContext) {
    discovered ??= (async () => {
      try {
        const response = await oauth.discoveryRequest(issuer, { ...http(ctx), algorithm: 'oidc' })
        return await oauth.processDiscoveryResponse(issuer, response)
      } catch (thrown) {
        throw toAuthError(thrown, 'discovery')
      }
    })()
    discovered.catch(() => {
      discovered = undefined
    })
    return discovered
  }

  const redirectUri = (ctx: UpstreamContext) => options.redirectUri ?? `${ctx.origin}${ctx.basePath}/callback`

  /** The token endpoint's answer as the gateway's tokens; `kept` is the user the session already has. */
  function toTokens(
    result: oauth.TokenEndpointResponse,
    claims: oauth.IDToken | undefined,
    kept: unknown,
  ): UpstreamTokens {
    const tokens: UpstreamTokens = {
      accessToken: result.access_token,
      expiresIn: result.expires_in,
      user: claims ? userOf(claims) : kept,
    }
    if (typeof result.refresh_token === 'string') tokens.refreshToken = result.refresh_token
    if (typeof result.id_token === 'string') tokens.idToken = result.id_token
    // Keycloak says how long its refresh token lives; the session cookie lives no longer.
    const refreshExpiresIn = result.refresh_expires_in
    if (typeof refreshExpiresIn === 'number' && refreshExpiresIn > 0)
      tokens.refreshExpiresIn = refreshExpiresIn
    return tokens
  }

  return {
    name: 'oidc',

    async login() {
      throw new AuthError(
        'bad_response',
        'The oidc preset signs in by redirect: send the browser to GET {basePath}/login?returnTo=/path (e.g. /auth/login), not a POST of credentials.',
        { status: 400 },
      )
    },

    async authorize(ctx) {
      const as = await discover(ctx)
      if (!as.authorization_endpoint) {
        throw new AuthError(
          'bad_response',
          'The provider has no authorization_endpoint in its discovery document.',
        )
      }
      const verifier = oauth.generateRandomCodeVerifier()
      const state = oauth.generateRandomState()
      const nonce = oauth.generateRandomNonce()
      const url = new URL(as.authorization_endpoint)
      for (const [name, value] of Object.entries(options.authorizationParams ?? {})) {
        url.searchParams.set(name, value)
      }
      url.searchParams.set('client_id', options.clientId)
      url.searchParams.set('redirect_uri', redirectUri(ctx))
      url.searchParams.set('response_type', 'code')
      url.searchParams.set('scope', scopes)
      url.searchParams.set('state', state)
      url.searchParams.set('nonce', nonce)
      url.searchParams.set('code_challenge', await oauth.calculatePKCECodeChallenge(verifier))
      url.searchParams.set('code_challenge_method', 'S256')
      return { url, transaction: { verifier, state, nonce, redirectUri: redirectUri(ctx) } }
    },

    async callback(request, ctx) {
      const { verifier, state, nonce, redirectUri: sentRedirectUri } = ctx.transaction
      if (!verifier || !state || !nonce || !sentRedirectUri) {
        throw new AuthError('bad_response', 'The sign-in transaction is incomplete.', { status: 400 })
      }
      const as = await discover(ctx)
      let params: URLSearchParams
      try {
        params = oauth.validateAuthResponse(as, client, new URL(request.url), state)
      } catch (thrown) {
        if (thrown instanceof oauth.AuthorizationResponseError) {
          // The provider's answer to the user (`access_denied`, `login_required`…), state already checked.
          throw new AuthError(
            'invalid_credentials',
            `The provider ended the sign-in: ${safeCode(thrown.error)}.`,
            {
              status: 400,
              details: { error: safeCode(thrown.error) },
            },
          )
        }
        // A state that is not this browser's, a missing code, an `iss` of another provider: forged or replayed.
        throw new AuthError(
          'bad_response',
          'The callback does not answer the sign-in this browser started (state, code or issuer do not match).',
          { status: 400 },
        )
      }
      let result: oauth.TokenEndpointResponse
      try {
        const response = await oauth.authorizationCodeGrantRequest(
          as,
          client,
          clientAuth,
          params,
          sentRedirectUri,
          verifier,
          http(ctx),
        )
        result = await oauth.processAuthorizationCodeResponse(as, client, response, {
          expectedNonce: nonce,
          requireIdToken: true,
        })
        // The ID token came over TLS from the token endpoint; its signature is checked against the JWKS too.
        await oauth.validateApplicationLevelSignature(as, response, {
          ...http(ctx),
          [oauth.jwksCache]: jwksCache,
        })
      } catch (thrown) {
        throw toAuthError(thrown, 'code exchange')
      }
      if (typeof result.refresh_token !== 'string' || result.refresh_token === '') {
        throw new AuthError(
          'bad_response',
          'The provider gave no refresh token, so the session would end at the first expiry. Ask for one: keep `offline_access` in `scopes` and allow it for this client at the provider; some providers want `authorizationParams: { prompt: "consent" }` (Google: `{ access_type: "offline", prompt: "consent" }`). See docs/oidc.md.',
          { details: { error: 'no_refresh_token' } },
        )
      }
      return toTokens(result, oauth.getValidatedIdTokenClaims(result), undefined)
    },

    async refresh(refreshToken, ctx) {
      const as = await discover(ctx)
      try {
        const response = await oauth.refreshTokenGrantRequest(as, client, clientAuth, refreshToken, http(ctx))
        const result = await oauth.processRefreshTokenResponse(as, client, response)
        const claims = oauth.getValidatedIdTokenClaims(result)
        if (claims) {
          await oauth.validateApplicationLevelSignature(as, response, {
            ...http(ctx),
            [oauth.jwksCache]: jwksCache,
          })
          // OpenID Connect Core §12.2: a refreshed ID token is about the same user.
          const before = (ctx.session?.user as { sub?: unknown } | undefined)?.sub
          if (before !== undefined && claims.sub !== before) {
            throw new AuthError(
              'bad_response',
              'The provider refreshed the session for another user (sub changed).',
            )
          }
        }
        return toTokens(result, claims, ctx.session?.user)
      } catch (thrown) {
        throw toAuthError(thrown, 'refresh')
      }
    },

    async logout(refreshToken, { everywhere }, ctx) {
      const as = await discover(ctx)
      // RFC 7009: revoking the refresh token ends its grant at most providers (the access tokens issued from
      // it too). Other devices hold other grants: only the provider's own "sign out everywhere" reaches them.
      if (as.revocation_endpoint) {
        try {
          const response = await oauth.revocationRequest(as, client, clientAuth, refreshToken, {
            ...http(ctx),
            additionalParameters: { token_type_hint: 'refresh_token' },
          })
          await oauth.processRevocationResponse(response)
        } catch (thrown) {
          throw toAuthError(thrown, everywhere ? 'sign-out everywhere' : 'sign-out')
        }
      }
      if (!as.end_session_endpoint) return {}
      // RP-Initiated Logout 1.0: the app may navigate here to end the provider's own session (its cookie).
      const url = new URL(as.end_session_endpoint)
      url.searchParams.set('client_id', options.clientId)
      const idToken = ctx.session?.idToken
      if (idToken) url.searchParams.set('id_token_hint', idToken)
      if (options.postLogoutRedirectUri) {
        url.searchParams.set('post_logout_redirect_uri', options.postLogoutRedirectUri)
      }
      return { logoutUrl: url.href }
    },
  }
}
