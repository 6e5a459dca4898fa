// One origin for the browser tests of the gateway: the test page of test/browser/harness.ts (the core client
// bundled with esbuild) and the gateway under /auth, on 127.0.0.1. With several gateway instances, requests go
// to them in turn, as a load balancer without sticky sessions would send them.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { SessionGateway } from 'react-jwt-session/gateway'
import { toNodeHandler } from 'react-jwt-session/gateway/node'
import { bundleClient, pageHtml, pageScript } from '../browser/harness'

export interface AuthRequestRecord {
  /** `login`, `refresh`, `logout`… */
  route: string
  /** When it reached the server (epoch ms). */
  at: number
  /** The answer's status (0 until answered). */
  status: number
  /** Which gateway instance answered it. */
  instance: number
  /** The gateway answered, but the answer was dropped before the browser got it (`loseNextAnswer`). */
  lost?: boolean
}

export interface GatewayPageServer {
  url: string
  /** Every request to /auth/*, in arrival order. */
  requests: AuthRequestRecord[]
  /** The status of every request to /api/* (proxied to `apiUrl`), in order. */
  apiStatuses: number[]
  /**
   * The next request to `/auth/{route}` is handled by the gateway in full (the upstream is called, the cookie
   * rotated), then the connection is closed instead of answering: an answer lost on the way, as to a tab closed
   * mid-refresh or a dropped connection. Resolves when it has been lost.
   */
  loseNextAnswer(route: string): Promise<void>
  close(): Promise<void>
}

export interface ServeGatewayOptions {
  /** Where /api/* goes, with the page's `Authorization` header (the app's API, which checks the access token). */
  apiUrl?: string
  /**
   * Holds the n-th request to /auth/refresh (counting from 0) for `(n % 5) * staggerMs` before the gateway sees
   * it, as a load balancer with uneven latency would: requests sent at once then reach the gateway (and the
   * upstream) one after another, not in one instant.
   * @default 0
   */
  staggerMs?: number
}

/** Serves the test page and `instances` under /auth, and the app's API under /api with `apiUrl`. */
export async function serveGateway(
  instances: SessionGateway[],
  { apiUrl, staggerMs = 0 }: ServeGatewayOptions = {},
): Promise<GatewayPageServer> {
  if (instances.length === 0) throw new Error('serveGateway needs at least one gateway')
  const script = await bundleClient()
  const listeners = instances.map((gateway) => toNodeHandler(gateway))
  const requests: AuthRequestRecord[] = []
  const apiStatuses: number[] = []
  const losing = new Map<string, () => void>()
  let turn = 0
  let refreshes = 0

  const handleAuth = (req: IncomingMessage, res: ServerResponse, url: URL) => {
    const instance = turn++ % listeners.length
    const record: AuthRequestRecord = { route: url.pathname.slice(6), at: Date.now(), status: 0, instance }
    requests.push(record)
    res.on('finish', () => {
      record.status = res.statusCode
    })
    const lose = losing.get(record.route)
    if (lose) {
      losing.delete(record.route)
      res.end = () => {
        record.lost = true
        res.socket?.destroy()
        lose()
        return res
      }
    }
    listeners[instance]?.(req, res)
  }

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1')
    if (url.pathname.startsWith('/auth/')) {
      const delay = url.pathname === '/auth/refresh' ? (refreshes++ % 5) * staggerMs : 0
      if (delay > 0) {
        setTimeout(() => handleAuth(req, res, url), delay)
        return
      }
      handleAuth(req, res, url)
      return
    }
    if (apiUrl && url.pathname.startsWith('/api/')) {
      const headers: Record<string, string> = {}
      if (req.headers.authorization) headers.authorization = req.headers.authorization
      fetch(new URL(url.pathname, apiUrl), { headers }).then(
        async (answer) => {
          apiStatuses.push(answer.status)
          res.writeHead(answer.status, { 'Content-Type': 'application/json' })
          res.end(Buffer.from(await answer.arrayBuffer()))
        },
        () => res.writeHead(502).end(),
      )
      return
    }
    const send = (type: string, body: string) => {
      res.writeHead(200, { 'Content-Type': `${type}; charset=utf-8`, 'Cache-Control': 'no-store' })
      res.end(body)
    }
    if (req.method === 'GET' && url.pathname === '/') return send('text/html', pageHtml(''))
    if (req.method === 'GET' && url.pathname === '/__test/client.js') return send('text/javascript', script)
    if (req.method === 'GET' && url.pathname === '/__test/page.js') return send('text/javascript', pageScript)
    res.writeHead(404).end()
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', resolve)
  })
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    apiStatuses,
    loseNextAnswer: (route) => new Promise((resolve) => losing.set(route, resolve)),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
