// A loopback HTTP server shaped like Django REST framework SimpleJWT with ROTATE_REFRESH_TOKENS and
// BLACKLIST_AFTER_ROTATION (a replayed refresh token is refused as the real one refuses it), for the gateway's
// tests over real HTTP. Counts every call and remembers every token it issued, so a test can look for them.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createTestToken } from 'react-jwt-session/testing'

export type UpstreamMode = 'normal' | 'html' | 'large-refresh' | 'huge-refresh'

export interface FakeSimpleJwtServer {
  url: string
  port: number
  calls: { login: number; refresh: number; blacklist: number }
  /** Every refresh token it issued. */
  refreshTokens: string[]
  /** Every access token it issued. */
  accessTokens: string[]
  mode: UpstreamMode
  /** Stops listening: calls are then refused at the TCP level. */
  stop(): Promise<void>
  /** Listens again on the same port. */
  restart(): Promise<void>
}

const readBody = async (req: IncomingMessage) => {
  let text = ''
  for await (const chunk of req) text += chunk
  try {
    return JSON.parse(text) as Record<string, unknown>
  } catch {
    return {}
  }
}

export async function startFakeSimpleJwt(): Promise<FakeSimpleJwtServer> {
  const live = new Set<string>()
  let serial = 0
  const pair = (refreshSize = 0) => {
    serial++
    const refresh = `${createTestToken({ token_type: 'refresh', jti: `r${serial}` }, { expiresIn: 86_400 })}${'x'.repeat(refreshSize)}`
    const access = createTestToken(
      { token_type: 'access', user_id: 7, name: 'Ada', jti: `a${serial}` },
      { expiresIn: 300 },
    )
    live.add(refresh)
    state.refreshTokens.push(refresh)
    state.accessTokens.push(access)
    return { access, refresh }
  }
  const send = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'Content-Type': 'application/json' })
    res.end(JSON.stringify(body))
  }
  const handler = async (req: IncomingMessage, res: ServerResponse) => {
    const body = await readBody(req)
    if (state.mode === 'html') {
      res.writeHead(200, { 'Content-Type': 'text/html' })
      res.end(`<html><body>Server Error ${state.refreshTokens[0] ?? ''}</body></html>`)
      return
    }
    switch (req.url) {
      case '/api/token/': {
        state.calls.login++
        if (body.username !== 'ada' || body.password !== 'secret') {
          return send(res, 401, {
            detail: 'No active account found with the given credentials',
            code: 'no_active_account',
          })
        }
        return send(
          res,
          200,
          pair({ 'large-refresh': 6_000, 'huge-refresh': 14_000 }[state.mode as string] ?? 0),
        )
      }
      case '/api/token/refresh/': {
        state.calls.refresh++
        const token = String(body.refresh)
        if (!live.has(token))
          return send(res, 401, { detail: 'Token is blacklisted', code: 'token_not_valid' })
        live.delete(token)
        return send(res, 200, pair())
      }
      case '/api/token/blacklist/': {
        state.calls.blacklist++
        live.delete(String(body.refresh))
        return send(res, 200, {})
      }
      default:
        return send(res, 404, { detail: 'Not found.' })
    }
  }
  let server: Server = createServer(handler)
  const listen = (port: number) =>
    new Promise<number>((resolve, reject) => {
      server.once('error', reject)
      server.listen(port, '127.0.0.1', () => resolve((server.address() as AddressInfo).port))
    })
  const port = await listen(0)
  const state: FakeSimpleJwtServer = {
    url: `http://127.0.0.1:${port}`,
    port,
    calls: { login: 0, refresh: 0, blacklist: 0 },
    refreshTokens: [],
    accessTokens: [],
    mode: 'normal',
    stop: () =>
      new Promise((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
    async restart() {
      server = createServer(handler)
      await listen(port)
    },
  }
  return state
}
