// @ts-check
// A real OpenID Provider on loopback for the tests and `npm run example:oidc`: oidc-provider (OpenID
// Certified), with a confidential client, refresh tokens for `offline_access` rotated on every use, short
// access tokens, RFC 7009 revocation, RFC 7662 introspection and RP-initiated logout. Its development sign-in
// form accepts any login and password; the login becomes the user's `sub`.
import { createServer } from 'node:http'
import Provider from 'oidc-provider'

/** The resource whose access tokens are JWTs (RFC 8707 resource indicators); without it they are opaque. */
export const JWT_RESOURCE = 'urn:react-jwt-session:api'

/**
 * @param {import('./provider.d.mts').ProviderOptions} options
 * @returns {Promise<import('./provider.d.mts').TestProvider>}
 */
export async function startProvider(options) {
  const {
    port = 0,
    host = 'localhost',
    clientId = 'app',
    clientSecret = 'app-secret-that-is-long-enough',
    redirectUris,
    postLogoutRedirectUris = [],
    accessTokenTtl = 60,
    accessTokenFormat = 'opaque',
    log = false,
  } = options
  const server = createServer()
  await new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host === 'localhost' ? '127.0.0.1' : host, () => resolve(undefined))
  })
  const address = /** @type {import('node:net').AddressInfo} */ (server.address())
  // The provider's own site: `localhost`, while the app is served from `127.0.0.1` (another site).
  const issuer = `http://${host}:${address.port}`

  const stats = { authorizationCodeGrants: 0, refreshGrants: 0, refusedGrants: 0, revocations: 0 }
  /** Refresh tokens in the order the provider issued them. */
  const refreshTokens = /** @type {string[]} */ ([])

  // oidc-provider names each development-only default it uses (memory adapter, generated keys, its sign-in
  // views) on the console when it starts: expected here, so kept out of the test output unless `log` is on.
  const { warn, info } = console
  if (!log) console.warn = console.info = () => {}
  let provider
  try {
    provider = makeProvider()
  } finally {
    console.warn = warn
    console.info = info
  }
  function makeProvider() {
    return new Provider(issuer, {
      clients: [
        {
          client_id: clientId,
          client_secret: clientSecret,
          redirect_uris: redirectUris,
          post_logout_redirect_uris: postLogoutRedirectUris,
          grant_types: ['authorization_code', 'refresh_token'],
          response_types: ['code'],
          token_endpoint_auth_method: 'client_secret_basic',
        },
      ],
      async findAccount(_ctx, sub) {
        const name = sub.charAt(0).toUpperCase() + sub.slice(1)
        return {
          accountId: sub,
          claims: async () => ({ sub, name, email: `${sub}@example.com`, email_verified: true }),
        }
      },
      claims: { openid: ['sub'], profile: ['name'], email: ['email', 'email_verified'] },
      // The user's name and email in the ID token, as Keycloak, Auth0, Entra ID and Google put them there.
      conformIdTokenClaims: false,
      pkce: { required: () => true },
      rotateRefreshToken: () => true,
      ttl: {
        AccessToken: accessTokenTtl,
        AuthorizationCode: 60,
        IdToken: 3600,
        RefreshToken: 24 * 3600,
        Interaction: 600,
        Session: 24 * 3600,
        Grant: 24 * 3600,
      },
      cookies: { keys: ['a-key-for-the-provider-cookies-in-tests'] },
      features: {
        devInteractions: { enabled: true },
        revocation: { enabled: true },
        introspection: { enabled: true, allowedPolicy: async () => true },
        rpInitiatedLogout: {
          enabled: true,
          logoutSource: async (ctx, form) => {
            ctx.body = page(
              'Sign out of the provider',
              `${form}<button autofocus type="submit" form="op.logoutForm" value="yes" name="logout">Yes, sign me out</button>`,
            )
          },
          postLogoutSuccessSource: async (ctx) => {
            ctx.body = page('Signed out', '<p>You are signed out of the provider.</p>')
          },
        },
        resourceIndicators: {
          enabled: accessTokenFormat === 'jwt',
          defaultResource: async () => JWT_RESOURCE,
          useGrantedResource: async () => true,
          getResourceServerInfo: async () => ({
            scope: 'api',
            audience: JWT_RESOURCE,
            accessTokenTTL: accessTokenTtl,
            accessTokenFormat: 'jwt',
            jwt: { sign: { alg: 'RS256' } },
          }),
        },
      },
      renderError: async (ctx, out) => {
        ctx.type = 'html'
        ctx.body = page(
          'Sign-in error',
          `<p>${escapeHtml(String(out.error))}: ${escapeHtml(String(out.error_description))}</p>`,
        )
      },
    })
  }
  provider.on('grant.success', (ctx) => {
    const grant = ctx.oidc.params?.grant_type
    if (grant === 'refresh_token') stats.refreshGrants += 1
    if (grant === 'authorization_code') stats.authorizationCodeGrants += 1
  })
  provider.on('grant.error', () => {
    stats.refusedGrants += 1
  })
  provider.on('refresh_token.saved', (token) => {
    refreshTokens.push(token.jti)
  })
  provider.on('grant.revoked', () => {
    stats.revocations += 1
  })
  if (log) provider.on('server_error', (_ctx, error) => console.error('provider error:', error))

  const callback = provider.callback()
  server.on('request', callback)

  return {
    issuer,
    clientId,
    clientSecret,
    stats,
    refreshTokens,
    async isActive(token) {
      const response = await fetch(`${issuer}/token/introspection`, {
        method: 'POST',
        headers: {
          authorization: `Basic ${btoa(`${encodeURIComponent(clientId)}:${encodeURIComponent(clientSecret)}`)}`,
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: new URLSearchParams({ token }),
      })
      const body = /** @type {{ active?: boolean }} */ (await response.json())
      return body.active === true
    },
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve(undefined))
        server.closeAllConnections()
      }),
  }
}

/** @param {string} value */
const escapeHtml = (value) => value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)

/** @param {string} title @param {string} body */
const page = (title, body) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title></head><body><h1>${title}</h1>${body}</body></html>`
