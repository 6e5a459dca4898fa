/**
 * Runs `task` holding the Web Lock `name`, so one tab at a time runs it. The wait is bounded: a frozen or
 * crashed tab cannot hold the others forever; past `maxWait` the task runs without the lock. Where Web Locks
 * are missing (see {@link hasWebLocks}), the task runs at once.
 */
export async function withLock<T>(name: string, maxWait: number, task: () => Promise<T>): Promise<T> {
  const locks = typeof navigator === 'undefined' ? undefined : navigator.locks
  if (!locks || typeof locks.request !== 'function') return task()
  const controller = new AbortController()
  const timer = setTimeout(() => controller.abort(), maxWait)
  let entered = false
  try {
    return await locks.request(name, { signal: controller.signal }, () => {
      entered = true
      clearTimeout(timer)
      return task()
    })
  } catch (error) {
    if (!entered && controller.signal.aborted) return task()
    throw error
  } finally {
    clearTimeout(timer)
  }
}

/**
 * Runs `task` holding the cross-tab refresh lock, so only one tab renews at a time (see `withLock`). Where Web
 * Locks are missing, the task runs at once: each tab stays correct on its own (see the README's multi-tab
 * note).
 */
export const withRefreshLock = <T>(name: string, maxWait: number, task: () => Promise<T>): Promise<T> =>
  // The lock name never changes between releases (a test pins it): tabs of an old and a new release, open
  // side by side after a deploy, serialize their refreshes only if they ask for the same lock.
  withLock(`${name}:refresh`, maxWait, task)
