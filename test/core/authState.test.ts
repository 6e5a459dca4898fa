import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { restoreFailed, signedOut, subjectOf, unrestored } from '../../src/core/authState'

beforeEach(() => {
  vi.useFakeTimers()
  localStorage.clear()
})
afterEach(() => {
  vi.useRealTimers()
  localStorage.clear()
})

describe('authState', () => {
  it('names the restore that failed and is retried, and every state with no session yet', () => {
    const loading = { ...signedOut(null), status: 'loading' as const }
    expect(signedOut('logout')).toMatchObject({
      status: 'unauthenticated',
      refreshAt: null,
      refreshing: false,
    })
    expect([signedOut('network'), signedOut('no-session'), loading].map(restoreFailed)).toEqual([
      true,
      false,
      false,
    ])
    expect([signedOut('network'), signedOut('no-session'), loading].map(unrestored)).toEqual([
      true,
      false,
      true,
    ])
    expect(subjectOf({ sub: 'u1' })).toBe('u1')
    expect(subjectOf(null)).toBeUndefined()
  })
})
