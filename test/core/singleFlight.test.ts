import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createSingleFlight } from '../../src/core/singleFlight'

beforeEach(() => {
  vi.useFakeTimers()
  localStorage.clear()
})
afterEach(() => {
  vi.useRealTimers()
  localStorage.clear()
})

/** A promise with its resolve and reject in hand. */
function deferred<T>() {
  let resolve!: (value: T) => void
  let reject!: (error: unknown) => void
  const promise = new Promise<T>((res, rej) => {
    resolve = res
    reject = rej
  })
  return { promise, resolve, reject }
}

describe('singleFlight', () => {
  it('shares one task between callers, follows it with onBusy, and a drop makes its generation stale', async () => {
    const busy: boolean[] = []
    const flight = createSingleFlight<number>((value) => busy.push(value))
    const first = deferred<number>()
    const task = vi.fn((_gen: number) => first.promise)
    const a = flight.run(task)
    const b = flight.run(task)
    expect(a).toBe(b)
    expect(task).toHaveBeenCalledTimes(1)
    expect(task).toHaveBeenCalledWith(0)
    expect(busy).toEqual([true])
    flight.drop()
    expect(busy).toEqual([true, false])
    expect(flight.stale(0)).toBe(true)
    expect(flight.generation()).toBe(1)
    // A new run starts at once; the dropped task settling later does not touch the new one.
    const second = deferred<number>()
    const c = flight.run(() => second.promise)
    expect(c).not.toBe(a)
    first.resolve(1)
    await a
    expect(busy).toEqual([true, false, true])
    second.reject(new Error('down'))
    await expect(c).rejects.toThrow('down')
    expect(busy).toEqual([true, false, true, false])
    flight.drop()
    expect(busy).toHaveLength(4)
  })
})
