import { createAuthClient } from 'react-jwt-session/core'
import { createTestAuthServer } from 'react-jwt-session/testing'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { isAllowedOrigin } from '../../src/core/createAuthFetch'
import { credentials, flush, setup } from '../helpers/clients'

beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  vi.useRealTimers()
})

/** A fetch that records what it was sent and answers 200, for origin checks. */
const recorder = () => {
  const sent: { url: string; authorization: string | null }[] = []
  const fetchImpl = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = input instanceof Request ? input.url : String(input)
    sent.push({ url, authorization: new Headers(init?.headers).get('Authorization') })
    return new Response('{}', { status: 200 })
  })
  return { sent, fetchImpl }
}

describe('which origins get the token (SPEC §7)', () => {
  it('the page origin, relative URLs and apiOrigins only', () => {
    const api = ['https://api.example.com']
    expect(location.origin).toBe('http://localhost:3000')
    expect(isAllowedOrigin('/api/me', api)).toBe(true)
    expect(isAllowedOrigin('api/me', api)).toBe(true)
    expect(isAllowedOrigin('http://localhost:3000/x', api)).toBe(true)
    expect(isAllowedOrigin('https://api.example.com/v1/items', api)).toBe(true)
    expect(isAllowedOrigin('https://api.example.com.evil.io/v1', api)).toBe(false)
    expect(isAllowedOrigin('http://api.example.com/v1', api)).toBe(false)
    expect(isAllowedOrigin('https://evil.io/?https://api.example.com', api)).toBe(false)
    expect(isAllowedOrigin('//evil.io/api', api)).toBe(false)
    expect(isAllowedOrigin('http://localhost:3001/x', api)).toBe(false)
    expect(isAllowedOrigin('https://api.example.com/v1', ['not a url'])).toBe(false)
  })

  it('never sends the Bearer to another origin', async () => {
    const server = createTestAuthServer()
    const { sent, fetchImpl } = recorder()
    const client = createAuthClient({
      transport: server.transport,
      fetch: fetchImpl,
      crossTab: false,
      apiOrigins: ['https://api.example.com'],
    })
    await client.login(credentials)
    await client.fetch('https://tracker.example.net/pixel')
    await client.fetch(new URL('https://api.example.com/me'))
    await client.fetch(new Request('http://localhost:3000/api/me'))
    await client.fetch('/api/me')
    expect(sent.map((s) => [s.url, s.authorization?.startsWith('Bearer ') ?? false])).toEqual([
      ['https://tracker.example.net/pixel', false],
      ['https://api.example.com/me', true],
      ['http://localhost:3000/api/me', true],
      ['/api/me', true],
    ])
    client.destroy()
  })

  it('sends no Authorization while signed out, and returns the 401 as is', async () => {
    const { server, client } = setup()
    client.start()
    await flush()
    const response = await client.fetch('/api/me')
    expect(response.status).toBe(401)
    expect(server.requests.at(-1)).toMatchObject({ path: '/api/me', bearer: false })
    expect(server.requests.filter((r) => r.path === '/auth/refresh')).toHaveLength(1)
  })

  it('keeps the caller’s other headers', async () => {
    const { sent, fetchImpl } = recorder()
    const server = createTestAuthServer()
    const client = createAuthClient({ transport: server.transport, fetch: fetchImpl, crossTab: false })
    await client.login(credentials)
    await client.fetch('/api/x', { headers: { 'X-Trace': '1' } })
    const init = fetchImpl.mock.calls[0]?.[1]
    expect(new Headers(init?.headers).get('X-Trace')).toBe('1')
    expect(sent[0]?.authorization).toMatch(/^Bearer /)
    client.destroy()
  })
})

describe('a 401 storm (RELIABILITY 2)', () => {
  it('50 concurrent calls on a rejected token: 1 refresh, 50 successful retries', async () => {
    const { server, client } = setup({ accessTtl: 600 })
    await client.login(credentials)
    server.expireTokens()
    const responses = await Promise.all(Array.from({ length: 50 }, (_, i) => client.fetch(`/api/items/${i}`)))
    expect(responses.map((r) => r.status)).toEqual(Array(50).fill(200))
    expect(server.stats.refreshes).toBe(1)
    expect(server.stats.reuseDetections).toBe(0)
    expect(server.stats.apiRequests).toBe(100)
  })

  it('refresh refused: all 50 settle with the 401 and one sign-out', async () => {
    const { server, client } = setup({ accessTtl: 600 })
    await client.login(credentials)
    server.expireTokens()
    server.revoke()
    const signOuts = vi.fn()
    client.subscribe((s, prev) => {
      if (prev.status === 'authenticated' && s.status === 'unauthenticated') signOuts(s.reason)
    })
    const responses = await Promise.all(Array.from({ length: 50 }, () => client.fetch('/api/me')))
    expect(responses.map((r) => r.status)).toEqual(Array(50).fill(401))
    expect(signOuts.mock.calls).toEqual([['revoked']])
    expect(server.requests.filter((r) => r.path === '/auth/refresh')).toHaveLength(1)
  })

  it('refresh answers 503: all 50 reject with AuthError, the session is kept', async () => {
    const { server, client } = setup({ accessTtl: 600 })
    await client.login(credentials)
    server.expireTokens()
    server.fail('503')
    const results = await Promise.allSettled(Array.from({ length: 50 }, () => client.fetch('/api/me')))
    expect(results.every((r) => r.status === 'rejected' && r.reason.code === 'server')).toBe(true)
    expect(client.getState().status).toBe('authenticated')
    expect(server.requests.filter((r) => r.path === '/auth/refresh')).toHaveLength(1)
  })

  it('a 401 after a successful refresh is returned as is, with no second refresh', async () => {
    const server = createTestAuthServer()
    const fetchImpl = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
      const path = String(input instanceof Request ? input.url : input)
      return path.startsWith('/auth') ? server.fetch(input, init) : new Response('no', { status: 401 })
    })
    const client = createAuthClient({ fetch: fetchImpl, crossTab: false })
    await client.login(credentials)
    const response = await client.fetch('/api/forbidden-forever')
    expect(response.status).toBe(401)
    expect(server.stats.refreshes).toBe(1)
    expect(fetchImpl.mock.calls.filter(([input]) => String(input).startsWith('/api'))).toHaveLength(2)
    client.destroy()
  })
})

describe('retrying requests with bodies', () => {
  it('retries a POST with a string body', async () => {
    const { server, client } = setup()
    await client.login(credentials)
    server.expireTokens()
    const response = await client.fetch('/api/items', {
      method: 'POST',
      body: JSON.stringify({ name: 'tea' }),
    })
    expect(response.status).toBe(200)
    expect(await response.json()).toMatchObject({ method: 'POST', echo: '{"name":"tea"}' })
  })

  it('retries a Request object whose body was consumed by the first attempt', async () => {
    const { server, client } = setup()
    await client.login(credentials)
    server.expireTokens()
    const request = new Request('http://localhost:3000/api/items', { method: 'PUT', body: 'payload' })
    const response = await client.fetch(request)
    expect(response.status).toBe(200)
    expect(await response.json()).toMatchObject({ method: 'PUT', echo: 'payload' })
    expect(server.stats.refreshes).toBe(1)
  })
})

describe('credentials (RELIABILITY 12)', () => {
  it('every auth call is a POST with credentials: include', async () => {
    const { server, client } = setup({ accessTtl: 60 })
    server.signIn()
    client.start()
    await flush()
    await flush(48_000)
    await client.logout()
    await client.login(credentials)
    await client.logout({ everywhere: true })
    const auth = server.requests.filter((r) => r.path.startsWith('/auth/'))
    expect(auth.map((r) => r.path)).toEqual([
      '/auth/refresh',
      '/auth/refresh',
      '/auth/logout',
      '/auth/login',
      '/auth/logout-all',
    ])
    expect(auth.every((r) => r.method === 'POST' && r.credentials === 'include')).toBe(true)
  })
})
