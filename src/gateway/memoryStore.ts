import type { GatewayStore } from './types'

/**
 * A `GatewayStore` in this process's memory, with expiry: what one gateway instance does without a store, as a
 * store (tests, and two gateways in one process sharing it). Several servers need a shared one (`redisStore`).
 */
export function memoryStore(
  now: () => number = Date.now,
): GatewayStore & { readonly size: number; dump(): Record<string, string> } {
  const entries = new Map<string, { value: string; until: number }>()
  const live = (key: string) => {
    const entry = entries.get(key)
    if (entry && entry.until <= now()) {
      entries.delete(key)
      return undefined
    }
    return entry
  }
  return {
    get size() {
      for (const key of [...entries.keys()]) live(key)
      return entries.size
    },
    /** Every live value by key: what a dump of a shared store would show. */
    dump() {
      const out: Record<string, string> = {}
      for (const key of [...entries.keys()]) {
        const entry = live(key)
        if (entry) out[key] = entry.value
      }
      return out
    },
    async get(key) {
      return live(key)?.value ?? null
    },
    async set(key, value, { ttlMs, ifAbsent }) {
      if (ifAbsent && live(key)) return false
      entries.set(key, { value, until: now() + ttlMs })
      return true
    },
    async delete(key) {
      entries.delete(key)
    },
  }
}
