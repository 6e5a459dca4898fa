import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createTabPeers, HANDOFF_WAIT } from '../../src/core/tabPeers'
import type { SharedSession } from '../../src/core/tabProtocol'

beforeEach(() => {
  vi.useFakeTimers()
  localStorage.clear()
})
afterEach(() => {
  vi.useRealTimers()
  localStorage.clear()
})

describe('tabPeers', () => {
  const session = (expiresAt: number): SharedSession => ({
    accessToken: 'a',
    expiresAt,
    lifetime: 1,
    user: {},
    claims: {},
  })

  it('a new tab asks anyone and stops at the first answer', async () => {
    const peers = createTabPeers()
    const ask = vi.fn()
    const got: number[] = []
    let done = false
    void peers
      .ask(true, ask, (s) => got.push(s.expiresAt))
      .then(() => {
        done = true
      })
    expect(ask).toHaveBeenCalledTimes(1)
    expect(peers.asking()).toBe(true)
    peers.answered(session(5), 'tab-1')
    await vi.advanceTimersByTimeAsync(0)
    expect(done).toBe(true)
    expect(got).toEqual([5])
    expect(peers.asking()).toBe(false)
  })

  it('asks only the tabs heard from, waits for each, forgets the silent ones after HANDOFF_WAIT', async () => {
    const peers = createTabPeers()
    const ask = vi.fn()
    await peers.ask(false, ask, () => {})
    expect(ask).not.toHaveBeenCalled() // nobody known: nobody asked, no wait
    peers.heard('tab-1')
    peers.heard('tab-2')
    let done = false
    void peers
      .ask(false, ask, () => {})
      .then(() => {
        done = true
      })
    peers.answered(session(5), 'tab-1')
    await vi.advanceTimersByTimeAsync(HANDOFF_WAIT - 1)
    expect(done).toBe(false)
    await vi.advanceTimersByTimeAsync(1)
    expect(done).toBe(true)
    // tab-2 stayed silent: it is not waited for again, so the next question with nobody left asks nobody.
    peers.heard('tab-1')
    const next = vi.fn()
    let second = false
    void peers
      .ask(false, next, () => {})
      .then(() => {
        second = true
      })
    peers.answered(session(6), 'tab-1')
    await vi.advanceTimersByTimeAsync(0)
    expect(second).toBe(true)
  })

  it('end() releases a waiting question at once', async () => {
    const peers = createTabPeers()
    let done = false
    void peers
      .ask(
        true,
        () => {},
        () => {},
      )
      .then(() => {
        done = true
      })
    peers.end()
    await vi.advanceTimersByTimeAsync(0)
    expect(done).toBe(true)
    expect(peers.asking()).toBe(false)
  })
})
