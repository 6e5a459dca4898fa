// @ts-check
// One origin for a framework's server-rendered app and the reference auth server, so the SameSite=Strict
// refresh cookie (Path=/) reaches both the auth routes and the page requests that renew on the server.
import { createServer } from 'node:http'
import { createAuthServer } from '../server/createServer.js'

/** The routes the reference server answers; everything else goes to the framework. */
export const isAuthServerPath = (/** @type {string} */ pathname) =>
  pathname === '/auth' ||
  pathname.startsWith('/auth/') ||
  pathname === '/api' ||
  pathname.startsWith('/api/') ||
  pathname === '/.well-known/jwks.json'

/**
 * The reference server's options for the examples: the cookie on `/` so page requests carry it, and a
 * reuse interval, because a page renewing on the server can race a tab's renewal with the same cookie.
 * Environment: ACCESS_TTL (seconds, default 900), REUSE_INTERVAL (seconds, default 5), RJS_LOG=0 to
 * silence the request log.
 * @returns {import('../server/createServer.js').AuthServerOptions}
 */
export function exampleAuthOptions() {
  return {
    refreshCookiePath: '/',
    reuseInterval: Number(process.env.REUSE_INTERVAL ?? 5),
    ...(process.env.ACCESS_TTL ? { accessTtl: Number(process.env.ACCESS_TTL) } : {}),
    ...(process.env.RJS_LOG === '0' ? { log: false } : {}),
    secureCookies: process.env.SECURE_COOKIES === '1',
  }
}

/**
 * @typedef {(req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => void} Listener
 */

/**
 * Listens on `port` (0: a free one), then asks `makeApp(origin)` for the framework's request listener.
 * Requests that arrive before it is ready wait for it.
 * @param {{ port: number, host: string, makeApp: (origin: string) => Promise<Listener>, stripHeaders?: string[] }} options
 */
export async function serveWithAuth({ port, host, makeApp, stripHeaders = [] }) {
  const auth = createAuthServer(exampleAuthOptions())
  /** @type {(value: Listener) => void} */
  let ready = () => {}
  /** @type {Promise<Listener>} */
  const app = new Promise((resolve) => {
    ready = resolve
  })
  const server = createServer((req, res) => {
    // Headers the app trusts only from its own proxy/middleware must never come from the browser.
    for (const name of stripHeaders) delete req.headers[name]
    const pathname = new URL(req.url ?? '/', 'http://localhost').pathname
    if (isAuthServerPath(pathname)) auth.handle(req, res)
    else app.then((listener) => listener(req, res))
  })
  await new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => resolve(undefined))
  })
  const address = /** @type {import('node:net').AddressInfo} */ (server.address())
  const url = `http://${host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host}:${address.port}`
  ready(await makeApp(url))
  return {
    url,
    auth,
    close: () =>
      /** @type {Promise<void>} */ (
        new Promise((resolve) => {
          server.close(() => resolve())
          server.closeAllConnections()
        })
      ),
  }
}
