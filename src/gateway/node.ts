import type { IncomingMessage, ServerResponse } from 'node:http'
import type { SessionGateway } from './sessionGatewayOptions'

type Next = (error?: unknown) => void

/** A request that Express's body parsers may already have read. */
type NodeRequest = IncomingMessage & { body?: unknown; originalUrl?: string }

/**
 * The body as a stream that reads `req` only when the gateway reads it: for a path the gateway does not own
 * (handed to `next()`), the body is left for the app's own handlers. The gateway stops reading past 64 KB.
 */
function bodyOf(req: NodeRequest): BodyInit | null {
  const method = req.method ?? 'GET'
  if (method === 'GET' || method === 'HEAD') return null
  // Mounted after `express.json()`: the stream is spent and the parsed body is on `req.body`.
  if (req.body !== undefined && (req.readableEnded || req.complete)) {
    const { body } = req
    if (body instanceof Uint8Array) return new Uint8Array(body)
    return typeof body === 'string' ? body : JSON.stringify(body)
  }
  let chunks: AsyncIterator<Uint8Array> | undefined
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        chunks ??= req[Symbol.asyncIterator]()
        const { done, value } = await chunks.next()
        if (done) controller.close()
        else controller.enqueue(typeof value === 'string' ? new TextEncoder().encode(value) : value)
      },
      cancel() {
        // Drained, not destroyed: destroying the request would close the socket before the 413 is sent.
        req.resume()
      },
    },
    // 0: nothing is pulled before the gateway reads (the default, 1, would pull a chunk at once).
    { highWaterMark: 0 },
  )
}

function toRequest(req: NodeRequest): Request {
  const encrypted = (req.socket as { encrypted?: boolean }).encrypted === true
  // `originalUrl`: under `app.use('/auth', …)` Express strips the mount path from `req.url`.
  const url = new URL(
    req.originalUrl ?? req.url ?? '/',
    `${encrypted ? 'https' : 'http'}://${req.headers.host ?? 'localhost'}`,
  )
  const headers = new Headers()
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined || name.startsWith(':')) continue
    for (const item of Array.isArray(value) ? value : [value]) headers.append(name, item)
  }
  const body = bodyOf(req)
  // `duplex: 'half'` is how Node's fetch takes a streamed request body.
  return new Request(url, { method: req.method ?? 'GET', headers, body, duplex: 'half' } as RequestInit)
}

async function send(res: ServerResponse, response: Response): Promise<void> {
  res.statusCode = response.status
  response.headers.forEach((value, name) => {
    if (name !== 'set-cookie') res.setHeader(name, value)
  })
  // Each cookie its own header: joined with commas they would be one broken cookie.
  const cookies = response.headers.getSetCookie()
  if (cookies.length > 0) res.setHeader('Set-Cookie', cookies)
  res.end(new Uint8Array(await response.arrayBuffer()))
}

/**
 * The gateway as a Node `http` / Express handler: `http.createServer(toNodeHandler(gateway))` or
 * `app.use(toNodeHandler(gateway))`. Paths the gateway does not own go to `next()` when there is one (else 404).
 * A few lines over Node's own `Request`/`Response`, with no dependency: an HTTP framework adapter would bring
 * more code than this conversion and tie the gateway to its versions.
 */
export function toNodeHandler(gateway: SessionGateway) {
  return (req: IncomingMessage, res: ServerResponse, next?: Next): void => {
    const run = async () => {
      const response = await gateway.handle(toRequest(req))
      if (response.status === 404 && next) {
        next()
        return
      }
      await send(res, response)
    }
    run().catch((error: unknown) => {
      if (next) {
        next(error)
        return
      }
      if (!res.headersSent) res.statusCode = 500
      res.end()
    })
  }
}
