import { listen } from '../core/listen'
import { safeLocalStorage } from '../core/safeLocalStorage'
import { type Outgoing, TAB_PROTOCOL, type TabSync } from '../core/tabProtocol'
import type { CrossTabFallback } from '../core/types'

/**
 * The cross-tab channel for browsers without BroadcastChannel (Safari before 15.4): `storage` events on the
 * localStorage key `${name}:event`, which only ever holds `{ type, at, v, reason? }` (never a token). Only
 * sign-in and sign-out travel this way; each tab renews on its own. Opt in with
 * `createAuthClient({ crossTab: { fallback: storageEvents } })`; without it such a browser's tabs do not hear
 * each other (`getTabInfo().kind` is `none`). Opens nothing where there is no localStorage (or no window).
 *
 * @example
 * import { storageEvents } from 'react-jwt-session/storage-events'
 * const authClient = createAuthClient({ crossTab: { fallback: storageEvents } })
 */
export const storageEvents: CrossTabFallback = (name, receive, id) => {
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
  const sync: TabSync<unknown> = {
    kind: 'storage',
    id,
    post: (message: Outgoing<unknown>) => {
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
  return sync
}
