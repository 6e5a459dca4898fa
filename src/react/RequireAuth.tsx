import type { ReactNode } from 'react'
import { restoreFailed } from '../core/authState'
import { sessionOf } from '../core/createSession'
import type { AuthState, RegisteredUser, Session } from '../core/types'
import { useAuthSelector } from './context'

export interface RequireAuthProps<User = RegisteredUser> {
  /**
   * Shown when signed in and `allow` holds.
   * @default null
   */
  children?: ReactNode
  /**
   * Shown when signed out, e.g. a router's `<Navigate to="/login" />`.
   * @default null
   */
  fallback?: ReactNode
  /**
   * Decides whether the signed-in user may see the children, e.g. `({ user }) => user.role === 'admin'`.
   * @default every signed-in user is allowed
   */
  allow?: (session: Session<User>) => boolean
  /**
   * Shown when signed in but `allow` says no.
   * @default null
   */
  forbidden?: ReactNode
  /**
   * Shown while the session is being restored.
   * @default null
   */
  loading?: ReactNode
  /**
   * Shown while the session could not be checked because the auth server was unreachable at start (`reason:
   * 'network'`): an outage is not a sign-out, so `fallback` (a redirect to the sign-in page) is not shown
   * then. Retries go on in the background; a later success renders the children.
   * @default the `loading` element
   */
  unavailable?: ReactNode
}

type View = 'loading' | 'unavailable' | 'fallback' | 'forbidden' | 'children'

function viewOf<User>(state: AuthState<User>, props: RequireAuthProps<User>): View {
  if (state.status === 'loading') return 'loading'
  if (restoreFailed(state)) return props.unavailable === undefined ? 'loading' : 'unavailable'
  const session = sessionOf(state)
  if (session === null) return 'fallback'
  return !props.allow || props.allow(session) ? 'children' : 'forbidden'
}

/**
 * Renders its children only for a signed-in user that `allow` accepts; `fallback` when signed out,
 * `forbidden` when `allow` says no, `loading` while the session is being restored, `unavailable` (default
 * `loading`) while it could not be checked because the server was unreachable. No router needed.
 *
 * @example
 * <RequireAuth fallback={<Navigate to="/login" />} allow={({ user }) => user.admin} forbidden={<p>Admins only</p>}>
 *   <AdminPage />
 * </RequireAuth>
 */
export function RequireAuth<User = RegisteredUser>(props: RequireAuthProps<User>): ReactNode {
  // The decision, not the state, is selected: a token renewal re-renders nothing unless it changes.
  const view = useAuthSelector('<RequireAuth>', (state) => viewOf(state as AuthState<User>, props))
  // Each view is named after the prop it renders; one left out renders nothing.
  return props[view] ?? null
}
