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
    expect(subjectOf({ claims: { sub: 'u1' }, user: { sub: 'u2' } })).toBe('u1')
    expect(subjectOf({ claims: null, user: null })).toBeUndefined()
    // An opaque access token has no claims: the user says who it is.
    expect(subjectOf({ claims: null, user: { sub: 'u2', id: 'i2' } })).toBe('u2')
    expect(subjectOf({ claims: null, user: { id: 'i3' } })).toBe('i3')
  })
})
