import type { AuthClient } from 'react-jwt-session/core'
import { createTestAuthServer } from 'react-jwt-session/testing'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { credentials, flush, setup } from '../helpers/clients'
import { installLockShim } from '../helpers/locks'
import { elapse, openTab, run, type TabUser, tabUsers } from '../helpers/tabs'

let runs = 0
let name = ''
let locks: ReturnType<typeof installLockShim>
const cleanups: Array<() => void> = []

beforeEach(() => {
  vi.useFakeTimers()
  runs += 1
  name = `lifecycle-test-${runs}`
  locks = installLockShim()
})
afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup()
  locks.uninstall()
  vi.useRealTimers()
})

/** Whether `promise` has settled (either way) after the fake clock moved `ms`. */
async function settlesWithin(promise: Promise<unknown>, ms: number) {
  let done = false
  const mark = () => {
    done = true
  }
  promise.then(mark, mark)
  await flush(ms)
  return done
}

describe('destroy() is terminal', () => {
  it('start() then destroy() during the initial refresh: pending and later getAccessToken()/fetch() settle', async () => {
    const { server, client } = setup({ latency: 50 })
    server.signIn()
    client.start()
    const pendingToken = client.getAccessToken()
    const pendingFetch = client.fetch('/api/me')
    await flush(10)
    client.destroy()
    expect(await settlesWithin(pendingToken, 1_000)).toBe(true)
    expect(await settlesWithin(pendingFetch, 1_000)).toBe(true)
    expect(await pendingToken).toBeNull()
    expect(await settlesWithin(client.getAccessToken(), 1_000)).toBe(true)
    expect(await settlesWithin(client.fetch('/api/me'), 1_000)).toBe(true)
    expect(client.getState()).toMatchObject({
      status: 'unauthenticated',
      refreshing: false,
      accessToken: null,
    })
  })

  it('a destroyed signed-in client hands out no token and makes no request', async () => {
    const { server, client } = setup()
    await client.login(credentials)
    client.destroy()
    const requests = server.requests.length
    expect(await client.getAccessToken()).toBeNull()
    expect(await client.refresh()).toBeNull()
    await expect(client.login(credentials)).rejects.toMatchObject({ code: 'network' })
    await flush(3_600_000)
    expect(server.requests).toHaveLength(requests)
  })
})

describe('refreshing follows the refresh in flight', () => {
  it('login() during the in-flight initial refresh leaves refreshing false once both settle', async () => {
    const { server, client } = setup({ latency: 50 })
    server.signIn()
    client.start()
    await flush(10)
    expect(client.getState().refreshing).toBe(true)
    const login = client.login(credentials)
    await flush(1_000)
    await login
    expect(client.getState()).toMatchObject({ status: 'authenticated', refreshing: false })
  })

  type Crossing =
    | 'login'
    | 'logout'
    | 'destroy'
    | 'other-tab signs in'
    | 'other-tab signs out'
    | 'other-tab renews'
  const crossings: Crossing[] = [
    'login',
    'logout',
    'destroy',
    'other-tab signs in',
    'other-tab signs out',
    'other-tab renews',
  ]
  const phases = ['the initial refresh', 'a renewal while signed in'] as const

  describe.each(phases)('crossing %s', (phase) => {
    it.each(crossings)('%s: refreshing is false once everything settled', async (crossing) => {
      const server = createTestAuthServer({ accessTtl: 600, users: tabUsers, latency: 50 })
      let client: AuthClient<TabUser>
      let other: AuthClient<TabUser>
      if (phase === 'the initial refresh') {
        // A new tab no open tab answers: after the hand-off wait it restores with the cookie.
        server.signIn('ada')
        client = openTab(server, name, cleanups)
        await elapse(110)
        other = openTab(server, name, cleanups)
      } else {
        other = openTab(server, name, cleanups)
        await elapse(300)
        await run(other.login({ username: 'ada', password: 'lovelace' }))
        client = openTab(server, name, cleanups)
        await elapse(300)
        expect(client.getState().status).toBe('authenticated')
        void client.refresh().catch(() => null)
      }
      await vi.advanceTimersByTimeAsync(1)
      expect(client.getState().refreshing).toBe(true)
      if (crossing === 'login') void client.login({ username: 'bob', password: 'builder' }).catch(() => null)
      if (crossing === 'logout') void client.logout()
      if (crossing === 'destroy') client.destroy()
      if (crossing === 'other-tab signs in') void other.login({ username: 'bob', password: 'builder' })
      if (crossing === 'other-tab signs out') void other.logout()
      if (crossing === 'other-tab renews') void other.refresh().catch(() => null)
      await elapse(2_000)
      expect(client.getState().refreshing).toBe(false)
      expect(client.getState().status).not.toBe('loading')
    })
  })
})
