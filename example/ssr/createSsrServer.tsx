import type { IncomingMessage, ServerResponse } from 'node:http'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import { renderToString } from 'react-dom/server'
import { refreshOnServer } from 'react-jwt-session/server'
import { type AuthServer, type AuthServerOptions, createAuthServer } from '../server/createServer.js'
import { Root } from './App'
import { sessionScript } from './embedSession'

export interface SsrServerOptions extends Omit<AuthServerOptions, 'extraRoutes' | 'staticDir'> {
  /** Bundle React's production build for the browser. @default false: development, so hydration warnings show */
  production?: boolean
  /** The browser entry to bundle. @default `client.tsx` next to this file */
  clientEntry?: string
}

export interface SsrServer {
  /** The reference auth server the page is served by (stats, revokeAll, …). */
  auth: AuthServer
  listen(port?: number, host?: string): Promise<{ url: string }>
  close(): Promise<void>
}

export const CLIENT_SCRIPT = '/ssr/client.js'

// The page carries a live access token, so it must never be cached or shared, and scripts may come only
// from this origin (the session block is JSON data, not a script, so it needs no exception).
const pageHeaders = {
  'Content-Type': 'text/html; charset=utf-8',
  'Cache-Control': 'no-store',
  Vary: 'Cookie',
  'Content-Security-Policy':
    "default-src 'self'; script-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'",
  'Referrer-Policy': 'same-origin',
}

async function bundleClient(entry: string, production: boolean): Promise<string> {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    minify: production,
    define: { 'process.env.NODE_ENV': JSON.stringify(production ? 'production' : 'development') },
    logLevel: 'silent',
  })
  const file = result.outputFiles[0]
  if (!file) throw new Error('esbuild produced no client bundle')
  return file.text
}

/** The incoming page request as a Fetch API `Request`, which is what `refreshOnServer` takes. */
function toRequest(req: IncomingMessage, origin: string): Request {
  const headers = new Headers()
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined || name === 'host' || name === 'connection' || name === 'content-length') continue
    for (const one of Array.isArray(value) ? value : [value]) headers.append(name, one)
  }
  return new Request(new URL(req.url ?? '/', origin), { method: 'GET', headers })
}

const page = (markup: string, session: unknown) => `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <link rel="icon" href="data:," />
    <title>react-jwt-session · server rendering</title>
  </head>
  <body>
    <div id="root">${markup}</div>
    ${sessionScript(session)}
    <script type="module" src="${CLIENT_SCRIPT}"></script>
  </body>
</html>
`

/**
 * The reference auth server plus a server-rendered page at `/`: each page request renews the session
 * with `refreshOnServer` (forwarding the browser's refresh cookie), renders `<Root session>` with
 * `renderToString`, passes the rotated cookie on with `Set-Cookie` and embeds the session for hydration.
 */
/** Failures that leave the session unknown (as opposed to a refusal, which means there is none). */
const couldNotCheck = ['network', 'timeout', 'server', 'bad_response', 'bad_token']

export async function createSsrServer(options: SsrServerOptions = {}): Promise<SsrServer> {
  const { production = false, clientEntry, ...authOptions } = options
  const entry = clientEntry ?? fileURLToPath(new URL('./client.tsx', import.meta.url))
  const clientBundle = await bundleClient(entry, production)
  let origin = ''

  async function renderPage(req: IncomingMessage, res: ServerResponse) {
    const {
      session: found,
      setCookie,
      error,
    } = await refreshOnServer(toRequest(req, origin), {
      refreshUrl: `${origin}/auth/refresh`,
    })
    // What the server found: the session; null when it checked and there is none (the browser then makes no
    // refresh call); undefined when it could not check (the auth server unreachable), so the browser does.
    const session = error && couldNotCheck.includes(error.code) ? undefined : found
    const markup = renderToString(<Root session={session} />)
    // Every Set-Cookie line goes on: without the rotated refresh cookie the browser would replay the used
    // one next time, which the server treats as theft and revokes the whole session.
    res.writeHead(200, { ...pageHeaders, ...(setCookie.length > 0 ? { 'Set-Cookie': setCookie } : {}) })
    res.end(page(markup, session))
  }

  const extraRoutes = async (req: IncomingMessage, res: ServerResponse, url: URL) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return false
    if (url.pathname === CLIENT_SCRIPT) {
      res.writeHead(200, { 'Content-Type': 'text/javascript; charset=utf-8', 'Cache-Control': 'no-cache' })
      res.end(req.method === 'HEAD' ? undefined : clientBundle)
      return true
    }
    if (url.pathname === '/') {
      await renderPage(req, res)
      return true
    }
    return false
  }

  // The refresh cookie must reach the page route, not only /auth, or the server has nothing to renew with.
  const auth = createAuthServer({ refreshCookiePath: '/', ...authOptions, extraRoutes })
  return {
    auth,
    async listen(port = 0, host = '127.0.0.1') {
      const listening = await auth.listen(port, host)
      origin = listening.url
      return listening
    },
    close: () => auth.close(),
  }
}
