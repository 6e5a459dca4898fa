import { describe, expect, it } from 'vitest'
import { createStore } from 'zustand/vanilla'
import { signedOut } from '../../src/core/authState'
import { createEmitter } from '../../src/core/createEmitter'
import type { Outgoing } from '../../src/core/tabProtocol'
import { createTransitions } from '../../src/core/transitions'
import type { AuthEventMap, AuthState } from '../../src/core/types'

const session = (sub: string, expiresAt: number) => ({
  accessToken: `${sub}-${expiresAt}`,
  expiresAt,
  lifetime: 600_000,
  claims: { sub },
  user: { sub },
})

function setup(start: AuthState) {
  const store = createStore<AuthState>()(() => start)
  const { on, emit } = createEmitter<AuthEventMap>()
  const log: string[] = []
  for (const type of ['signin', 'signout', 'refresh', 'error'] as const) {
    on(type, (event) =>
      log.push(
        `${type}:${'source' in event ? event.source : 'reason' in event ? event.reason : event.error.code}`,
      ),
    )
  }
  const posted: Outgoing<unknown>[] = []
  const armed: Array<number | null> = []
  const t = createTransitions(store, 0, {
    emit,
    now: () => 0,
    drop: () => log.push('drop'),
    arm: (at) => armed.push(at),
    renewalAt: (expiresAt) => expiresAt - 60_000,
    writeHint: () => {},
    post: (message) => posted.push(message),
  })
  return { store, t, log, posted, armed }
}

const loading: AuthState = { ...signedOut(null), status: 'loading' }

describe('transitions', () => {
  it('adopt: restore, renewal, sign-in and a user switch each emit their events; refreshAt in the same write', () => {
    const { store, t, log, armed, posted } = setup(loading)
    t.adopt(session('ada', 1_000_000), 'local', 'refresh')
    expect(store.getState()).toMatchObject({ status: 'authenticated', refreshAt: 940_000 })
    t.adopt(session('ada', 2_000_000), 'tab', 'refresh')
    t.adopt(session('ada', 3_000_000), 'local', 'signin')
    t.adopt(session('bob', 4_000_000), 'tab', 'signin')
    expect(log).toEqual([
      'signin:restore',
      'refresh:other-tab',
      'signin:this-tab',
      'drop',
      'signout:other-tab',
      'signin:other-tab',
    ])
    expect(armed.at(-1)).toBe(3_940_000)
    expect(t.lifetime()).toBe(600_000)
    // Only what this tab got from the server is shared; what came from another tab is not sent back.
    expect(posted).toEqual([
      { type: 'session', cause: 'refresh', session: session('ada', 1_000_000) },
      { type: 'session', cause: 'signin', session: session('ada', 3_000_000) },
    ])
  })

  it('signOut: a sign-out only from a session, the error reported, the other tabs told with the reason', () => {
    const first = setup(loading)
    first.t.signOut('no-session')
    expect(first.log).toEqual(['drop'])
    const { t, log, posted, store } = setup(loading)
    t.adopt(session('ada', 1_000_000), 'local', 'signin')
    t.signOut('idle', null, true)
    // A session from the server is shared with the other tabs (with its lifetime); the sign-out follows it.
    expect(posted).toEqual([
      { type: 'session', cause: 'signin', session: session('ada', 1_000_000) },
      { type: 'logout', reason: 'idle' },
    ])
    expect(store.getState()).toMatchObject({ status: 'unauthenticated', reason: 'idle', refreshAt: null })
    expect(log).toEqual(['signin:this-tab', 'drop', 'signout:idle'])
  })

  it('adoptShared: never a renewal into a signed-out tab, never an older token', () => {
    const { t, log } = setup(signedOut('logout'))
    t.adoptShared(session('ada', 1_000_000), 'refresh')
    expect(log).toEqual([])
    t.adoptShared(session('ada', 1_000_000), 'signin')
    t.adoptShared(session('ada', 500_000), 'refresh')
    t.adoptShared(session('ada', -1), 'signin')
    expect(log).toEqual(['signin:other-tab'])
  })
})
