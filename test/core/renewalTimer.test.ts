import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createRenewalTimer } from '../../src/core/renewalTimer'

beforeEach(() => {
  vi.useFakeTimers()
  localStorage.clear()
})
afterEach(() => {
  vi.useRealTimers()
  localStorage.clear()
})

describe('renewalTimer', () => {
  it('fires once at the armed time, replaces the previous timer, and reports when it fires', async () => {
    const fire = vi.fn()
    const armed: Array<number | null> = []
    const timer = createRenewalTimer(Date.now, fire, (at) => armed.push(at))
    const t0 = Date.now()
    timer.arm(t0 + 1_000)
    timer.arm(t0 + 2_000)
    await vi.advanceTimersByTimeAsync(1_999)
    expect(fire).not.toHaveBeenCalled()
    await vi.advanceTimersByTimeAsync(1)
    expect(fire).toHaveBeenCalledTimes(1)
    timer.arm(t0 + 5_000)
    timer.arm(null)
    await vi.advanceTimersByTimeAsync(10_000)
    expect(fire).toHaveBeenCalledTimes(1)
    expect(armed).toEqual([t0 + 1_000, t0 + 2_000, t0 + 5_000, null])
  })

  it('backs off 1 s, 2 s, 4 s (±20 %) between retries; arm() starts the backoff over', () => {
    const armed: Array<number | null> = []
    const timer = createRenewalTimer(
      Date.now,
      () => {},
      (at) => armed.push(at),
    )
    const t0 = Date.now()
    timer.retry()
    timer.retry()
    timer.retry()
    timer.arm(null)
    timer.retry()
    const delays = armed.map((at) => (at === null ? null : at - t0))
    const within = (delay: number | null, base: number) =>
      delay !== null && delay >= base * 0.8 && delay <= base * 1.2
    expect([
      within(delays[0] ?? null, 1_000),
      within(delays[1] ?? null, 2_000),
      within(delays[2] ?? null, 4_000),
    ]).toEqual([true, true, true])
    expect(delays[3]).toBeNull()
    expect(within(delays[4] ?? null, 1_000)).toBe(true)
  })
})
