// The demo app (example/app) on one origin with the session gateway in front of Django REST framework
// SimpleJWT: the browser talks only to this server. /auth/* is the gateway (SimpleJWT's refresh token stays
// sealed in an HttpOnly cookie), /api/* goes to Django with the page's Bearer token, everything else is the
// built app.
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createSessionGateway } from 'react-jwt-session/gateway'
import { toNodeHandler } from 'react-jwt-session/gateway/node'
import { simplejwt } from 'react-jwt-session/gateway/simplejwt'
import { createStaticHandler } from '../server/staticFiles.js'

export interface ExampleServerOptions {
  /** Where SimpleJWT runs, e.g. `http://127.0.0.1:8000`. */
  simplejwtUrl: string
  /** The built demo app. */
  staticDir: string
  /** The gateway's sealing secret (at least 32 bytes). */
  secret: string
  /** `false` for a browser that refuses `Secure` cookies on plain-http localhost. */
  secureCookies?: boolean
}

export interface ExampleServer {
  listen(port: number, host: string): Promise<string>
  close(): Promise<void>
}

const text = (value: unknown) => (typeof value === 'string' || typeof value === 'number' ? String(value) : '')

export function createExampleServer({
  simplejwtUrl,
  staticDir,
  secret,
  secureCookies = true,
}: ExampleServerOptions): ExampleServer {
  const gateway = createSessionGateway({
    upstream: simplejwt({ url: simplejwtUrl }),
    secret,
    cookie: { secure: secureCookies },
    // The demo's user shape, from the claims the example's Django project puts into SimpleJWT's tokens.
    getUser: (_tokens, claims) => {
      const claim = (name: string) => text((claims as Record<string, unknown> | null)?.[name])
      return { id: claim('user_id'), username: claim('username'), name: claim('name'), role: claim('role') }
    },
    onError: ({ route, status, error }) => console.log(`gateway ${route}: ${status} ${error}`),
  })
  const auth = toNodeHandler(gateway)
  const serveStatic = createStaticHandler(staticDir)

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost')
    if (url.pathname.startsWith('/auth/')) {
      auth(req, res)
      return
    }
    if (url.pathname.startsWith('/api/')) {
      // The app's API is Django's: the Bearer access token goes through, nothing else of the browser's.
      const headers: Record<string, string> = {}
      if (req.headers.authorization) headers.authorization = req.headers.authorization
      fetch(new URL(url.pathname + url.search, simplejwtUrl), { method: req.method ?? 'GET', headers })
        .then(async (upstream) => {
          res.writeHead(upstream.status, {
            'Content-Type': upstream.headers.get('content-type') ?? 'application/json',
            'Cache-Control': 'no-store',
          })
          res.end(Buffer.from(await upstream.arrayBuffer()))
        })
        .catch(() => {
          res.writeHead(502, { 'Content-Type': 'application/json' })
          res.end(JSON.stringify({ error: 'upstream_unavailable', message: 'Django is not answering.' }))
        })
      return
    }
    serveStatic(req, res, url).then(
      (served) => {
        if (!served) res.writeHead(404).end()
      },
      () => res.writeHead(500).end(),
    )
  })

  return {
    listen: (port, host) =>
      new Promise((resolve, reject) => {
        server.once('error', reject)
        server.listen(port, host, () => {
          const { port: actual } = server.address() as AddressInfo
          resolve(`http://${host}:${actual}`)
        })
      }),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
