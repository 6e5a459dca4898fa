import { createAuthClient } from 'react-jwt-session/core'
import { createTestAuthServer } from 'react-jwt-session/testing'
import { expect, it } from 'vitest'

it('smoke', async () => {
  const server = createTestAuthServer({ accessTtl: 60 })
  const client = createAuthClient({ fetch: server.fetch, crossTab: false })
  const stop = client.start()
  await new Promise((r) => setTimeout(r, 10))
  expect(client.getState().status).toBe('unauthenticated')
  expect(client.getState().reason).toBe('no-session')
  await client.login({ username: 'ada', password: 'lovelace' })
  expect(client.getState().status).toBe('authenticated')
  expect(client.getState().user).toMatchObject({ name: 'Ada Lovelace' })
  server.expireTokens()
  const results = await Promise.all(Array.from({ length: 50 }, () => client.fetch('/api/me')))
  expect(results.map((r) => r.status)).toEqual(Array(50).fill(200))
  expect(server.stats.refreshes).toBe(1)
  expect(server.stats.reuseDetections).toBe(0)
  await client.logout()
  expect(client.getState().status).toBe('unauthenticated')
  stop()
})
