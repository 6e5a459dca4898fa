import { safeLocalStorage } from '../core/safeLocalStorage'

/** The idle timeout's own line between the tabs: it carries only "the user was active at `at`". */
export interface IdleChannel {
  post(at: number): void
  close(): void
}

interface ActivityMessage {
  type: 'activity'
  at: number
  v: 1
}

const isActivity = (value: unknown): value is ActivityMessage =>
  value !== null &&
  typeof value === 'object' &&
  (value as { type?: unknown }).type === 'activity' &&
  typeof (value as { at?: unknown }).at === 'number'

/**
 * Opens `BroadcastChannel(name)`, else `storage` events on the localStorage key `name` (holding only
 * `{ type, at, v }`), else nothing: each tab then times out on its own activity. Separate from the client's
 * channel, so a tab of an older release that knows nothing of idle timeouts never sees these messages.
 */
export function openIdleChannel(name: string, onActivity: (at: number) => void): IdleChannel {
  const message = (at: number): ActivityMessage => ({ type: 'activity', at, v: 1 })

  if (typeof BroadcastChannel === 'function') {
    const channel = new BroadcastChannel(name)
    channel.onmessage = (event: MessageEvent) => {
      if (isActivity(event.data)) onActivity(event.data.at)
    }
    return { post: (at) => channel.postMessage(message(at)), close: () => channel.close() }
  }

  const storage = safeLocalStorage()
  if (storage) {
    const onStorage = (event: StorageEvent) => {
      if (event.key !== name || !event.newValue) return
      try {
        const data: unknown = JSON.parse(event.newValue)
        if (isActivity(data)) onActivity(data.at)
      } catch {
        // Someone else's value under our key: not a message.
      }
    }
    window.addEventListener('storage', onStorage)
    return {
      post: (at) => {
        try {
          storage.setItem(name, JSON.stringify(message(at)))
        } catch {
          // Storage full or blocked: the other tabs go by their own activity.
        }
      },
      close: () => window.removeEventListener('storage', onStorage),
    }
  }

  return { post: () => {}, close: () => {} }
}
