import { DEFAULT_CHANNEL_NAME } from './channelName'
import { createSession } from './createSession'
import { createHttpTransport, defaultEndpoints } from './httpTransport'
import { parseTokenResponse } from './parseTokenResponse'
import { safeLocalStorage } from './safeLocalStorage'
import type { AuthClientOptions, TokenResponse } from './types'
import { warnOnce } from './warnOnce'

/** The client's options with their defaults, resolved once when the client is created. */
export function resolveOptions<User>(options: AuthClientOptions<User>) {
  const now = options.now ?? Date.now
  const parse = options.parseTokenResponse ?? parseTokenResponse
  const getFetch = (): typeof fetch => options.fetch ?? globalThis.fetch
  const { refreshMargin, crossTab, sessionHint } = options
  const { name = DEFAULT_CHANNEL_NAME, fallback } = typeof crossTab === 'object' ? crossTab : {}
  const hintKey = `${name}:has-session`
  return {
    now,
    getFetch,
    /** The channel and lock name and how tabs talk where BroadcastChannel is missing; `null`: no cross-tab. */
    channel: crossTab === false ? null : { name, fallback },
    requestTimeout: options.requestTimeout ?? 10_000,
    apiOrigins: options.apiOrigins ?? [],
    transport:
      options.transport ??
      createHttpTransport({
        endpoints: { ...defaultEndpoints, ...options.endpoints },
        getFetch,
        headers: options.headers,
      }),
    makeSession: (body: TokenResponse) => createSession<User>(body, now(), parse, options.getUser),
    /** How long before expiry a token of `lifetime` ms is renewed. */
    margin(lifetime: number): number {
      const wanted = refreshMargin ?? Math.min(60_000, lifetime * 0.2)
      // A margin as long as the token would refresh in a loop; never renew more often than every half lifetime.
      if (wanted > lifetime / 2) {
        if (refreshMargin !== undefined && process.env.NODE_ENV !== 'production') {
          warnOnce(
            `refreshMargin (${refreshMargin} ms) is more than half the token lifetime (${lifetime} ms); using half the lifetime.`,
          )
        }
        return lifetime / 2
      }
      return Math.max(0, wanted)
    },
    /**
     * The `sessionHint` flag: `false` when it says this browser has no session (skip the initial refresh).
     * Only ever a boolean under `<name>:has-session`, never a token.
     */
    hasSession(): boolean {
      return !sessionHint || safeLocalStorage()?.getItem(hintKey) === '1'
    },
    writeHint(hasSession: boolean) {
      if (!sessionHint) return
      try {
        if (hasSession) safeLocalStorage()?.setItem(hintKey, '1')
        else safeLocalStorage()?.removeItem(hintKey)
      } catch {
        // Storage blocked: the next visit just makes the refresh call.
      }
    },
  }
}

export type ResolvedOptions<User> = ReturnType<typeof resolveOptions<User>>
