export interface SingleFlight<T> {
  /**
   * The task in flight, or a new one started with the current generation; `busy: false` keeps it out of
   * `onBusy` (a login shares the flight but is not a refresh).
   */
  run(task: (generation: number) => Promise<T>, busy?: boolean): Promise<T>
  /** The task in flight, if any. */
  pending(): Promise<T> | null
  /** Whether a task started with `generation` has been dropped since. */
  stale(generation: number): boolean
  /** Drops the task in flight (its result is stale) and starts a new generation. */
  drop(): void
  generation(): number
}

/**
 * One task shared by every caller while it runs, and a generation counter: a result that arrives for an
 * older generation is thrown away, so an answer that arrives after a logout never brings the session back. `onBusy` follows whether a current task is in flight, so
 * the store's `refreshing` cannot drift from it: a dropped task is not current any more.
 */
export function createSingleFlight<T>(onBusy: (busy: boolean) => void): SingleFlight<T> {
  let generation = 0
  let current: Promise<T> | null = null
  const end = (flight: Promise<T> | null) => {
    if (current !== flight || !current) return
    current = null
    onBusy(false)
  }
  return {
    run(task, busy = true) {
      if (current) return current
      const flight = task(generation)
      current = flight
      onBusy(busy)
      const done = () => end(flight)
      flight.then(done, done)
      return flight
    },
    stale: (gen) => gen !== generation,
    drop() {
      generation += 1
      end(current)
    },
    generation: () => generation,
    pending: () => current,
  }
}
