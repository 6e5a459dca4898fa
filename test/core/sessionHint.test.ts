import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { credentials, flush, setup } from '../helpers/clients'

const JWT = /eyJ[\w-]+\.eyJ[\w-]+\.[\w-]*/

beforeEach(() => {
  vi.useFakeTimers()
  localStorage.clear()
})
afterEach(() => {
  vi.useRealTimers()
  localStorage.clear()
})

describe('sessionHint', () => {
  it('an anonymous visitor costs no request and sees no gate', async () => {
    const { server, client } = setup({}, { sessionHint: true })
    expect(client.getState()).toMatchObject({ status: 'unauthenticated', reason: 'no-session' })
    client.start()
    await flush(1_000)
    expect(server.requests).toHaveLength(0)
  })

  it('after a sign-in the next visit restores the session; after sign-out it does not', async () => {
    const first = setup({}, { sessionHint: true })
    await first.client.login(credentials)
    expect(localStorage.getItem('react-jwt-session:has-session')).toBe('1')
    const second = setup({}, { sessionHint: true })
    expect(second.client.getState().status).toBe('loading')
    await first.client.logout()
    expect(localStorage.getItem('react-jwt-session:has-session')).toBeNull()
    const third = setup({}, { sessionHint: true })
    expect(third.client.getState().status).toBe('unauthenticated')
  })

  it('is off by default: nothing is written to storage', async () => {
    const { client } = setup()
    await client.login(credentials)
    expect(localStorage.length).toBe(0)
  })
})

describe('no token outside memory (RELIABILITY 14, jsdom part)', () => {
  it('a full flow writes no JWT-shaped string to storage, cookies, the URL or the console', async () => {
    const logged: unknown[] = []
    for (const level of ['log', 'info', 'warn', 'error', 'debug'] as const) {
      vi.spyOn(console, level).mockImplementation((...args: unknown[]) => {
        logged.push(...args)
      })
    }
    const { server, client } = setup(
      { accessTtl: 60 },
      { sessionHint: true, crossTab: { name: 'leak-scan' } },
    )
    client.start()
    await client.login(credentials)
    await flush(48_000)
    server.fail('html')
    await flush(48_000)
    server.expireTokens()
    await client.fetch('/api/me')
    server.revoke()
    await flush(10 * 60_000)
    await client.login({ username: 'ada', password: 'wrong' }).catch((e: Error) => logged.push(e.message, e))
    await client.logout()
    const storage = JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage })
    expect(storage).not.toMatch(JWT)
    expect(document.cookie).not.toMatch(JWT)
    expect(location.href).not.toMatch(JWT)
    expect(JSON.stringify(logged.map(String))).not.toMatch(JWT)
    expect(server.stats.refreshes).toBeGreaterThanOrEqual(2)
  })
})
