// @ts-check
// Starts the reference auth server: `node example/server/main.js`.
// Environment: PORT (default 5173), HOST (default 127.0.0.1), ACCESS_TTL (seconds, default 900),
// STATIC_DIR (a built app to serve), SECURE_COOKIES=1 (behind HTTPS).
import { createAuthServer } from './createServer.js'

const port = Number(process.env.PORT ?? 5173)
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`PORT must be a port number, got ${JSON.stringify(process.env.PORT)}`)
  process.exit(1)
}

const auth = createAuthServer({
  ...(process.env.STATIC_DIR ? { staticDir: process.env.STATIC_DIR } : {}),
  secureCookies: process.env.SECURE_COOKIES === '1',
})
const { url } = await auth.listen(port, process.env.HOST ?? '127.0.0.1')

console.log(`react-jwt-session reference auth server on ${url}`)
console.log('  POST /auth/login, /auth/refresh, /auth/logout, /auth/logout-all')
console.log('  GET  /api/me, /api/items, /.well-known/jwks.json')
console.log('Demo users:')
for (const user of auth.users) console.log(`  ${user.username} / ${user.password}  (${user.role})`)

for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM'])) {
  process.once(signal, () => {
    auth.close().then(
      () => process.exit(0),
      () => process.exit(1),
    )
  })
}
