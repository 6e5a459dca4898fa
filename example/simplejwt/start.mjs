// `npm run example:simplejwt`: the demo app against a real Django REST framework SimpleJWT, through the session
// gateway, on one origin. Starts SimpleJWT (Debian's python3-djangorestframework-simplejwt, run by
// /usr/bin/python3; a throwaway SQLite database), builds the demo app, and serves both with the gateway at /auth.
// Environment: PORT (5175), HOST (127.0.0.1), ACCESS_TTL (SimpleJWT's access-token lifetime, 30 s),
// SESSION_SECRET (else a random one: sessions end when the server stops), SECURE_COOKIES=0 (plain-http
// development in a browser that refuses Secure cookies on localhost), APP_DIST (serve an already built app).
import { randomBytes } from 'node:crypto'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { build } from 'esbuild'
import { simpleJwtMissing, startSimpleJwt } from './startSimpleJwt.mjs'

const here = (path) => fileURLToPath(new URL(path, import.meta.url))

const missing = simpleJwtMissing()
if (missing) {
  console.error(missing)
  process.exit(1)
}
const port = Number(process.env.PORT ?? 5175)
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`PORT must be a port number, got ${JSON.stringify(process.env.PORT)}`)
  process.exit(1)
}
const accessTtl = Number(process.env.ACCESS_TTL ?? 30)
const host = process.env.HOST ?? '127.0.0.1'

let staticDir = process.env.APP_DIST
if (!staticDir) {
  console.log('Building the demo app…')
  staticDir = here('../app/dist')
  const { build: viteBuild } = await import('vite')
  await viteBuild({
    configFile: here('../app/vite.config.ts'),
    logLevel: 'warn',
    build: { outDir: staticDir },
  })
}

// The server is TypeScript; esbuild compiles it (react-jwt-session from src/, through the tsconfig paths).
const outfile = here('../../node_modules/.cache/react-jwt-session-simplejwt/server.mjs')
await build({
  entryPoints: [here('./createExampleServer.ts')],
  outfile,
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external: ['jose', 'oauth4webapi', 'jwt-decode'],
  logLevel: 'warning',
})
const { createExampleServer } = await import(pathToFileURL(outfile).href)

console.log('Starting Django REST framework SimpleJWT…')
const django = await startSimpleJwt({ accessTtl })
const app = createExampleServer({
  simplejwtUrl: django.url,
  staticDir,
  secret: process.env.SESSION_SECRET ?? randomBytes(32).toString('base64url'),
  secureCookies: process.env.SECURE_COOKIES !== '0',
})
let url
try {
  url = await app.listen(port, host)
} catch (error) {
  await django.close()
  const reason = error?.code === 'EADDRINUSE' ? `port ${port} is in use; set PORT to another one` : error
  console.error(`Could not start the server: ${reason}`)
  process.exit(1)
}

console.log(`
react-jwt-session with Django REST framework SimpleJWT: ${url}
  the gateway at ${url}/auth, SimpleJWT at ${django.url} (the browser never talks to it)
  access tokens live ${accessTtl} s (ACCESS_TTL); the refresh token rotates and stays in an HttpOnly cookie
  demo users:
    alice / alice-password  (admin)
    bob / bob-password  (member)

Ctrl+C stops both servers.
`)

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    Promise.all([app.close(), django.close()]).then(
      () => process.exit(0),
      () => process.exit(1),
    )
  })
}
