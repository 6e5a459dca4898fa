import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { listenForWakeUp } from '../../src/core/wakeUp'

beforeEach(() => {
  vi.useFakeTimers()
  localStorage.clear()
})
afterEach(() => {
  vi.useRealTimers()
  localStorage.clear()
})

describe('wakeUp', () => {
  it('reports focus, pageshow and a visible tab as waking, online as online, and stops on cleanup', () => {
    const woke: boolean[] = []
    const stop = listenForWakeUp((online) => woke.push(online))
    window.dispatchEvent(new Event('focus'))
    window.dispatchEvent(new Event('pageshow'))
    window.dispatchEvent(new Event('online'))
    document.dispatchEvent(new Event('visibilitychange'))
    expect(woke).toEqual([false, false, true, false])
    stop()
    window.dispatchEvent(new Event('focus'))
    window.dispatchEvent(new Event('online'))
    expect(woke).toHaveLength(4)
  })
})
