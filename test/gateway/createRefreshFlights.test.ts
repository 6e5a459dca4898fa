// @vitest-environment node
import { memoryStore } from 'react-jwt-session/gateway'
import { describe, expect, it } from 'vitest'
import {
  createRefreshFlights,
  type Rotation,
  SessionEndedError,
  StoreUnavailableError,
} from '../../src/gateway/createRefreshFlights'
import { createSealer } from '../../src/gateway/createSealer'
import type { GatewayStore } from '../../src/gateway/types'

const sealer = createSealer(['flight-secret-flight-secret-flight-secret'])
const rotation = (n: number): Rotation => ({
  answer: { accessToken: `access-${n}`, expiresAt: 9_999_999_999_999, user: null, opaque: true },
  cookie: `cookie-${n}`,
  maxAge: 60,
})
const deferred = () => {
  let resolve!: (value: Rotation) => void
  let reject!: (error: unknown) => void
  const promise = new Promise<Rotation>((yes, no) => {
    resolve = yes
    reject = no
  })
  return { promise, resolve, reject }
}

describe('createRefreshFlights', () => {
  it('one task per id while in flight; reuse for reuseInterval after it; a new task after that', async () => {
    let clock = 0
    const flights = createRefreshFlights({ reuseInterval: 10, timeout: 1_000, sealer, now: () => clock })
    let calls = 0
    const task = () => Promise.resolve(rotation(++calls))
    const [a, b] = await Promise.all([flights.run('id', task), flights.run('id', task)])
    expect(calls).toBe(1)
    expect(a).toBe(b)
    clock = 9_999
    expect(await flights.run('id', task)).toBe(a)
    clock = 10_001
    expect(await flights.run('id', task)).toEqual(rotation(2))
    expect(await flights.run('other', task)).toEqual(rotation(3))
  })

  it('a failure is shared by the callers in flight and forgotten after: the next caller tries again', async () => {
    const flights = createRefreshFlights({ reuseInterval: 10, timeout: 1_000, sealer, now: () => 0 })
    const first = deferred()
    const a = flights.run('id', () => first.promise)
    const b = flights.run('id', () => Promise.resolve(rotation(9)))
    first.reject(new Error('upstream down'))
    await expect(a).rejects.toThrow('upstream down')
    await expect(b).rejects.toThrow('upstream down')
    expect(await flights.run('id', () => Promise.resolve(rotation(2)))).toEqual(rotation(2))
  })

  it('end: answers the rotation of an id (waiting for one in flight), then refuses the id', async () => {
    const flights = createRefreshFlights({ reuseInterval: 10, timeout: 1_000, sealer, now: () => 0 })
    const held = deferred()
    const running = flights.run('id', () => held.promise)
    const ending = flights.end(['id', 'parent'])
    held.resolve(rotation(1))
    expect(await running).toEqual(rotation(1))
    expect(await ending).toEqual(rotation(1))
    let calls = 0
    const task = async () => rotation(++calls)
    await expect(flights.run('id', task)).rejects.toBeInstanceOf(SessionEndedError)
    await expect(flights.run('parent', task)).rejects.toBeInstanceOf(SessionEndedError)
    expect(calls).toBe(0)
    expect(await flights.end(['other'])).toBeNull()
  })

  it('end with a store: another instance refuses the id too, and its rotation is found', async () => {
    const store = memoryStore()
    const one = createRefreshFlights({ reuseInterval: 10, timeout: 1_000, sealer, store, now: Date.now })
    const two = createRefreshFlights({ reuseInterval: 10, timeout: 1_000, sealer, store, now: Date.now })
    await one.run('id', async () => rotation(1))
    expect(await two.end(['id'])).toEqual(rotation(1))
    await expect(one.run('next', async () => rotation(2))).resolves.toEqual(rotation(2))
    const three = createRefreshFlights({ reuseInterval: 10, timeout: 1_000, sealer, store, now: Date.now })
    await expect(three.run('id', async () => rotation(3))).rejects.toBeInstanceOf(SessionEndedError)
  })

  it('reuseInterval 0: no reuse once settled', async () => {
    const flights = createRefreshFlights({ reuseInterval: 0, timeout: 1_000, sealer, now: () => 0 })
    await flights.run('id', () => Promise.resolve(rotation(1)))
    expect(await flights.run('id', () => Promise.resolve(rotation(2)))).toEqual(rotation(2))
  })

  it('with a store: instances share one task; waiters get the sealed rotation; the store holds no token', async () => {
    const store = memoryStore()
    const one = createRefreshFlights({ reuseInterval: 10, timeout: 1_000, sealer, store, now: Date.now })
    const two = createRefreshFlights({ reuseInterval: 10, timeout: 1_000, sealer, store, now: Date.now })
    const held = deferred()
    let calls = 0
    const a = one.run('id', () => {
      calls++
      return held.promise
    })
    // Let `one` claim the flight before `two` looks.
    await new Promise((resolve) => setTimeout(resolve, 5))
    const b = two.run('id', () => {
      calls++
      return Promise.resolve(rotation(2))
    })
    held.resolve(rotation(1))
    expect(await a).toEqual(rotation(1))
    expect(await b).toEqual(rotation(1))
    expect(calls).toBe(1)
    const dump = JSON.stringify(store.dump())
    expect(dump).not.toContain('access-1')
    expect(dump).not.toContain('cookie-1')
    // A third instance, later within the interval, gets it from the store.
    const three = createRefreshFlights({ reuseInterval: 10, timeout: 1_000, sealer, store, now: Date.now })
    expect(await three.run('id', () => Promise.resolve(rotation(3)))).toEqual(rotation(1))
  })

  it('the control: without a shared store, two instances each call the upstream', async () => {
    const one = createRefreshFlights({ reuseInterval: 10, timeout: 1_000, sealer, now: Date.now })
    const two = createRefreshFlights({ reuseInterval: 10, timeout: 1_000, sealer, now: Date.now })
    let calls = 0
    const task = async () => rotation(++calls)
    await Promise.all([one.run('id', task), two.run('id', task)])
    expect(calls).toBe(2)
  })

  it('a store that fails is a StoreUnavailableError, and the task is not run', async () => {
    const broken: GatewayStore = {
      get: () => Promise.reject(new Error('connection lost')),
      set: () => Promise.reject(new Error('connection lost')),
      delete: () => Promise.reject(new Error('connection lost')),
    }
    const flights = createRefreshFlights({
      reuseInterval: 10,
      timeout: 1_000,
      sealer,
      store: broken,
      now: Date.now,
    })
    let calls = 0
    await expect(flights.run('id', async () => rotation(++calls))).rejects.toBeInstanceOf(
      StoreUnavailableError,
    )
    expect(calls).toBe(0)
  })

  it('a waiter gives up after the timeout when the claimer never finishes', async () => {
    const store = memoryStore()
    await store.set('react-jwt-session:flight:id', 'pending', { ttlMs: 60_000 })
    const flights = createRefreshFlights({ reuseInterval: 10, timeout: 50, sealer, store, now: Date.now })
    await expect(flights.run('id', async () => rotation(1))).rejects.toBeInstanceOf(StoreUnavailableError)
  })
})
