// `npm run example:nextjs`: builds the Next.js example (production, only when its sources changed) and
// serves it with the reference auth server on one origin. Environment: PORT (3000; 0 picks a free port),
// HOST (127.0.0.1), ACCESS_TTL (900 s), REUSE_INTERVAL (5 s), RJS_LOG=0 to silence the request log.
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { buildOnce, root } from '../shared/buildOnce.mjs'
import { serveWithAuth } from '../shared/serveWithAuth.mjs'

const dir = fileURLToPath(new URL('.', import.meta.url))
const port = Number(process.env.PORT ?? 3000)
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`PORT must be a port number, got ${JSON.stringify(process.env.PORT)}`)
  process.exit(1)
}
const host = process.env.HOST ?? '127.0.0.1'

const built = await buildOnce({
  dirs: ['example/nextjs', 'example/shared', 'src'],
  skip: ['.next', 'next-env.d.ts', 'node_modules'],
  stampFile: join(dir, '.next/rjs-inputs-hash'),
  build: () =>
    new Promise((resolve, reject) => {
      console.log('Building the Next.js example (production)…')
      const child = spawn(process.execPath, [join(root, 'node_modules/next/dist/bin/next'), 'build', dir], {
        stdio: ['ignore', 'inherit', 'inherit'],
        env: { ...process.env, NODE_ENV: 'production', NEXT_TELEMETRY_DISABLED: '1' },
      })
      child.on('error', reject)
      child.on('exit', (code) =>
        code === 0 ? resolve() : reject(new Error(`next build exited with ${code}`)),
      )
    }),
})
if (!built) console.log('The Next.js example is built already (its sources did not change).')

process.env.NODE_ENV = 'production'
process.env.NEXT_TELEMETRY_DISABLED = '1'
const { default: next } = await import('next')

const { url, auth, close } = await serveWithAuth({
  port,
  host,
  stripHeaders: ['x-rjs-session'],
  async makeApp(origin) {
    // The proxy renews the session against this server's own /auth/refresh.
    process.env.RJS_AUTH_ORIGIN = origin
    const { port: actualPort } = new URL(origin)
    const app = next({ dev: false, dir, hostname: host, port: Number(actualPort) })
    await app.prepare()
    const handle = app.getRequestHandler()
    return (req, res) => {
      handle(req, res).catch((error) => {
        console.error(error)
        if (!res.headersSent) res.writeHead(500)
        res.end()
      })
    }
  },
})

console.log(`react-jwt-session Next.js example: ${url}`)
console.log('  demo users:')
for (const user of auth.users) console.log(`    ${user.username} / ${user.password}  (${user.role})`)

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    close().then(
      () => process.exit(0),
      () => process.exit(1),
    )
  })
}
