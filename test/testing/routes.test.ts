import { createTestAuthClient, createTestAuthServer, type TestAuthServer } from 'react-jwt-session/testing'
import { afterEach, describe, expect, it } from 'vitest'

const destroy: Array<() => void> = []
afterEach(() => {
  for (const done of destroy.splice(0)) done()
})

/** A client of the server, signed in as `username`. */
function signedIn(server: TestAuthServer, username = 'ada') {
  const client = createTestAuthClient(server, { signedInAs: username })
  destroy.push(client.destroy)
  return client
}

const users = [
  { username: 'ada', password: 'lovelace', sub: 'user-ada', name: 'Ada Lovelace', role: 'admin' },
  { username: 'bob', password: 'builder', sub: 'user-bob', name: 'Bob', role: 'member' },
]

describe('createTestAuthServer routes', () => {
  it("answers a route with the handler's body, given the token's user and claims", async () => {
    const server = createTestAuthServer({
      users,
      routes: {
        'GET /api/items': ({ user, claims }) => ({
          items: [`${String(user?.name)}'s item`],
          role: claims?.role,
        }),
      },
    })
    const ada = await signedIn(server, 'ada').fetch('/api/items')
    expect(ada.status).toBe(200)
    expect(await ada.json()).toEqual({ items: ["Ada Lovelace's item"], role: 'admin' })
    const bob = await signedIn(server, 'bob').fetch('/api/items')
    expect(await bob.json()).toEqual({ items: ["Bob's item"], role: 'member' })
    // The handler never sees the password.
    const seen: unknown[] = []
    const spy = createTestAuthServer({ users, routes: { 'GET /api/me': ({ user }) => seen.push(user) } })
    await signedIn(spy).fetch('/api/me')
    expect(seen).toEqual([{ username: 'ada', sub: 'user-ada', name: 'Ada Lovelace', role: 'admin' }])
  })

  it('answers 400 to a :name segment that is not valid percent-encoding, instead of throwing URIError', async () => {
    const server = createTestAuthServer({
      routes: { 'GET /api/items/:id': ({ params }) => ({ id: params.id }) },
    })
    const response = await signedIn(server).fetch('/api/items/%E0%A4%A')
    expect(response.status).toBe(400)
    expect(await response.json()).toMatchObject({ error: 'bad_request' })
  })

  it('matches the method and the whole path, with :name segments as params', async () => {
    const server = createTestAuthServer({
      routes: {
        'GET /api/items/:id': ({ params }) => ({ id: params.id }),
        'DELETE /api/items/:id': () => new Response(null, { status: 202 }),
      },
    })
    const client = signedIn(server)
    expect(await (await client.fetch('/api/items/a%20b')).json()).toEqual({ id: 'a b' })
    expect((await client.fetch('/api/items/7', { method: 'DELETE' })).status).toBe(202)
    // No route for PUT, nor for a deeper path: the built-in /api/* answer.
    const put = await client.fetch('/api/items/7', { method: 'PUT', body: 'x' })
    expect(await put.json()).toMatchObject({ ok: true, method: 'PUT', path: '/api/items/7', echo: 'x' })
    expect(await (await client.fetch('/api/items/7/tags')).json()).toMatchObject({
      path: '/api/items/7/tags',
    })
  })

  it('sends a Response as is, undefined as 204, and routes outside /api too', async () => {
    const server = createTestAuthServer({
      routes: {
        'POST /graphql': async ({ request }) =>
          Response.json({ data: { echo: (await request.json()) as unknown } }, { status: 200 }),
        'POST /api/ping': () => undefined,
      },
    })
    const client = signedIn(server)
    const graphql = await client.fetch('/graphql', {
      method: 'POST',
      body: JSON.stringify({ query: '{ me }' }),
    })
    expect(await graphql.json()).toEqual({ data: { echo: { query: '{ me }' } } })
    const ping = await client.fetch('/api/ping', { method: 'POST' })
    expect(ping.status).toBe(204)
    expect((await client.fetch('/v1/unknown')).status).toBe(404)
  })

  it('a route answers 401 without a valid Bearer token unless it is public', async () => {
    const calls: unknown[] = []
    const server = createTestAuthServer({
      routes: {
        'GET /api/private': ({ user }) => {
          calls.push(user)
        },
        'GET /api/status': { public: true, handler: ({ user, claims }) => ({ user, claims }) },
      },
    })
    const anonymous = await server.fetch('/api/private')
    expect(anonymous.status).toBe(401)
    expect(anonymous.headers.get('WWW-Authenticate')).toBe('Bearer error="invalid_token"')
    expect(calls).toEqual([])
    expect(await (await server.fetch('/api/status')).json()).toEqual({ user: null, claims: null })

    const client = signedIn(server)
    const status = (await (await client.fetch('/api/status')).json()) as { claims: { sub: string } }
    expect(status.claims.sub).toBe('user-ada')
    server.expireTokens()
    // An expired token: the route is not called; client.fetch renews once and retries, and then it is.
    const renewed = await client.fetch('/api/private')
    expect(renewed.status).toBe(204)
    expect(calls).toHaveLength(1)
    expect(server.stats.refreshes).toBe(1)
  })

  it("a handler's request has an absolute URL, the headers and the body", async () => {
    const seen: Array<{ url: string; type: string | null; body: unknown }> = []
    const server = createTestAuthServer({
      origin: 'https://app.example.com',
      routes: {
        'POST /api/items': async ({ request }) => {
          seen.push({
            url: request.url,
            type: request.headers.get('Content-Type'),
            body: await request.json(),
          })
          return { created: true }
        },
      },
    })
    const client = signedIn(server)
    await client.fetch('/api/items?draft=1', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ title: 'Milk' }),
    })
    await client.fetch(
      new Request('https://app.example.com/api/items', {
        method: 'POST',
        body: JSON.stringify({ title: 'Eggs' }),
      }),
    )
    expect(seen).toEqual([
      { url: 'https://app.example.com/api/items?draft=1', type: 'application/json', body: { title: 'Milk' } },
      { url: 'https://app.example.com/api/items', type: 'text/plain;charset=UTF-8', body: { title: 'Eggs' } },
    ])
  })

  it('a handler that throws rejects the call, so a broken test route is not taken for an answer', async () => {
    const server = createTestAuthServer({
      routes: {
        'GET /api/broken': () => {
          throw new Error('route bug')
        },
      },
    })
    await expect(signedIn(server).fetch('/api/broken')).rejects.toThrow('route bug')
  })

  it('refuses a route key that is not "METHOD /path"', () => {
    expect(() => createTestAuthServer({ routes: { '/api/items': () => null } })).toThrow(
      'the route "/api/items" should read "METHOD /path"',
    )
    expect(() => createTestAuthServer({ routes: { 'get /api/items': () => null } })).toThrow('METHOD /path')
  })

  it('counts routed calls in stats.apiRequests and records them', async () => {
    const server = createTestAuthServer({ routes: { 'GET /api/items': () => [] } })
    await signedIn(server).fetch('/api/items')
    expect(server.stats.apiRequests).toBe(1)
    expect(server.requests.at(-1)).toEqual({
      method: 'GET',
      path: '/api/items',
      credentials: undefined,
      bearer: true,
    })
  })
})
