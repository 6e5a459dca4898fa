import { vi } from 'vitest'

type Callback = (lock: { name: string; mode: 'exclusive' } | null) => unknown
interface Options {
  signal?: AbortSignal
  ifAvailable?: boolean
}

/**
 * `navigator.locks.request` as an in-page FIFO mutex per name, for jsdom (which has no Web Locks). Several
 * clients in one jsdom window stand for the tabs of one browser and share it, as tabs share the real one.
 * `grants` lists the locks granted, in order.
 */
export function installLockShim({ exclusive = true }: { exclusive?: boolean } = {}) {
  const queues = new Map<string, Array<() => void>>()
  const held = new Set<string>()
  const grants: string[] = []
  const release = (name: string) => {
    const next = queues.get(name)?.shift()
    if (next) next()
    else held.delete(name)
  }
  const request = (name: string, optionsOrCallback: Options | Callback, maybeCallback?: Callback) => {
    const options = typeof optionsOrCallback === 'function' ? {} : optionsOrCallback
    const callback = (typeof optionsOrCallback === 'function' ? optionsOrCallback : maybeCallback) as Callback
    return new Promise((resolve, reject) => {
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
        reject(signal?.reason ?? new DOMException('The lock request was aborted.', 'AbortError'))
      }
      const grant = () => {
        signal?.removeEventListener('abort', onAbort)
        held.add(name)
        grants.push(name)
        Promise.resolve()
          .then(() => callback({ name, mode: 'exclusive' }))
          .then(resolve, reject)
          .finally(() => release(name))
      }
      // `exclusive: false` is the control: a lock that grants everyone at once, as if there were none.
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
    grants,
    uninstall: () => {
      Reflect.deleteProperty(navigator, 'locks')
    },
  }
}

/** Lets messages between the tabs (real message ports) and promise chains run, without moving the clock. */
export const settle = async () => {
  for (let i = 0; i < 5; i += 1) await vi.advanceTimersByTimeAsync(0)
}

/** Moves the fake clock by `ms` in `step` ms steps, letting messages between the tabs land at each step. */
export async function elapse(ms: number, step = 100) {
  for (let t = 0; t < ms; t += step) await vi.advanceTimersByTimeAsync(Math.min(step, ms - t))
}
