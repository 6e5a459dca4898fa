// jsdom has no Web Locks: tests of several tabs in one window install this FIFO mutex with the same API.

/** `navigator.locks.request(name, { signal }, callback)` as an in-page FIFO mutex per name. */
export function installLockShim() {
  const queues = new Map<string, Array<{ grant: () => void; cancel: () => void }>>()
  const held = new Set<string>()
  const stats = { requests: 0, grants: 0, aborted: 0 }
  const release = (name: string) => {
    const next = queues.get(name)?.shift()
    if (next) next.grant()
    else held.delete(name)
  }
  const request = (
    name: string,
    options: { signal?: AbortSignal },
    callback: (lock: { name: string; mode: 'exclusive' }) => unknown,
  ) =>
    new Promise((resolve, reject) => {
      stats.requests += 1
      const { signal } = options
      if (signal?.aborted) {
        reject(signal.reason)
        return
      }
      const onAbort = () => {
        const queue = queues.get(name) ?? []
        const index = queue.indexOf(waiter)
        if (index >= 0) queue.splice(index, 1)
        stats.aborted += 1
        reject(signal?.reason ?? new DOMException('The lock request was aborted.', 'AbortError'))
      }
      const waiter = {
        grant: () => {
          signal?.removeEventListener('abort', onAbort)
          held.add(name)
          stats.grants += 1
          Promise.resolve()
            .then(() => callback({ name, mode: 'exclusive' }))
            .then(resolve, reject)
            .finally(() => release(name))
        },
        cancel: onAbort,
      }
      if (held.has(name)) {
        signal?.addEventListener('abort', onAbort, { once: true })
        const queue = queues.get(name) ?? []
        queue.push(waiter)
        queues.set(name, queue)
      } else {
        waiter.grant()
      }
    })
  Object.defineProperty(navigator, 'locks', { configurable: true, value: { request } })
  return {
    stats,
    /** Takes the lock and never gives it back, like a tab frozen or crashed while holding it. */
    holdForever: (name: string) => {
      void request(name, {}, () => new Promise(() => {}))
    },
    uninstall: () => {
      Reflect.deleteProperty(navigator, 'locks')
    },
  }
}
