import { useSyncExternalStore } from 'react'
import { useAuthContext } from '../react/context'
import { getIdleController, type IdleSnapshot } from './idleRegistry'

export interface UseIdleResult extends IdleSnapshot {
  /** Counts as activity in every tab: ends the warning and restarts the timeout. */
  stayActive: () => void
}

const serverSnapshot: IdleSnapshot = { isWarning: false, remaining: null }
const getServerSnapshot = () => serverSnapshot

/**
 * The idle timeout of the `<AuthProvider>`'s client: `isWarning`, `remaining` (ms until the idle sign-out,
 * `null` when signed out) and `stayActive()`. Re-renders when the warning turns on or off, each second of
 * the warning's countdown, and on sign-in and sign-out.
 *
 * @example
 * const { isWarning, remaining, stayActive } = useIdle()
 */
export function useIdle(): UseIdleResult {
  const { client } = useAuthContext('useIdle')
  const controller = getIdleController(client)
  if (controller === undefined) {
    throw new Error(
      "[react-jwt-session] useIdle() found no idle timeout on the <AuthProvider>'s client. Install one once, " +
        "beside createAuthClient: `import { idleTimeout } from 'react-jwt-session/idle'; " +
        'idleTimeout(authClient, { timeout: 15 * 60_000 })`.',
    )
  }
  const snapshot = useSyncExternalStore(controller.subscribe, controller.getSnapshot, getServerSnapshot)
  return { isWarning: snapshot.isWarning, remaining: snapshot.remaining, stayActive: controller.stayActive }
}
