import { randomId } from './randomId'
import { openStorageSync } from './storageSync'
import { isTabMessage, TAB_PROTOCOL, type TabMessage, type TabSync } from './tabProtocol'

/**
 * Opens the channel between the tabs of one browser: `BroadcastChannel(name)`, else `storage` events (see
 * `openStorageSync`), else none. Every message carries the protocol version `v` ({@link TAB_PROTOCOL}); a
 * message of another version, or this tab's own echo, never reaches `onMessage`.
 */
export function openTabSync<User>(
  name: string,
  onMessage: (message: TabMessage<User>) => void,
  id: string = randomId(),
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

  return openStorageSync(name, receive, id) ?? { kind: 'none', id, post: () => undefined, close: () => {} }
}
