import { createAuthClient } from 'react-jwt-session/core'
import { createTestToken } from 'react-jwt-session/testing'
import { expect, it, vi } from 'vitest'

type FetchArgs = [input: RequestInfo | URL, init?: RequestInit]

const tokenAnswer = () =>
  new Response(JSON.stringify({ access_token: createTestToken({ sub: 'u' }), expires_in: 600 }), {
    status: 200,
  })

const headersOf = (call: FetchArgs | undefined) => new Headers(call?.[1]?.headers)

it('the headers option (a function) goes on every auth request, read each time, never on client.fetch', async () => {
  let csrf = 'first'
  const fetch = vi.fn<(...args: FetchArgs) => Promise<Response>>(async () => tokenAnswer())
  const client = createAuthClient({ fetch, crossTab: false, headers: () => ({ 'X-CSRFToken': csrf }) })
  await client.login({ username: 'ada', password: 'x' })
  csrf = 'second'
  await client.refresh()
  await client.fetch('/api/items')
  await client.logout()
  const [login, refresh, api, logout] = fetch.mock.calls
  expect(headersOf(login).get('X-CSRFToken')).toBe('first')
  expect(headersOf(refresh).get('X-CSRFToken')).toBe('second')
  expect(headersOf(api).get('X-CSRFToken')).toBeNull()
  expect(headersOf(logout).get('X-CSRFToken')).toBe('second')
  // The JSON content type stays: it is what makes a cross-site auth request need a preflight.
  expect(headersOf(login).get('Content-Type')).toBe('application/json')
  client.destroy()
})

it('the headers option as an object', async () => {
  const fetch = vi.fn<(...args: FetchArgs) => Promise<Response>>(async () => tokenAnswer())
  const client = createAuthClient({ fetch, crossTab: false, headers: { 'X-XSRF-TOKEN': 'abc' } })
  await client.login({ username: 'ada', password: 'x' })
  expect(headersOf(fetch.mock.calls[0]).get('X-XSRF-TOKEN')).toBe('abc')
  client.destroy()
})
