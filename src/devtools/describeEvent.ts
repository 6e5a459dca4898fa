import type { AuthEventMap, AuthEventType } from '../core/types'
import { redact } from './redact'

/** One line of the devtools' event log. */
export interface LogEntry {
  seq: number
  /** Epoch ms, on the devtools' clock. */
  at: number
  type: AuthEventType
  text: string
}

const userOf = (user: unknown, sub: unknown): string => {
  if (user !== null && typeof user === 'object') {
    const { name, username, email } = user as Record<string, unknown>
    const label = [name, username, email].find((value) => typeof value === 'string')
    if (typeof label === 'string') return label
  }
  return typeof sub === 'string' ? sub : 'a user'
}

const errorOf = (error: { code: string; status?: number | undefined } | null) =>
  error === null ? '' : ` (${error.code}${error.status === undefined ? '' : ` ${error.status}`})`

/** An event in a few words. Never the token: a session shows as its user and expiry only. */
export function describeEvent<T extends AuthEventType>(type: T, event: AuthEventMap[T]): string {
  const text = (() => {
    switch (type) {
      case 'signin': {
        const { session, source } = event as AuthEventMap['signin']
        return `${userOf(session.user, session.claims.sub)} signed in (${source})`
      }
      case 'signout': {
        const { reason, error } = event as AuthEventMap['signout']
        return `signed out: ${reason}${errorOf(error)}`
      }
      case 'refresh': {
        const { session, source } = event as AuthEventMap['refresh']
        return `token renewed (${source}), expires ${new Date(session.expiresAt).toLocaleTimeString([], { hour12: false })}`
      }
      case 'error': {
        const { error } = event as AuthEventMap['error']
        return `${error.code}${error.status === undefined ? '' : ` ${error.status}`}: ${error.message}`
      }
      case 'request': {
        const { kind, outcome, duration, error } = event as AuthEventMap['request']
        return `${kind} ${outcome} in ${Math.round(duration)} ms${errorOf(error)}`
      }
      case 'message': {
        const { direction, type: message, peer } = event as AuthEventMap['message']
        return `${direction === 'in' ? '←' : '→'} ${message}${peer === null ? '' : ` ${direction === 'in' ? 'from' : 'to'} tab ${peer.slice(0, 8)}`}`
      }
      default:
        return type
    }
  })()
  return redact(text)
}
