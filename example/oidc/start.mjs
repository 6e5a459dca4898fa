// `npm run example:oidc`: sign in with an OpenID Provider through the session gateway, in a minute. Starts a
// real OpenID Provider (oidc-provider, OpenID Certified) on localhost and, on 127.0.0.1 (another site), the
// page with the gateway at /auth. Open the page: it sends you to the provider's sign-in form (any login and
// password), asks for consent, and brings you back signed in. Environment: PORT (5176), PROVIDER_PORT (5177),
// ACCESS_TTL (the provider's access-token lifetime, 30 s), ACCESS_TOKEN_FORMAT (opaque | jwt), SESSION_SECRET
// (else a random one), SECURE_COOKIES=0 (a browser that refuses Secure cookies on plain-http localhost).
import { randomBytes } from 'node:crypto'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { build } from 'esbuild'

const here = (path) => fileURLToPath(new URL(path, import.meta.url))

const port = Number(process.env.PORT ?? 5176)
const providerPort = Number(process.env.PROVIDER_PORT ?? 5177)
for (const [name, value] of [
  ['PORT', port],
  ['PROVIDER_PORT', providerPort],
]) {
  if (!Number.isInteger(value) || value < 0 || value > 65535) {
    console.error(`${name} must be a port number, got ${JSON.stringify(process.env[name])}`)
    process.exit(1)
  }
}
const accessTokenTtl = Number(process.env.ACCESS_TTL ?? 30)
const accessTokenFormat = process.env.ACCESS_TOKEN_FORMAT === 'jwt' ? 'jwt' : 'opaque'

let staticDir = process.env.APP_DIST
if (!staticDir) {
  console.log('Building the page…')
  staticDir = here('./app/dist')
  const { build: viteBuild } = await import('vite')
  await viteBuild({
    configFile: here('./app/vite.config.ts'),
    logLevel: 'warn',
    build: { outDir: staticDir },
  })
}

// The server is TypeScript; esbuild compiles it (react-jwt-session from src/, through the tsconfig paths).
const outfile = here('../../node_modules/.cache/react-jwt-session-oidc/server.mjs')
await build({
  entryPoints: [here('./server.ts')],
  outfile,
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external: ['jose', 'oauth4webapi', 'jwt-decode', 'oidc-provider'],
  logLevel: 'warning',
})
const { startOidcExample } = await import(pathToFileURL(outfile).href)

let example
try {
  example = await startOidcExample({
    staticDir,
    port,
    providerPort,
    accessTokenTtl,
    accessTokenFormat,
    secret: process.env.SESSION_SECRET ?? randomBytes(32).toString('base64url'),
    secureCookies: process.env.SECURE_COOKIES !== '0',
  })
} catch (error) {
  const reason =
    error?.code === 'EADDRINUSE' ? 'a port is in use; set PORT and PROVIDER_PORT to free ones' : error
  console.error(`Could not start the example: ${reason}`)
  process.exit(1)
}

console.log(`
react-jwt-session with an OpenID Provider: ${example.url}
  the provider at ${example.provider.issuer} (another site); sign in there with any login and password
  the gateway at ${example.url}/auth: /login sends you to the provider, /callback brings you back
  ${accessTokenFormat} access tokens live ${accessTokenTtl} s (ACCESS_TTL, ACCESS_TOKEN_FORMAT=jwt|opaque); the
  provider's refresh token rotates at every renewal and stays sealed in an HttpOnly cookie

Ctrl+C stops both servers.
`)

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    example.close().then(
      () => process.exit(0),
      () => process.exit(1),
    )
  })
}
