import { listen } from './listen'
import { safeLocalStorage } from './safeLocalStorage'
import { type Outgoing, TAB_PROTOCOL, type TabSync } from './tabProtocol'

/**
 * The cross-tab channel where BroadcastChannel is missing: `storage` events on the localStorage key
 * `${name}:event`, which only ever holds `{ type, at, v, reason? }` (never a token). Only sign-in and sign-out
 * travel this way; each tab renews on its own. `undefined` where there is no localStorage (or no window).
 */
export function openStorageSync<User>(
  name: string,
  receive: (data: unknown) => void,
  id: string,
): TabSync<User> | undefined {
  const storage = safeLocalStorage()
  if (!storage || typeof window === 'undefined') return undefined
  const key = `${name}:event`
  const onStorage = (event: StorageEvent) => {
    if (event.key !== key || !event.newValue) return
    try {
      const { type, v, reason } = JSON.parse(event.newValue) as {
        type?: unknown
        v?: unknown
        reason?: unknown
      }
      if (type === 'logout' || type === 'signin') receive({ type, from: 'storage', v, reason })
    } catch {
      // Someone else's value under our key: not a message.
    }
  }
  const stopListening = listen(window, 'storage', onStorage)
  return {
    kind: 'storage',
    id,
    post: (message: Outgoing<User>) => {
      // A sign-in travels without its session; a renewal stays in its tab.
      const type = message.type === 'session' && message.cause === 'signin' ? 'signin' : message.type
      if (type !== 'logout' && type !== 'signin') return
      try {
        // `at` makes every write a change, so the same message twice still fires an event.
        const reason = message.type === 'logout' ? message.reason : undefined
        storage.setItem(key, JSON.stringify({ type, at: Date.now(), v: TAB_PROTOCOL, reason }))
        return type
      } catch {
        // Storage full or blocked: the other tabs learn at their next refresh instead.
      }
    },
    close: stopListening,
  }
}
