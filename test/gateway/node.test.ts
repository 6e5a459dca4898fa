// @vitest-environment node
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { SessionGateway } from 'react-jwt-session/gateway'
import { toNodeHandler } from 'react-jwt-session/gateway/node'
import { afterEach, describe, expect, it } from 'vitest'

let server: Server | undefined
afterEach(async () => {
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined))
  server = undefined
})

/** A gateway stand-in that records the Request it got and answers what the test says. */
function fakeGateway(answer: (request: Request, body: string) => Response) {
  const seen: Array<{ url: string; method: string; body: string; headers: Headers }> = []
  const gateway: SessionGateway = {
    async handle(request) {
      const owned = new URL(request.url).pathname.startsWith('/auth/')
      const body = owned && request.body ? await request.text() : ''
      seen.push({ url: request.url, method: request.method, body, headers: request.headers })
      return owned ? answer(request, body) : new Response(null, { status: 404 })
    },
    session: async () => ({ session: null, setCookie: [] }),
  }
  return { gateway, seen }
}

async function listen(handler: (req: IncomingMessage, res: ServerResponse) => void) {
  server = createServer(handler)
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve))
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}

describe('toNodeHandler', () => {
  it('passes method, URL, headers and body; sends every Set-Cookie as its own header', async () => {
    const { gateway, seen } = fakeGateway(() => {
      const headers = new Headers({ 'Content-Type': 'application/json' })
      headers.append('Set-Cookie', 'a=1; Path=/; HttpOnly')
      headers.append('Set-Cookie', 'b=2; Path=/; Expires=Wed, 21 Oct 2037 07:28:00 GMT')
      return new Response('{"ok":true}', { status: 201, headers })
    })
    const base = await listen(toNodeHandler(gateway))
    const response = await fetch(`${base}/auth/login?x=1`, {
      method: 'POST',
      headers: { Origin: base, Cookie: 'c=3', 'Content-Type': 'application/json' },
      body: '{"username":"ada"}',
    })
    expect(response.status).toBe(201)
    expect(await response.json()).toEqual({ ok: true })
    expect(response.headers.getSetCookie()).toEqual([
      'a=1; Path=/; HttpOnly',
      'b=2; Path=/; Expires=Wed, 21 Oct 2037 07:28:00 GMT',
    ])
    expect(seen[0]).toMatchObject({
      url: `${base}/auth/login?x=1`,
      method: 'POST',
      body: '{"username":"ada"}',
    })
    expect(seen[0]?.headers.get('origin')).toBe(base)
    expect(seen[0]?.headers.get('cookie')).toBe('c=3')
  })

  it('hands paths it does not own to next(), with the body left unread for the app', async () => {
    const { gateway } = fakeGateway(() => new Response(null, { status: 204 }))
    const handler = toNodeHandler(gateway)
    const base = await listen((req, res) =>
      handler(req, res, async () => {
        let body = ''
        for await (const chunk of req) body += chunk
        res.end(`app got ${body}`)
      }),
    )
    const response = await fetch(`${base}/api/things`, { method: 'POST', body: 'payload' })
    expect(await response.text()).toBe('app got payload')
  })

  it('answers the 404 itself without next()', async () => {
    const { gateway } = fakeGateway(() => new Response(null, { status: 204 }))
    const base = await listen(toNodeHandler(gateway))
    expect((await fetch(`${base}/elsewhere`, { method: 'POST', body: 'x' })).status).toBe(404)
  })

  it('takes a body an Express parser already read (req.body)', async () => {
    const { gateway, seen } = fakeGateway(() => new Response(null, { status: 204 }))
    const handler = toNodeHandler(gateway)
    const base = await listen(async (req, res) => {
      // What express.json() leaves behind: the stream read, the object on req.body.
      let text = ''
      for await (const chunk of req) text += chunk
      Object.assign(req, { body: JSON.parse(text) })
      handler(req, res)
    })
    await fetch(`${base}/auth/login`, { method: 'POST', body: '{"username":"ada"}' })
    expect(JSON.parse(seen[0]?.body ?? '')).toEqual({ username: 'ada' })
  })

  it('a gateway that throws is a 500 without a body, or next(error)', async () => {
    const gateway: SessionGateway = {
      handle: () => Promise.reject(new Error('bug with a secret inside')),
      session: async () => ({ session: null, setCookie: [] }),
    }
    const base = await listen(toNodeHandler(gateway))
    const response = await fetch(`${base}/auth/refresh`, { method: 'POST' })
    expect(response.status).toBe(500)
    expect(await response.text()).toBe('')
  })
})
