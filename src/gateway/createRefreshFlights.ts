import type { Sealer } from './createSealer'
import type { TokenAnswer } from './tokenAnswer'
import type { GatewayStore } from './types'

/** What one upstream refresh produced: shared by every request that presented the same refresh token. */
export interface Rotation {
  answer: TokenAnswer
  /** The new sealed cookie value, or `null` when the cookie stays as it is. */
  cookie: string | null
  /** The new cookie's `Max-Age` (s). */
  maxAge: number
}

/** Thrown when the shared store cannot be used: the refresh is not attempted and the cookie is kept. */
export class StoreUnavailableError extends Error {
  constructor(cause: unknown) {
    super('The gateway store could not be reached.', { cause })
    this.name = 'StoreUnavailableError'
  }
}

export interface RefreshFlightsOptions {
  /** Seconds a rotation's answer is given again to a replay of the token it replaced. */
  reuseInterval: number
  /** The longest one upstream refresh may take (ms): how long others wait for it. */
  timeout: number
  store?: GatewayStore | undefined
  sealer: Sealer
  now: () => number
}

export interface RefreshFlights {
  /**
   * `task()` once per flight id: concurrent callers with the same id share its promise, and for
   * `reuseInterval` seconds after it succeeded, a caller with that id gets its rotation again.
   */
  run(id: string, task: () => Promise<Rotation>): Promise<Rotation>
  /** Drops what is kept for these ids (logout: a replay of a logged-out cookie gets no answer). */
  forget(ids: readonly string[]): Promise<void>
}

interface Entry {
  promise: Promise<Rotation>
  /** Until when (epoch ms) the entry answers; `Infinity` while in flight. */
  until: number
}

const PENDING = 'pending'
const DONE = 'done:'
const PURPOSE = 'react-jwt-session flight'
const POLL_MS = 25
const SWEEP_PER_INSERT = 16

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

interface SealedRotation {
  a: TokenAnswer
  c: string | null
  m: number
}

/**
 * Single flight and reuse interval. The flight id is a random id sealed in the cookie beside the refresh token
 * (made when the token is first sealed, kept when a cookie is re-sealed under a new secret): it stands for that
 * refresh token exactly as an HMAC of the token would, is as unforgeable (it is inside the authenticated seal),
 * and costs no crypto call, where an HMAC would add a third WebCrypto call to every refresh.
 *
 * In the instance, flights are promises in a map. With a `store`, the flight is also claimed there
 * (`set(…, { ifAbsent: true })`): the claimer calls the upstream and puts the sealed rotation under the id for
 * `reuseInterval`; other instances wait for it (bounded by `timeout`). The store holds only `pending` markers
 * and sealed rotations: a dump of it yields no token.
 */
export function createRefreshFlights(options: RefreshFlightsOptions): RefreshFlights {
  const { store, sealer, now } = options
  const reuseMs = Math.max(0, options.reuseInterval * 1000)
  const waitMs = options.timeout + 1_000
  const entries = new Map<string, Entry>()
  const keyOf = (id: string) => `react-jwt-session:flight:${id}`

  const sweep = () => {
    let looked = 0
    for (const [id, entry] of entries) {
      if (++looked > SWEEP_PER_INSERT) break
      if (entry.until === Number.POSITIVE_INFINITY) continue
      if (entry.until > now()) break // entries are in insertion order: the rest are younger
      entries.delete(id)
    }
  }

  const guard = async <T>(call: () => Promise<T>): Promise<T> => {
    try {
      return await call()
    } catch (cause) {
      throw new StoreUnavailableError(cause)
    }
  }

  async function shared(shop: GatewayStore, id: string, task: () => Promise<Rotation>): Promise<Rotation> {
    const key = keyOf(id)
    const deadline = now() + waitMs
    for (;;) {
      const value = await guard(() => shop.get(key))
      if (value?.startsWith(DONE)) {
        const opened = await sealer.open<SealedRotation>(value.slice(DONE.length), PURPOSE)
        if (opened) return { answer: opened.value.a, cookie: opened.value.c, maxAge: opened.value.m }
        // Its seal ran out a moment before the store's TTL did: the reuse interval is over.
        await guard(() => shop.delete(key))
      }
      if (now() > deadline) throw new StoreUnavailableError('waited too long for another instance')
      if (value === PENDING) {
        await sleep(POLL_MS)
        continue
      }
      const claimed = await guard(() => shop.set(key, PENDING, { ttlMs: waitMs, ifAbsent: true }))
      if (!claimed) continue
      let rotation: Rotation
      try {
        rotation = await task()
      } catch (error) {
        // Failed: the next presenter of this token tries for itself (a refused token is refused again).
        await shop.delete(key).catch(() => {})
        throw error
      }
      try {
        if (reuseMs > 0) {
          const sealed = await sealer.seal(
            { a: rotation.answer, c: rotation.cookie, m: rotation.maxAge } satisfies SealedRotation,
            PURPOSE,
            Math.ceil(reuseMs / 1000),
          )
          await shop.set(key, DONE + sealed, { ttlMs: reuseMs })
        } else {
          await shop.delete(key)
        }
      } catch {
        // The rotation happened: the browser must get it even if the store missed the record.
      }
      return rotation
    }
  }

  return {
    run(id, task) {
      const existing = entries.get(id)
      if (existing && existing.until > now()) return existing.promise
      const promise = store ? shared(store, id, task) : task()
      const entry: Entry = { promise, until: Number.POSITIVE_INFINITY }
      entries.delete(id)
      entries.set(id, entry)
      sweep()
      promise.then(
        () => {
          if (reuseMs > 0) entry.until = now() + reuseMs
          else if (entries.get(id) === entry) entries.delete(id)
        },
        () => {
          if (entries.get(id) === entry) entries.delete(id)
        },
      )
      return promise
    },
    async forget(ids) {
      for (const id of ids) entries.delete(id)
      if (store) await Promise.all(ids.map((id) => store.delete(keyOf(id)).catch(() => {})))
    },
  }
}
