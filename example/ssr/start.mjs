// Starts the SSR example: `node example/ssr/start.mjs`, then open http://127.0.0.1:5174.
// Environment: PORT (5174), HOST (127.0.0.1), ACCESS_TTL (seconds, 900), NODE_ENV=production for
// React's production build in the browser.
// The server code is TypeScript/TSX; esbuild compiles it (react-jwt-session from src/, through the
// tsconfig paths) into node_modules/.cache, where Node resolves react and jose as usual.
import { fileURLToPath, pathToFileURL } from 'node:url'
import { build } from 'esbuild'

const here = (path) => fileURLToPath(new URL(path, import.meta.url))
const outfile = here('../../node_modules/.cache/react-jwt-session-ssr/server.mjs')

await build({
  entryPoints: [here('./createSsrServer.tsx')],
  outfile,
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  jsx: 'automatic',
  external: ['react', 'react-dom', 'esbuild', 'jose', 'zustand', '@tanstack/react-query', 'jwt-decode'],
  logLevel: 'warning',
})

const { createSsrServer } = await import(pathToFileURL(outfile).href)
const ssr = await createSsrServer({
  clientEntry: here('./client.tsx'),
  production: process.env.NODE_ENV === 'production',
  // A page load renewing on the server while a tab's renewal is in flight presents one cookie twice.
  reuseInterval: Number(process.env.REUSE_INTERVAL ?? 5),
  ...(process.env.ACCESS_TTL ? { accessTtl: Number(process.env.ACCESS_TTL) } : {}),
})
const { url } = await ssr.listen(Number(process.env.PORT ?? 5174), process.env.HOST ?? '127.0.0.1')
console.log(`react-jwt-session SSR example on ${url}  (alice / alice-password, bob / bob-password)`)

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    ssr.close().then(
      () => process.exit(0),
      () => process.exit(1),
    )
  })
}
