import { AuthError } from 'react-jwt-session/core'
import { describe, expect, it, vi } from 'vitest'
import { signedOut } from '../../src/core/authState'
import type { SessionWithLifetime } from '../../src/core/createSession'
import { type Renewal, renewSession } from '../../src/core/renewSession'
import type { AuthState } from '../../src/core/types'

const signedIn = (token: string, expiresAt = Date.now() + 600_000): AuthState => ({
  ...signedOut(null),
  status: 'authenticated',
  accessToken: token,
  expiresAt,
  claims: {},
  user: {},
})
const fresh: SessionWithLifetime<unknown> = {
  accessToken: 'new',
  expiresAt: Date.now() + 600_000,
  lifetime: 600_000,
  claims: {},
  user: {},
}

/** A renewal over a plain state variable, every effect recorded. */
function renewal(start: AuthState, overrides: Partial<Renewal<unknown>> = {}) {
  let state = start
  const log: string[] = []
  const r: Renewal<unknown> = {
    get: () => state,
    stale: () => false,
    isDue: () => true,
    locked: (task) => task(),
    askTabs: async () => {},
    request: async () => fresh,
    adopt: (session) => {
      log.push(`adopt ${session.accessToken}`)
      state = signedIn(session.accessToken, session.expiresAt)
    },
    signOut: (reason) => {
      log.push(`signOut ${reason}`)
      state = signedOut(reason)
    },
    fail: (error, partial) => {
      log.push(`fail ${error.code}`)
      state = { ...state, ...partial, error }
    },
    retry: () => log.push('retry'),
    ...overrides,
  }
  return { r, log, state: () => state, set: (next: AuthState) => (state = next) }
}

describe('renewSession', () => {
  it('adopts the answer; skips the server when the tabs hand over a fresher token while it waits', async () => {
    const plain = renewal(signedIn('old'))
    expect((await renewSession(plain.r))?.accessToken).toBe('new')
    expect(plain.log).toEqual(['adopt new'])

    const request = vi.fn(async () => fresh)
    const handed = renewal(signedIn('old'), { request, isDue: (s) => s.accessToken === 'old' })
    handed.r.askTabs = async () => handed.set(signedIn('from-tab'))
    expect((await renewSession(handed.r))?.accessToken).toBe('from-tab')
    expect(request).not.toHaveBeenCalled()
  })

  it('a dropped renewal adopts nothing', async () => {
    let stale = false
    const dropped = renewal(signedIn('old'), {
      stale: () => stale,
      request: async () => {
        stale = true
        return fresh
      },
    })
    expect((await renewSession(dropped.r))?.accessToken).toBe('old')
    expect(dropped.log).toEqual([])
  })

  it('a refusal signs out (expired, revoked), or means no session for the restore at start', async () => {
    const refused = (cause?: unknown) => async () => {
      throw new AuthError('session_expired', undefined, { status: 401, cause })
    }
    const expired = renewal(signedIn('old'), { request: refused() })
    expect(await renewSession(expired.r)).toBeNull()
    const revoked = renewal(signedIn('old'), { request: refused({ error: 'token_revoked' }) })
    await renewSession(revoked.r)
    const first = renewal({ ...signedOut(null), status: 'loading' }, { request: refused() })
    await renewSession(first.r)
    expect([expired.log, revoked.log, first.log]).toEqual([
      ['signOut expired'],
      ['signOut revoked'],
      ['signOut no-session'],
    ])
  })

  it('a passing failure keeps the session, records the error and retries; at start it is a failed restore', async () => {
    const down = async () => {
      throw new TypeError('Failed to fetch')
    }
    const held = renewal(signedIn('old'), { request: down })
    await expect(renewSession(held.r)).rejects.toMatchObject({ code: 'network' })
    expect(held.log).toEqual(['fail network', 'retry'])
    expect(held.state()).toMatchObject({ status: 'authenticated', accessToken: 'old' })
    const first = renewal({ ...signedOut(null), status: 'loading' }, { request: down })
    await expect(renewSession(first.r)).rejects.toMatchObject({ code: 'network' })
    expect(first.state()).toMatchObject({ status: 'unauthenticated', reason: 'network' })
  })
})
