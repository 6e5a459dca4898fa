/** Listeners by event type; `emit` calls each one, and one that throws stops neither the rest nor the caller. */
export interface Emitter<Events> {
  on<T extends keyof Events>(type: T, listener: (event: Events[T]) => void): () => void
  emit<T extends keyof Events>(type: T, event: Events[T]): void
}

/**
 * A subscription: the event type, its listener and (development) whether its throw was reported.
 */
type Entry<Events> = [type: keyof Events, listener: (event: never) => void, reported?: true]

/**
 * A small typed event emitter. A listener that throws is reported with `console.error` in development,
 * once per subscription, and skipped: an app's analytics bug must never break sign-in or sign-out.
 */
export function createEmitter<Events>(): Emitter<Events> {
  // One set in subscription order; the same function subscribed twice is two entries.
  const entries = new Set<Entry<Events>>()
  return {
    on(type, listener) {
      const entry: Entry<Events> = [type, listener]
      entries.add(entry)
      return () => {
        entries.delete(entry)
      }
    },
    emit(type, event) {
      // A copy: a listener that unsubscribes another does not change who is called this round.
      for (const entry of [...entries]) {
        if (entry[0] !== type) continue
        try {
          entry[1](event as never)
        } catch (error) {
          if (process.env.NODE_ENV !== 'production' && !entry[2]) {
            entry[2] = true
            console.error(`[react-jwt-session] a "${String(type)}" listener threw:`, error)
          }
        }
      }
    },
  }
}
