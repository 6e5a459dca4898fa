// @ts-check

/** Past this many tracked usernames, entries whose failures all fell out of the window are dropped. */
const PRUNE_AT = 10_000

/**
 * Counts failed logins per username in a sliding window. Keyed by username rather than by client
 * address, so a password-guessing run against one account is stopped wherever it comes from.
 * @param {{ maxFailures: number, windowMs: number, now: () => number }} options
 */
export function createLoginLimiter({ maxFailures, windowMs, now }) {
  /** @type {Map<string, number[]>} username → times of recent failures */
  const failures = new Map()

  /** @param {string} username */
  const recent = (username) => {
    const cutoff = now() - windowMs
    const times = (failures.get(username) ?? []).filter((t) => t > cutoff)
    if (times.length === 0) failures.delete(username)
    else failures.set(username, times)
    return times
  }

  return {
    /**
     * Seconds until the next attempt is allowed for this username, or 0 if it is allowed now.
     * @param {string} username
     */
    retryAfter(username) {
      const times = recent(username)
      if (times.length < maxFailures) return 0
      const oldest = /** @type {number} */ (times[times.length - maxFailures])
      return Math.max(1, Math.ceil((oldest + windowMs - now()) / 1000))
    },
    /** @param {string} username */
    fail(username) {
      if (failures.size >= PRUNE_AT) {
        for (const name of [...failures.keys()]) recent(name)
        // Still full: forget the longest-tracked name rather than grow without bound.
        const first = failures.keys().next()
        if (failures.size >= PRUNE_AT && !first.done) failures.delete(first.value)
      }
      failures.set(username, [...recent(username), now()])
    },
    /** @param {string} username */
    succeed(username) {
      failures.delete(username)
    },
  }
}
