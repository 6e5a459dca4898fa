import { useEffect } from 'react'
import type { AuthEventListener, AuthEventType, RegisteredUser } from '../core/types'
import { useAuthContext } from './context'
import { useLatest } from './useLatest'

/**
 * Calls `listener` on each auth event of the provider's client: `signin`, `signout`, `refresh`, `error`
 * (and the diagnostics `request`, `message`). The latest `listener` is called, so an inline function is
 * fine; subscribing never re-renders the component.
 *
 * @example
 * useAuthEvent('signout', ({ reason }) => { if (reason === 'idle') toast('Signed out after inactivity') })
 */
export function useAuthEvent<T extends AuthEventType, User = RegisteredUser>(
  type: T,
  listener: AuthEventListener<T, User>,
): void {
  const { client } = useAuthContext('useAuthEvent')
  const latest = useLatest(listener)
  useEffect(
    () => client.on(type, (event) => (latest.current as AuthEventListener<T, unknown>)(event)),
    [client, type, latest],
  )
}
