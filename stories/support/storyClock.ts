/**
 * The clock shared by a story's client and test server: real time plus an offset that the story (or a
 * reader clicking "Skip to the refresh") can move forward, so a 15-minute token lifetime plays in a second.
 */
export interface StoryClock {
  now: () => number
  /** Moves the clock forward, then tells the page it got focus, as after a laptop wakes from sleep. */
  advance: (ms: number) => void
  /** Called after each `advance`. */
  subscribe: (listener: () => void) => () => void
}

export function createStoryClock(): StoryClock {
  let offset = 0
  const listeners = new Set<() => void>()
  return {
    now: () => Date.now() + offset,
    advance(ms) {
      offset += Math.max(0, ms)
      for (const listener of listeners) listener()
      // The client re-checks its token on focus (SPEC §3 refresh rule 2): that is what makes it notice the
      // jump at once instead of when its timer, armed on the real clock, would fire.
      window.dispatchEvent(new Event('focus'))
    },
    subscribe(listener) {
      listeners.add(listener)
      return () => {
        listeners.delete(listener)
      }
    },
  }
}
