import { randomId } from './randomId'
import { isTabMessage, TAB_PROTOCOL, type TabMessage, type TabSync } from './tabProtocol'
import type { CrossTabFallback } from './types'
import { warnOnce } from './warnOnce'

/**
 * Opens the channel between the tabs of one browser: `BroadcastChannel(name)`, else the app's `fallback`
 * (`storageEvents`), else none. Every message carries the protocol version `v` ({@link TAB_PROTOCOL}); a
 * message of another version, or this tab's own echo, never reaches `onMessage`.
 */
export function openTabSync<User>(
  name: string,
  onMessage: (message: TabMessage<User>) => void,
  id: string = randomId(),
  fallback?: CrossTabFallback,
): TabSync<User> {
  const receive = (data: unknown) => {
    if (isTabMessage(data) && data.from !== id) onMessage(data as TabMessage<User>)
  }

  if (typeof BroadcastChannel === 'function') {
    const channel = new BroadcastChannel(name)
    channel.onmessage = (event: MessageEvent) => receive(event.data)
    return {
      kind: 'broadcast',
      id,
      post: (message) => {
        try {
          channel.postMessage({ ...message, from: id, v: TAB_PROTOCOL })
          return message.type
        } catch {
          // The structured-clone algorithm cannot copy this session (a `user` with methods, or nested thousands
          // of levels deep): it stays in this tab, and the other tabs renew on their own.
          return undefined
        }
      },
      close: () => channel.close(),
    }
  }

  if (!fallback && process.env.NODE_ENV !== 'production') {
    warnOnce(
      'This browser has no BroadcastChannel, so its tabs will not hear each other sign in or out. To support it, ' +
        "import { storageEvents } from 'react-jwt-session/storage-events' and pass crossTab: { fallback: storageEvents }.",
    )
  }
  return (
    (fallback?.(name, receive, id) as TabSync<User> | undefined) ?? {
      kind: 'none',
      id,
      post: () => undefined,
      close: () => {},
    }
  )
}
