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
   * former, so a renewal that raced a logout cannot sign it back in. `since` (a sign-in: when its call began;
   * tabs share one clock) lets a tab that signed out after that moment drop it: a login that crossed a logout
   * in another tab must not sign that tab back in.
   */
  | {
      type: 'session'
      from: string
      session: SharedSession<User>
      cause: 'signin' | 'refresh'
      since?: number | undefined
    }
  /**
   * `reason` is set when an add-on signed out for its own cause (`idle`: the receiving tab signs out with it),
   * or when the server refused a renewal (`expired`, `revoked`: a login in flight in the receiving tab goes on).
   */
  | { type: 'logout'; from: string; reason?: 'idle' | 'expired' | 'revoked' }
  | { type: 'ask'; from: string }
  | { type: 'answer'; from: string; to: string; session: SharedSession<User> }
  /**
   * Someone signed in and no session travelled with it (the opt-in storage-event channel carries no session):
   * the receiving tab renews on its own.
   */
  | { type: 'signin'; from: string }

export type Outgoing<User> =
  TabMessage<User> extends infer M ? (M extends { from: string } ? Omit<M, 'from'> : never) : never

export interface TabSync<User> {
  /** How messages travel: `broadcast` carries sessions; `storage` (opt-in) carries only sign-in and sign-out. */
  readonly kind: 'broadcast' | 'storage' | 'none'
  readonly id: string
  /** Sends `message`; returns the type that travelled (the storage fallback sends less, `none` nothing). */
  post(message: Outgoing<User>): TabMessage['type'] | undefined
  close(): void
}

/**
 * The version of what tabs say to each other, carried as `v` on every message. Tabs of two releases stay open
 * side by side after a deploy, so a release that changes the shape of any message raises it; a tab ignores
 * messages of a version it does not know, except sign-out, which every version honours (a user who signs out
 * in a tab of the new release must not stay signed in in a tab of the old one).
 */
export const TAB_PROTOCOL = 1

/** Whether `value` is a message this release understands: sign-out of any version, else of this one. */
export const isTabMessage = (value: unknown): value is TabMessage => {
  if (value === null || typeof value !== 'object') return false
  const { type, from, v } = value as { type?: unknown; from?: unknown; v?: unknown }
  return typeof from === 'string' && (type === 'logout' || (typeof type === 'string' && v === TAB_PROTOCOL))
}
