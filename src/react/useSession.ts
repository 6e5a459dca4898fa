import { useEffect, useRef } from 'react'
import type { AuthState, RegisteredUser, SignOutReason } from '../core/types'
import { useAuthSelector } from './context'
import { useLatest } from './useLatest'

export type UseSessionResult<User = RegisteredUser> = Pick<
  AuthState<User>,
  'status' | 'user' | 'claims' | 'expiresAt' | 'accessToken' | 'reason' | 'error'
>

export interface UseSessionOptions {
  /**
   * The component needs a session: once signed out (no session on load, logout, expiry, another tab),
   * `onUnauthenticated` is called.
   * @default false
   */
  required?: boolean
  /**
   * With `required`, called once each time the user is signed out (e.g. to navigate to the sign-in page),
   * with the reason.
   * @default undefined
   */
  onUnauthenticated?: (reason: SignOutReason | null) => void
}

// Everything but `refreshing` and `refreshAt`, which change on their own (a renewal starting, a timer armed).
const pick = ({ refreshing, refreshAt, ...session }: AuthState<unknown>): UseSessionResult => session

/**
 * The session: user, claims, the access token and its expiry. It re-renders on every token renewal; read
 * `useAuth(selector)` where only the user matters.
 *
 * @example
 * const { user } = useSession<MyUser>({ required: true, onUnauthenticated: () => navigate('/login') })
 */
export function useSession<User = RegisteredUser>(options: UseSessionOptions = {}): UseSessionResult<User> {
  const session = useAuthSelector('useSession', pick) as UseSessionResult<User>
  const { required, onUnauthenticated } = options
  const latest = useLatest(onUnauthenticated)
  const called = useRef(false)

  const { status, reason } = session
  useEffect(() => {
    if (status !== 'unauthenticated') {
      called.current = false
      return
    }
    // The ref survives StrictMode's effect re-run, so one sign-out means one call.
    if (!required || called.current) return
    called.current = true
    latest.current?.(reason)
  }, [required, status, reason, latest])

  return session
}
