// `npm start`: builds the demo app and serves it with the reference auth server on one origin, so the
// SameSite=Strict refresh cookie is sent. Environment: PORT (5173), HOST (127.0.0.1), ACCESS_TTL (30 s,
// short so the silent refreshes can be watched), REUSE_INTERVAL (5 s).
import { fileURLToPath } from 'node:url'
import { build } from 'vite'
import { createAuthServer } from './server/createServer.js'

const port = Number(process.env.PORT ?? 5173)
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`PORT must be a port number, got ${JSON.stringify(process.env.PORT)}`)
  process.exit(1)
}
const accessTtl = Number(process.env.ACCESS_TTL ?? 30)

const configFile = fileURLToPath(new URL('./app/vite.config.ts', import.meta.url))
const outDir = fileURLToPath(new URL('./app/dist', import.meta.url))
console.log('Building the demo app…')
await build({ configFile, logLevel: 'warn', build: { outDir } })

const auth = createAuthServer({
  accessTtl,
  staticDir: outDir,
  secureCookies: process.env.SECURE_COOKIES === '1',
  // A tab closed mid-refresh (the server rotated the cookie, the browser never stored it) must not sign
  // the other tabs out: a replay within 5 s is answered instead of treated as theft.
  reuseInterval: Number(process.env.REUSE_INTERVAL ?? 5),
})
let url
try {
  ;({ url } = await auth.listen(port, process.env.HOST ?? '127.0.0.1'))
} catch (error) {
  const reason = error?.code === 'EADDRINUSE' ? `port ${port} is in use; set PORT to another one` : error
  console.error(`Could not start the server: ${reason}`)
  process.exit(1)
}

console.log(`
react-jwt-session demo: ${url}
  access tokens live ${accessTtl} s (ACCESS_TTL), so a silent refresh happens every ~${Math.round(accessTtl * 0.8)} s
  demo users:`)
for (const user of auth.users) console.log(`    ${user.username} / ${user.password}  (${user.role})`)
console.log('\nRequests are logged below. Ctrl+C stops the server.\n')

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    auth.close().then(
      () => process.exit(0),
      () => process.exit(1),
    )
  })
}
