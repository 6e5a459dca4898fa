/** setTimeout fires at once for delays over this (a signed 32-bit int), so longer waits are chained. */
export const MAX_TIMER_DELAY = 2 ** 31 - 1

export type Cancel = () => void

export const noop: Cancel = () => {}

/**
 * Calls `fn` once the clock reaches `at`. Delays are clamped to 2^31-1 ms and the clock is re-checked
 * when the timer fires, so a long wait, a throttled background tab or a sleeping laptop never fires early.
 * The global `setTimeout` is looked up at call time, so fake timers in an app's tests control it.
 */
export function scheduleAt(at: number, now: () => number, fn: () => void): Cancel {
  let handle: ReturnType<typeof setTimeout> | undefined
  const arm = () => {
    const delay = Math.min(Math.max(at - now(), 0), MAX_TIMER_DELAY)
    handle = setTimeout(() => (now() >= at ? fn() : arm()), delay)
  }
  arm()
  return () => clearTimeout(handle)
}

/** Exponential backoff from 1 s doubling to 30 s, each delay ±20 % jitter so tabs and clients spread out. */
export function backoffDelay(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(30_000, 1000 * 2 ** Math.max(0, attempt))
  return Math.round(base * (0.8 + random() * 0.4))
}

/**
 * Runs `task` with an `AbortSignal` that aborts after `ms`; rejects with `onTimeout()` then, even when the
 * task ignores the signal (a custom transport), so no auth call can hang the client.
 */
export function withTimeout<T>(
  task: (signal: AbortSignal) => Promise<T>,
  ms: number,
  onTimeout: () => Error,
): Promise<T> {
  const controller = new AbortController()
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      controller.abort()
      reject(onTimeout())
    }, ms)
    Promise.resolve()
      .then(() => task(controller.signal))
      .then(resolve, reject)
      .finally(() => clearTimeout(timer))
  })
}
