import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { withTimeout } from '../../src/core/timers'

// scheduleAt and backoffDelay are covered with the refresh rules (test/core/refresh.test.ts); withTimeout here.

beforeEach(() => {
  vi.useFakeTimers()
})

afterEach(() => {
  vi.useRealTimers()
})

class TimedOut extends Error {}
const timedOut = () => new TimedOut('timed out')

/** A task that never settles on its own, recording the signal it was given. */
function hangingTask() {
  const signals: AbortSignal[] = []
  const task = (signal: AbortSignal) => {
    signals.push(signal)
    return new Promise<never>(() => {})
  }
  return { task, signals }
}

describe('withTimeout', () => {
  it('resolves with the task’s value and leaves no timer behind', async () => {
    const signals: AbortSignal[] = []
    const result = await withTimeout(
      async (signal) => {
        signals.push(signal)
        return 'value'
      },
      1000,
      timedOut,
    )
    expect(result).toBe('value')
    expect(signals).toHaveLength(1)
    expect(signals[0]?.aborted).toBe(false)
    // The timer is cleared as the task settles (a microtask later), never left to fire.
    await vi.advanceTimersByTimeAsync(0)
    expect(vi.getTimerCount()).toBe(0)
  })

  it('passes the task’s rejection on as is and leaves no timer behind', async () => {
    const boom = new Error('boom')
    await expect(
      withTimeout(
        async () => {
          throw boom
        },
        1000,
        timedOut,
      ),
    ).rejects.toBe(boom)
    expect(vi.getTimerCount()).toBe(0)
  })

  it('turns a task that throws before returning a promise into a rejection', async () => {
    const boom = new Error('sync boom')
    const task = (): Promise<string> => {
      throw boom
    }
    await expect(withTimeout(task, 1000, timedOut)).rejects.toBe(boom)
  })

  it('rejects with onTimeout() after exactly `ms` and aborts the signal, even if the task ignores it', async () => {
    const { task, signals } = hangingTask()
    const onTimeout = vi.fn(timedOut)
    const outcome = withTimeout(task, 5000, onTimeout).then(
      () => 'resolved',
      (error: unknown) => error,
    )

    await vi.advanceTimersByTimeAsync(4999)
    expect(onTimeout).not.toHaveBeenCalled()
    expect(signals[0]?.aborted).toBe(false)

    await vi.advanceTimersByTimeAsync(1)
    expect(await outcome).toBeInstanceOf(TimedOut)
    expect(onTimeout).toHaveBeenCalledTimes(1)
    expect(signals[0]?.aborted).toBe(true)
  })

  it('a task that settles after the timeout changes nothing', async () => {
    let resolveLate: (value: string) => void = () => {}
    const outcome = withTimeout(
      () =>
        new Promise<string>((resolve) => {
          resolveLate = resolve
        }),
      100,
      timedOut,
    ).then(
      (value) => value,
      (error: unknown) => error,
    )
    await vi.advanceTimersByTimeAsync(100)
    resolveLate('too late')
    expect(await outcome).toBeInstanceOf(TimedOut)
  })

  it('uses the global setTimeout looked up at call time, so fake timers control it', async () => {
    vi.useRealTimers()
    vi.useFakeTimers()
    const { task } = hangingTask()
    const outcome = withTimeout(task, 60_000, timedOut).catch((error: unknown) => error)
    expect(vi.getTimerCount()).toBe(1)
    await vi.advanceTimersByTimeAsync(60_000)
    expect(await outcome).toBeInstanceOf(TimedOut)
  })
})
