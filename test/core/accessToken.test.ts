import { AuthError } from 'react-jwt-session/core'
import { describe, expect, it, vi } from 'vitest'
import { createStore } from 'zustand/vanilla'
import { validToken, whenSettled } from '../../src/core/accessToken'
import { signedOut } from '../../src/core/authState'
import type { AuthState } from '../../src/core/types'

const at = 1_000_000
const now = () => at
const signedIn = (expiresAt: number, error: AuthError | null = null): AuthState => ({
  ...signedOut(null),
  status: 'authenticated',
  accessToken: `token-${expiresAt}`,
  expiresAt,
  claims: {},
  user: {},
  error,
})

describe('whenSettled', () => {
  it('resolves at once unless loading, else at the first state that is not', async () => {
    await whenSettled(createStore<AuthState>()(() => signedOut('no-session')))
    const store = createStore<AuthState>()(() => ({ ...signedOut(null), status: 'loading' }))
    let done = false
    void whenSettled(store).then(() => {
      done = true
    })
    store.setState({ refreshing: true })
    await Promise.resolve()
    expect(done).toBe(false)
    store.setState(signedOut(null))
    await Promise.resolve()
    expect(done).toBe(true)
  })
})

describe('validToken', () => {
  it('returns the token that lasts minValidity, renews one that does not, null when signed out', async () => {
    const refresh = vi.fn(async () => null)
    expect(await validToken(() => signedOut('logout'), now, 0, refresh)).toBeNull()
    expect(await validToken(() => signedIn(at + 60_000), now, 30_000, refresh)).toBe(`token-${at + 60_000}`)
    expect(refresh).not.toHaveBeenCalled()
    let state = signedIn(at + 10_000)
    const renewing = vi.fn(async () => {
      state = signedIn(at + 600_000)
      return { accessToken: state.accessToken as string, expiresAt: at + 600_000, claims: {}, user: {} }
    })
    expect(await validToken(() => state, now, 30_000, renewing)).toBe(`token-${at + 600_000}`)
  })

  it('during a retried failure: the token while it lasts, then the failure; a failed renewal falls back', async () => {
    const down = new AuthError('network')
    const refresh = vi.fn(async () => null)
    expect(await validToken(() => signedIn(at + 5_000, down), now, 30_000, refresh)).toBe(
      `token-${at + 5_000}`,
    )
    await expect(validToken(() => signedIn(at, down), now, 30_000, refresh)).rejects.toBe(down)
    expect(refresh).not.toHaveBeenCalled()
    const failing = vi.fn(async () => {
      throw down
    })
    expect(await validToken(() => signedIn(at + 5_000), now, 30_000, failing)).toBe(`token-${at + 5_000}`)
    await expect(validToken(() => signedIn(at), now, 30_000, failing)).rejects.toBe(down)
  })
})
