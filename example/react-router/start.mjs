// `npm run example:react-router`: builds the React Router example (production, only when its sources
// changed) and serves it with the reference auth server on one origin. Environment: PORT (3000; 0 picks a
// free port), HOST (127.0.0.1), ACCESS_TTL (900 s), REUSE_INTERVAL (5 s), RJS_LOG=0 to silence the log.
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { createStaticHandler } from '../server/staticFiles.js'
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
  dirs: ['example/react-router', 'src'],
  skip: ['build', '.react-router', 'node_modules'],
  stampFile: join(dir, 'build/rjs-inputs-hash'),
  build: () =>
    new Promise((resolve, reject) => {
      console.log('Building the React Router example (production)…')
      const cli = join(root, 'node_modules/@react-router/dev/bin.js')
      const child = spawn(process.execPath, [cli, 'build', dir], {
        stdio: ['ignore', 'inherit', 'inherit'],
        env: { ...process.env, NODE_ENV: 'production' },
      })
      child.on('error', reject)
      child.on('exit', (code) =>
        code === 0 ? resolve() : reject(new Error(`react-router build exited with ${code}`)),
      )
    }),
})
if (!built) console.log('The React Router example is built already (its sources did not change).')

// Before React is first loaded (by @react-router/node, imported here for that reason): one React build,
// the production one, for the server bundle and the renderer alike.
process.env.NODE_ENV = 'production'
const { createRequestListener } = await import('@react-router/node')
const serveAsset = createStaticHandler(join(dir, 'build/client'))

const { url, auth, close } = await serveWithAuth({
  port,
  host,
  async makeApp(origin) {
    // The root middleware renews the session against this server's own /auth/refresh.
    process.env.RJS_AUTH_ORIGIN = origin
    const build = await import(pathToFileURL(join(dir, 'build/server/index.js')).href)
    const render = createRequestListener({ build, mode: 'production' })
    return (req, res) => {
      const requestUrl = new URL(req.url ?? '/', origin)
      // Built assets (hashed file names) first; every other path is a page for React Router.
      serveAsset(req, res, requestUrl).then(
        (served) => {
          if (!served) render(req, res)
        },
        () => res.destroy(),
      )
    }
  },
})

console.log(`react-jwt-session React Router example: ${url}`)
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
