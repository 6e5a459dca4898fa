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

/** Thrown for a refresh token whose session was logged out: the refresh is refused (401) without an upstream call. */
export class SessionEndedError extends Error {
  constructor() {
    super('The session was logged out.')
    this.name = 'SessionEndedError'
  }
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
  /**
   * Logout: refreshes with these ids are refused from now on (for as long as one could still be on its way),
   * after waiting for one in flight. Answers the rotation such a refresh produced (in flight or within the reuse
   * interval), whose new refresh token is the one to revoke, or `null`.
   */
  end(ids: readonly string[]): Promise<Rotation | null>
}

interface Entry {
  promise: Promise<Rotation>
  /** Until when (epoch ms) the entry answers; `Infinity` while in flight. */
  until: number
}

const PENDING = 'pending'
const DONE = 'done:'
const ENDED = 'ended'
/** A rotation stays in the store at least this long (ms), for instances polling for it, even with no reuse interval. */
const SHARE_MS = 1_000
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

  const ended = () => {
    const promise = Promise.reject(new SessionEndedError())
    promise.catch(() => {}) // held for later callers; not an unhandled rejection meanwhile
    return promise
  }

  async function shared(shop: GatewayStore, id: string, task: () => Promise<Rotation>): Promise<Rotation> {
    const key = keyOf(id)
    const deadline = now() + waitMs
    for (;;) {
      const value = await guard(() => shop.get(key))
      if (value === ENDED) throw new SessionEndedError()
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
        // Kept for the reuse interval, and at least for the instances that are polling for it right now.
        const ttlMs = Math.max(reuseMs, SHARE_MS)
        const sealed = await sealer.seal(
          { a: rotation.answer, c: rotation.cookie, m: rotation.maxAge } satisfies SealedRotation,
          PURPOSE,
          Math.ceil(ttlMs / 1000),
        )
        // Only over our own `pending`: a logout may have ended the id meanwhile.
        if ((await shop.get(key)) === PENDING) await shop.set(key, DONE + sealed, { ttlMs })
      } catch {
        // The rotation happened: the browser must get it even if the store missed the record.
      }
      return rotation
    }
  }

  /** The rotation another instance made (or is making: waited for, bounded) for `id`, or `null`. */
  async function settledInStore(shop: GatewayStore, id: string): Promise<Rotation | null> {
    const deadline = now() + waitMs
    for (;;) {
      const value = await shop.get(keyOf(id)).catch(() => null)
      if (value === PENDING && now() <= deadline) {
        await sleep(POLL_MS)
        continue
      }
      if (!value?.startsWith(DONE)) return null
      const opened = await sealer.open<SealedRotation>(value.slice(DONE.length), PURPOSE)
      return opened ? { answer: opened.value.a, cookie: opened.value.c, maxAge: opened.value.m } : null
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
    async end(ids) {
      let rotation: Rotation | null = null
      const keep = (found: Rotation | null) => {
        // The newest wins: the cookie's own flight (its rotation replaced the parent's).
        rotation ??= found
      }
      for (const id of ids) {
        const entry = entries.get(id)
        if (entry && entry.until > now()) keep(await entry.promise.catch(() => null))
        if (store) keep(await settledInStore(store, id))
      }
      // Longer than any refresh that may still be on its way with these ids, and than the reuse interval.
      const until = now() + Math.max(reuseMs, waitMs)
      for (const id of ids) {
        entries.delete(id)
        entries.set(id, { promise: ended(), until })
      }
      if (store) {
        await Promise.all(
          ids.map((id) => store.set(keyOf(id), ENDED, { ttlMs: until - now() }).catch(() => false)),
        )
      }
      return rotation
    },
  }
}
