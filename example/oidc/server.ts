// `npm run example:oidc` and its tests: an OpenID Provider (oidc-provider, on localhost: another site), and
// on 127.0.0.1 one origin with the session gateway at /auth (the oidc preset), a small API at /api, and the
// built page. The browser never holds a refresh token: the provider's stays sealed in an HttpOnly cookie.
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createSessionGateway, type GatewayErrorEvent } from 'react-jwt-session/gateway'
import { toNodeHandler } from 'react-jwt-session/gateway/node'
import { oidc } from 'react-jwt-session/gateway/oidc'
import { createStaticHandler } from '../server/staticFiles.js'
import { startProvider, type TestProvider } from './provider.mjs'

export interface OidcExampleOptions {
  /** The built page (example/oidc/app). */
  staticDir: string
  /** The gateway's sealing secret (at least 32 bytes). */
  secret: string
  /** The app's port (0: a free one) and host. */
  port?: number
  host?: string
  /** The provider's port (0: a free one). */
  providerPort?: number
  /** Seconds an access token lives at the provider. @default 30 */
  accessTokenTtl?: number
  /** `opaque` (the provider's default) or `jwt`. @default 'opaque' */
  accessTokenFormat?: 'opaque' | 'jwt'
  /** `false` for a browser that refuses `Secure` cookies on plain-http localhost. @default true */
  secureCookies?: boolean
  /** Seconds a rotated refresh token's answer is given again (the gateway's reuseInterval). @default 10 */
  reuseInterval?: number
  onError?: (event: GatewayErrorEvent) => void
}

export interface OidcExample {
  url: string
  provider: TestProvider
  close(): Promise<void>
}

export async function startOidcExample(options: OidcExampleOptions): Promise<OidcExample> {
  const { host = '127.0.0.1', accessTokenFormat = 'opaque' } = options
  let handle: (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => void = (
    _req,
    res,
  ) => res.writeHead(503).end()
  const server = createServer((req, res) => handle(req, res))
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, host, resolve)
  })
  const url = `http://${host}:${(server.address() as AddressInfo).port}`

  const provider = await startProvider({
    port: options.providerPort ?? 0,
    redirectUris: [`${url}/auth/callback`],
    postLogoutRedirectUris: [`${url}/signed-out`],
    accessTokenTtl: options.accessTokenTtl ?? 30,
    accessTokenFormat,
  })
  const gateway = createSessionGateway({
    upstream: oidc({
      issuer: provider.issuer,
      clientId: provider.clientId,
      clientSecret: provider.clientSecret,
      // The JWT access tokens are for this API (a resource indicator); without it they are opaque.
      scopes: `openid profile email offline_access${accessTokenFormat === 'jwt' ? ' api' : ''}`,
      // OpenID Connect Core §11: offline_access (the refresh token) is granted with prompt=consent.
      authorizationParams: { prompt: 'consent' },
      postLogoutRedirectUri: `${url}/signed-out`,
    }),
    secret: options.secret,
    cookie: { secure: options.secureCookies !== false },
    reuseInterval: options.reuseInterval ?? 10,
    onError:
      options.onError ?? (({ route, status, error }) => console.log(`gateway ${route}: ${status} ${error}`)),
  })
  const auth = toNodeHandler(gateway)
  const serveStatic = createStaticHandler(options.staticDir)

  handle = (req, res) => {
    const path = new URL(req.url ?? '/', url)
    if (path.pathname.startsWith('/auth/')) return void auth(req, res)
    if (path.pathname === '/api/me')
      return void me(req.headers.authorization, provider).then((answer) => answer(res))
    serveStatic(req, res, path).then(
      (served) => {
        if (!served) res.writeHead(404).end()
      },
      () => res.writeHead(500).end(),
    )
  }

  return {
    url,
    provider,
    close: async () => {
      await new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      })
      await provider.close()
    },
  }
}

/**
 * The API: who the Bearer token belongs to. Asked of the provider (RFC 7662 introspection), so an opaque
 * access token works as well as a JWT.
 */
async function me(authorization: string | undefined, provider: TestProvider) {
  const token = /^Bearer ([!-~]+)$/.exec(authorization ?? '')?.[1]
  const response = await fetch(`${provider.issuer}/token/introspection`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${btoa(`${provider.clientId}:${provider.clientSecret}`)}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({ token: token ?? '' }),
  }).catch(() => null)
  const body = response?.ok ? ((await response.json()) as { active?: boolean; sub?: string }) : null
  return (res: import('node:http').ServerResponse) => {
    const active = token !== undefined && body?.active === true
    res.writeHead(active ? 200 : 401, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' })
    res.end(JSON.stringify(active ? { sub: body?.sub } : { error: 'invalid_token' }))
  }
}
