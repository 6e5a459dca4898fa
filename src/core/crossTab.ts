import type { JwtPayload } from './types'

/** A session as one tab hands it to another: already parsed, expiry absolute (tabs share one clock). */
export interface SharedSession<User = unknown> {
  accessToken: string
  expiresAt: number
  lifetime: number
  user: User
  /** `null` for an opaque access token. */
  claims: JwtPayload | null
}

/** Everything tabs say to each other. `from` is the sending client's id, so a tab ignores its own echo. */
export type TabMessage<User = unknown> =
  /**
   * `cause` tells a sign-in (login, `setSession`) from a renewal: a tab that is signed out adopts only the
   * former, so a renewal that raced a logout cannot sign it back in.
   */
  | { type: 'session'; from: string; session: SharedSession<User>; cause: 'signin' | 'refresh' }
  /** `reason` is set when an add-on signed out for its own cause: the receiving tab signs out with it. */
  | { type: 'logout'; from: string; reason?: 'idle' }
  | { type: 'ask'; from: string }
  | { type: 'answer'; from: string; to: string; session: SharedSession<User> }
  /** Storage-event fallback only: someone signed in; the receiving tab renews on its own. */
  | { type: 'signin'; from: string }

export type Outgoing<User> =
  TabMessage<User> extends infer M ? (M extends { from: string } ? Omit<M, 'from'> : never) : never

export interface TabSync<User> {
  /** How messages travel: `broadcast` carries sessions; `storage` carries only sign-in and sign-out. */
  readonly kind: 'broadcast' | 'storage' | 'none'
  readonly id: string
  /** Sends `message`; returns the type that travelled (the storage fallback sends less, `none` nothing). */
  post(message: Outgoing<User>): TabMessage['type'] | undefined
  close(): void
}

export const randomId = () =>
  typeof crypto !== 'undefined' && 'randomUUID' in crypto
    ? crypto.randomUUID()
    : `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`

/**
 * The version of what tabs say to each other, carried as `v` on every message. Tabs of two releases stay open
 * side by side after a deploy, so a release that changes the shape of any message raises it; a tab ignores
 * messages of a version it does not know, except sign-out, which every version honours (a user who signs out
 * in a tab of the new release must not stay signed in in a tab of the old one).
 */
export const TAB_PROTOCOL = 1

const isMessage = (value: unknown): value is TabMessage => {
  if (value === null || typeof value !== 'object') return false
  const { type, from, v } = value as { type?: unknown; from?: unknown; v?: unknown }
  return typeof from === 'string' && (type === 'logout' || (typeof type === 'string' && v === TAB_PROTOCOL))
}

/**
 * Opens the channel between the tabs of one browser: `BroadcastChannel(name)`, else `storage` events on
 * one localStorage key that only ever holds `{ type, at, v, reason? }` (never a token). Every message carries
 * the protocol version `v` ({@link TAB_PROTOCOL}).
 */
export function openTabSync<User>(
  name: string,
  onMessage: (message: TabMessage<User>) => void,
  id: string = randomId(),
): TabSync<User> {
  const receive = (data: unknown) => {
    if (isMessage(data) && data.from !== id) onMessage(data as TabMessage<User>)
  }

  if (typeof BroadcastChannel === 'function') {
    const channel = new BroadcastChannel(name)
    channel.onmessage = (event: MessageEvent) => receive(event.data)
    return {
      kind: 'broadcast',
      id,
      post: (message) => {
        channel.postMessage({ ...message, from: id, v: TAB_PROTOCOL })
        return message.type
      },
      close: () => channel.close(),
    }
  }

  const storage = safeLocalStorage()
  if (storage && typeof window !== 'undefined') {
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
    window.addEventListener('storage', onStorage)
    return {
      kind: 'storage',
      id,
      post: (message) => {
        // Only sign-in and sign-out travel this way (SPEC §3): a renewal stays in its tab.
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
      close: () => window.removeEventListener('storage', onStorage),
    }
  }

  return { kind: 'none', id, post: () => undefined, close: () => {} }
}

/** localStorage, or `undefined` where it is missing or throws on access (some privacy modes). */
export function safeLocalStorage(): Storage | undefined {
  try {
    return typeof localStorage === 'undefined' ? undefined : localStorage
  } catch {
    return undefined
  }
}

/**
 * Runs `task` holding the cross-tab refresh lock (Web Locks), so only one tab renews at a time. The wait
 * is bounded: a frozen or crashed tab cannot hold the others' refresh forever; past `maxWait` the task
 * runs without the lock. Where Web Locks are missing, the task runs at once (each tab stays correct on its
 * own; see the README's multi-tab note).
 */
export async function withRefreshLock<T>(name: string, maxWait: number, task: () => Promise<T>): Promise<T> {
  const locks = typeof navigator === 'undefined' ? undefined : navigator.locks
  if (!locks || typeof locks.request !== 'function') return task()
  const controller = new AbortController()
  const timer = setTimeout(() => controller.abort(), maxWait)
  let entered = false
  try {
    // The lock name never changes between releases (a test pins it): tabs of an old and a new release, open
    // side by side after a deploy, serialize their refreshes only if they ask for the same lock.
    return await locks.request(`${name}:refresh`, { signal: controller.signal }, () => {
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
