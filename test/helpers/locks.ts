// jsdom has no Web Locks: tests of several tabs in one window install this FIFO mutex with the same API.
// Several clients in one jsdom window stand for the tabs of one browser and share it, as tabs share the real one.

type Callback = (lock: { name: string; mode: 'exclusive' } | null) => unknown
interface Options {
  signal?: AbortSignal
  ifAvailable?: boolean
}

/**
 * `navigator.locks.request(name, [options,] callback)` as an in-page FIFO mutex per name. `grants` lists the
 * locks granted, in order. `exclusive: false` is a control: a lock that grants everyone at once, as if there
 * were none, so a test can show that its guard is what makes it pass.
 */
export function installLockShim({ exclusive = true }: { exclusive?: boolean } = {}) {
  const queues = new Map<string, Array<() => void>>()
  const held = new Set<string>()
  const grants: string[] = []
  const stats = { requests: 0, grants: 0, aborted: 0 }
  const release = (name: string) => {
    const next = queues.get(name)?.shift()
    if (next) next()
    else held.delete(name)
  }
  const request = (name: string, optionsOrCallback: Options | Callback, maybeCallback?: Callback) => {
    const options = typeof optionsOrCallback === 'function' ? {} : optionsOrCallback
    const callback = (typeof optionsOrCallback === 'function' ? optionsOrCallback : maybeCallback) as Callback
    return new Promise((resolve, reject) => {
      stats.requests += 1
      const { signal } = options
      if (signal?.aborted) {
        reject(signal.reason)
        return
      }
      if (held.has(name) && options.ifAvailable) {
        Promise.resolve()
          .then(() => callback(null))
          .then(resolve, reject)
        return
      }
      const onAbort = () => {
        const queue = queues.get(name) ?? []
        const index = queue.indexOf(grant)
        if (index >= 0) queue.splice(index, 1)
        stats.aborted += 1
        reject(signal?.reason ?? new DOMException('The lock request was aborted.', 'AbortError'))
      }
      const grant = () => {
        signal?.removeEventListener('abort', onAbort)
        held.add(name)
        grants.push(name)
        stats.grants += 1
        Promise.resolve()
          .then(() => callback({ name, mode: 'exclusive' }))
          .then(resolve, reject)
          .finally(() => release(name))
      }
      if (held.has(name) && exclusive) {
        signal?.addEventListener('abort', onAbort, { once: true })
        queues.set(name, [...(queues.get(name) ?? []), grant])
      } else {
        grant()
      }
    })
  }
  Object.defineProperty(navigator, 'locks', { configurable: true, value: { request } })
  return {
    stats,
    grants,
    /** Takes the lock and never gives it back, like a tab frozen or crashed while holding it. */
    holdForever: (name: string) => {
      void request(name, {}, () => new Promise(() => {}))
    },
    uninstall: () => {
      Reflect.deleteProperty(navigator, 'locks')
    },
  }
}
