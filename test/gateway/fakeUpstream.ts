import { AuthError } from 'react-jwt-session/core'
import type { UpstreamAdapter, UpstreamTokens } from 'react-jwt-session/gateway'
import { createTestToken } from 'react-jwt-session/testing'

export interface FakeUpstreamOptions {
  /** Access token lifetime (s). @default 900 */
  accessTtl?: number
  /** Refresh tokens rotate on every refresh. @default true */
  rotate?: boolean
  /** The refresh answer arrives after this many ms. @default 0 */
  delay?: number
  now?: () => number
}

/**
 * A strict upstream for the gateway's tests: each refresh token works once when rotating (reuse is refused and
 * counted, as SimpleJWT's blacklist does), one user `ada` / `secret`.
 */
export function createFakeUpstream(options: FakeUpstreamOptions = {}) {
  const { accessTtl = 900, rotate = true, delay = 0, now = Date.now } = options
  const live = new Set<string>()
  const used = new Set<string>()
  const stats = { logins: 0, refreshes: 0, reuses: 0, logouts: 0, everywhere: 0 }
  let serial = 0
  let failNext: Array<() => never> = []
  const issue = (): UpstreamTokens => {
    const refreshToken = `rt-${++serial}-${Math.random().toString(36).slice(2)}`
    live.add(refreshToken)
    return {
      accessToken: createTestToken(
        { sub: 'u1', name: 'Ada', n: serial },
        { expiresIn: accessTtl, now: now() },
      ),
      refreshToken,
    }
  }
  const adapter: UpstreamAdapter = {
    name: 'fake',
    async login(credentials) {
      stats.logins++
      const planned = failNext.shift()
      if (planned) planned()
      if (credentials.username !== 'ada' || credentials.password !== 'secret') {
        throw new AuthError('invalid_credentials', undefined, { status: 401 })
      }
      return issue()
    },
    async refresh(refreshToken) {
      stats.refreshes++
      if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay))
      const planned = failNext.shift()
      if (planned) planned()
      if (!live.has(refreshToken)) {
        if (used.has(refreshToken)) stats.reuses++
        throw new AuthError('session_expired', undefined, { status: 401 })
      }
      if (!rotate) {
        return {
          accessToken: createTestToken(
            { sub: 'u1', name: 'Ada', n: ++serial },
            { expiresIn: accessTtl, now: now() },
          ),
        }
      }
      live.delete(refreshToken)
      used.add(refreshToken)
      return issue()
    },
    async logout(refreshToken, { everywhere }) {
      stats.logouts++
      if (everywhere) {
        stats.everywhere++
        live.clear()
      } else live.delete(refreshToken)
    },
  }
  return {
    adapter,
    stats,
    live,
    /** The next upstream call fails with `error`. */
    fail(error: unknown) {
      failNext.push(() => {
        throw error
      })
    },
    reset() {
      failNext = []
    },
  }
}
