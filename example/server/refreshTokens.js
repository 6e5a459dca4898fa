// @ts-check
import { createHash, randomBytes, randomUUID } from 'node:crypto'

/** @typedef {'logout' | 'logout_all' | 'reuse' | 'revoke_all'} RevokeReason */

/**
 * One login session: every refresh token rotated from one login belongs to its family.
 * @typedef {object} Family
 * @property {string} id
 * @property {string} userId
 * @property {string} fingerprint the raw fingerprint cookie value, stable for the family's life
 * @property {RevokeReason | null} revoked
 * @property {number} expiresAt when its newest token expires (ms)
 */

/**
 * @typedef {object} TokenRecord
 * @property {string} familyId
 * @property {number} expiresAt ms
 * @property {number | null} usedAt when it was exchanged (ms), null while unused
 */

/**
 * `reused` is true when the answer came from the reuse interval: the token had been exchanged already.
 * @typedef {{ ok: true, token: string, family: Family, reused: boolean }
 *   | { ok: false, error: 'invalid_grant' | 'token_reused' | 'token_revoked', family: Family | null }} RotateResult
 */

const SWEEP_EVERY_MS = 60_000

/** @param {string} token */
const hashToken = (token) => createHash('sha256').update(token).digest('base64url')

/**
 * Opaque, single-use refresh tokens with family tracking (OAuth 2.0 Security BCP, refresh token
 * rotation). Only SHA-256 hashes of the tokens are stored.
 *
 * `reuseIntervalMs` (0: off) is the grace during which an exchanged token may be exchanged again. Two
 * honest clients holding the same cookie race in practice: a server-rendered page renews with the
 * cookie C while a tab's renewal with the same C is in flight, or a tab is closed after the server
 * rotated C but before the browser stored the successor. Within the interval the replay gets a fresh
 * token of the same family (a sibling of the successor, itself single-use) instead of revoking the
 * family. A fresh token rather than the same successor, because only hashes are kept: handing the
 * successor out again would mean storing it in the clear. After the interval a replay is theft again.
 * @param {{ ttlMs: number, now: () => number, reuseIntervalMs?: number }} options
 */
export function createRefreshTokenStore({ ttlMs, now, reuseIntervalMs = 0 }) {
  /** @type {Map<string, TokenRecord>} token hash → record */
  const tokens = new Map()
  /** @type {Map<string, Family>} */
  const families = new Map()
  let lastSweep = now()

  // Used tokens are kept until they expire, so a replay is recognised as reuse instead of "unknown".
  const sweep = () => {
    const at = now()
    if (at - lastSweep < SWEEP_EVERY_MS) return
    lastSweep = at
    for (const [hash, record] of tokens) if (record.expiresAt <= at) tokens.delete(hash)
    for (const [id, family] of families) if (family.expiresAt <= at) families.delete(id)
  }

  /** @param {Family} family */
  const issue = (family) => {
    const token = randomBytes(32).toString('base64url')
    const expiresAt = now() + ttlMs
    tokens.set(hashToken(token), { familyId: family.id, expiresAt, usedAt: null })
    family.expiresAt = expiresAt
    return token
  }

  return {
    /**
     * Starts a family for a fresh login.
     * @param {string} userId
     */
    create(userId) {
      sweep()
      /** @type {Family} */
      const family = {
        id: randomUUID(),
        userId,
        fingerprint: randomBytes(32).toString('base64url'),
        revoked: null,
        expiresAt: 0,
      }
      families.set(family.id, family)
      return { token: issue(family), family }
    },

    /**
     * Exchanges a refresh token for the next one of its family. Synchronous from lookup to
     * marking the token used, so two concurrent requests with one token cannot both succeed.
     * @param {string} token
     * @returns {RotateResult}
     */
    rotate(token) {
      sweep()
      const record = tokens.get(hashToken(token))
      const family = record ? (families.get(record.familyId) ?? null) : null
      if (!record || !family || record.expiresAt <= now())
        return { ok: false, error: 'invalid_grant', family }
      if (family.revoked) return { ok: false, error: 'token_revoked', family }
      if (record.usedAt !== null) {
        // Two honest clients racing with one cookie (see reuseIntervalMs) land here within moments.
        if (now() - record.usedAt < reuseIntervalMs)
          return { ok: true, token: issue(family), family, reused: true }
        // A used token comes back later: either it was stolen or a client kept a stale copy. Both
        // copies are now suspect, so the whole family goes.
        family.revoked = 'reuse'
        return { ok: false, error: 'token_reused', family }
      }
      record.usedAt = now()
      return { ok: true, token: issue(family), family, reused: false }
    },

    /**
     * The family a token belongs to (used, revoked or not), or null if unknown or expired.
     * @param {string} token
     */
    familyOf(token) {
      const record = tokens.get(hashToken(token))
      if (!record || record.expiresAt <= now()) return null
      return families.get(record.familyId) ?? null
    },

    /** @param {string} familyId */
    isActive(familyId) {
      const family = families.get(familyId)
      return Boolean(family && !family.revoked)
    },

    /**
     * @param {Family} family
     * @param {RevokeReason} reason
     */
    revoke(family, reason) {
      if (!family.revoked) family.revoked = reason
    },

    /**
     * Revokes every live family, or every live family of one user. Returns how many.
     * @param {RevokeReason} reason
     * @param {string} [userId]
     */
    revokeAll(reason, userId) {
      let count = 0
      for (const family of families.values()) {
        if (family.revoked || (userId !== undefined && family.userId !== userId)) continue
        family.revoked = reason
        count += 1
      }
      return count
    },
  }
}
