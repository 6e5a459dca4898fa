import type { AuthState } from '../core/types'
import { formatDuration } from '../react/formatDuration'

/** The token's expiry and the next renewal as the client schedules them, in words, at `now`. */
export interface SessionTimes {
  expiry: string
  nextRenewal: string
}

/**
 * Reads `expiresAt` and `refreshAt` from the state as the client owns them; nothing here re-derives the
 * margin, so what is shown is what the client will do.
 */
export function describeTimes(state: AuthState<unknown>, now: number): SessionTimes {
  const { status, expiresAt, refreshAt, refreshing, error } = state
  let expiry = '—'
  if (status === 'authenticated' && expiresAt !== null) {
    const left = expiresAt - now
    expiry = left > 0 ? `in ${formatDuration(left)}` : `expired ${formatDuration(-left)} ago`
  }
  let nextRenewal = '—'
  if (refreshing) nextRenewal = status === 'authenticated' ? 'renewing now…' : 'restoring now…'
  else if (refreshAt !== null) {
    const left = refreshAt - now
    nextRenewal = `${left > 0 ? `in ${formatDuration(left)}` : 'due now'}${error ? ' (retry after a failure)' : ''}`
  }
  return { expiry, nextRenewal }
}
