import { backoffDelay, type Cancel, noop, scheduleAt } from './timers'

export interface RenewalTimer {
  /** Arms the timer at `at` (epoch ms), or disarms it with `null`, and starts the backoff over. */
  arm(at: number | null): void
  /**
   * Arms the next retry after a failure: 1 s doubling to 30 s with jitter, counted since the last `arm`, and
   * never sooner than `notBefore` ms (the server's `Retry-After`).
   */
  retry(notBefore?: number): void
  /** Arms the timer again at the same time, counted from the clock now (timers stand still while a laptop sleeps). */
  rearm(): void
}

/**
 * The one renewal timer: arming it replaces (cancels) the previous one, and `onArmed` is told when it will
 * fire (the store's `refreshAt`).
 */
export function createRenewalTimer(
  now: () => number,
  fire: () => void,
  onArmed: (at: number | null) => void,
): RenewalTimer {
  let cancel: Cancel = noop
  let attempt = 0
  let armedAt: number | null = null
  const setTimer = (at: number | null) => {
    cancel()
    armedAt = at
    cancel = at === null ? noop : scheduleAt(at, now, fire)
    onArmed(at)
  }
  return {
    arm(at) {
      attempt = 0
      setTimer(at)
    },
    retry(notBefore = 0) {
      // A pause that is not a number (a custom transport's `retryAfter: NaN`) would fire the timer in a loop.
      setTimer(now() + Math.max(backoffDelay(attempt), Number.isFinite(notBefore) ? notBefore : 0))
      attempt += 1
    },
    rearm: () => setTimer(armedAt),
  }
}
