import { AuthError } from 'react-jwt-session/core'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createAuthRequest } from '../../src/core/authRequest'
import { createSingleFlight } from '../../src/core/singleFlight'
import type { AuthEventMap } from '../../src/core/types'

beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  vi.useRealTimers()
})

const wait = (ms: number, value: unknown) => new Promise((resolve) => setTimeout(() => resolve(value), ms))

describe('createAuthRequest', () => {
  it('reports each call when it settles: ok, refused, failed, timed out and dropped, with its duration', async () => {
    const events: AuthEventMap['request'][] = []
    const flight = createSingleFlight(() => {})
    const call = createAuthRequest(1_000, Date.now, flight, (event) => events.push(event))
    const ok = call('refresh', () => wait(20, 'body'))
    await vi.advanceTimersByTimeAsync(20)
    expect(await ok).toBe('body')
    await call('login', async () => {
      throw Object.assign(new Error('401'), { status: 401 })
    }).catch(() => null)
    await call('logout', async () => {
      throw new TypeError('Failed to fetch')
    }).catch(() => null)
    const hung = call('refresh', () => new Promise(() => {})).catch((error: unknown) => error)
    await vi.advanceTimersByTimeAsync(1_000)
    expect(await hung).toMatchObject({ code: 'timeout' })
    const late = call('refresh', () => wait(50, 'late'))
    flight.drop()
    await vi.advanceTimersByTimeAsync(50)
    await late
    expect(
      events.map(({ kind, outcome, duration, error }) => [kind, outcome, duration, error?.code ?? null]),
    ).toEqual([
      ['refresh', 'ok', 20, null],
      ['login', 'refused', 0, 'invalid_credentials'],
      ['logout', 'failed', 0, 'network'],
      ['refresh', 'failed', 1_000, 'timeout'],
      ['refresh', 'dropped', 50, null],
    ])
    expect(events[1]?.error).toBeInstanceOf(AuthError)
  })
})
