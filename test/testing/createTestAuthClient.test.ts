// @vitest-environment node
import { type AuthClient, createAuthClient } from 'react-jwt-session/core'
import { createTestAuthClient, createTestAuthServer } from 'react-jwt-session/testing'
import { afterEach, describe, expect, it } from 'vitest'

// Outside a browser (Node: no page, no location), where an app's API tests and server-side tests run.

const made: AuthClient[] = []
afterEach(() => {
  for (const client of made.splice(0)) client.destroy()
})
const track = <T extends AuthClient>(client: T) => {
  made.push(client)
  return client
}

const itemsServer = (origin?: string) => {
  const seen: string[] = []
  const server = createTestAuthServer({
    ...(origin === undefined ? {} : { origin }),
    routes: {
      'GET /api/items': ({ request, user }) => {
        seen.push(request.url)
        return { items: [], owner: user?.name }
      },
    },
  })
  return { server, seen }
}

describe('createTestAuthClient outside a browser', () => {
  it('stands for http://localhost when there is no page, or the origin it is given', () => {
    expect(typeof location).toBe('undefined')
    expect(createTestAuthServer().origin).toBe('http://localhost')
    expect(createTestAuthServer({ origin: 'https://app.example.com/some/path' }).origin).toBe(
      'https://app.example.com',
    )
  })

  it('client.fetch of a relative URL reaches the route with the Bearer token', async () => {
    const { server, seen } = itemsServer()
    const client = track(createTestAuthClient(server, { signedInAs: 'ada' }))
    const response = await client.fetch('/api/items')
    expect(await response.json()).toEqual({ items: [], owner: 'Ada Lovelace' })
    expect(seen).toEqual(['http://localhost/api/items'])
    expect(server.requests.at(-1)?.bearer).toBe(true)
  })

  it('client.fetch of an absolute URL on the server origin gets the Bearer token too', async () => {
    const { server, seen } = itemsServer('https://app.example.com')
    const client = track(createTestAuthClient(server, { signedInAs: true }))
    const response = await client.fetch('https://app.example.com/api/items')
    expect(response.status).toBe(200)
    expect(seen).toEqual(['https://app.example.com/api/items'])
  })

  it('without the kit: transport leaves client.fetch on the global fetch, fetch alone sends no token', async () => {
    const { server } = itemsServer()
    const viaTransport = track(createAuthClient({ transport: server.transport, crossTab: false }))
    await viaTransport.login({ username: 'ada', password: 'lovelace' })
    // Node's fetch cannot take a relative URL: the error apps used to meet in jsdom tests.
    await expect(viaTransport.fetch('/api/items')).rejects.toThrow(TypeError)

    const viaFetch = track(createAuthClient({ fetch: server.fetch, crossTab: false }))
    await viaFetch.login({ username: 'ada', password: 'lovelace' })
    // No page origin, no apiOrigins: the token stays home and the API says 401.
    const absolute = await viaFetch.fetch('http://localhost/api/items')
    expect(absolute.status).toBe(401)
    expect(server.requests.at(-1)?.bearer).toBe(false)
  })

  it('never sends the token to another origin', async () => {
    const { server } = itemsServer()
    const client = track(createTestAuthClient(server, { signedInAs: 'ada' }))
    const response = await client.fetch('https://tracker.example.net/api/items')
    expect(response.status).toBe(401)
    expect(server.requests.at(-1)).toMatchObject({ path: '/api/items', bearer: false })
  })

  it('further apiOrigins add to the server origin', async () => {
    const { server } = itemsServer()
    const client = track(
      createTestAuthClient(server, { signedInAs: 'ada', apiOrigins: ['https://api.example.com'] }),
    )
    await client.fetch('https://api.example.com/api/items')
    await client.fetch('http://localhost/api/items')
    expect(server.requests.map((request) => request.bearer)).toEqual([true, true])
  })

  it('signedInAs starts authenticated with no refresh call; without it the client starts signed out', async () => {
    const server = createTestAuthServer()
    const signedIn = track(createTestAuthClient(server, { signedInAs: 'ada' }))
    expect(signedIn.getState()).toMatchObject({ status: 'authenticated', user: { name: 'Ada Lovelace' } })
    expect(server.stats.refreshes).toBe(0)
    expect(() => createTestAuthClient(server, { signedInAs: 'nobody' })).toThrow('no user named nobody')

    const anonymous = track(createTestAuthClient(createTestAuthServer()))
    anonymous.start()
    await expect.poll(() => anonymous.getState().status).toBe('unauthenticated')
    expect(anonymous.getState().reason).toBe('no-session')
  })

  it('the auth calls go through the server: login, renewal and logout are counted', async () => {
    const server = createTestAuthServer()
    const client = track(createTestAuthClient(server))
    await client.login({ username: 'ada', password: 'lovelace' })
    await client.refresh()
    await client.logout()
    expect(server.stats).toMatchObject({ logins: 1, refreshes: 1, logouts: 1, reuseDetections: 0 })
  })
})
