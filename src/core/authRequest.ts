import { AuthError } from './AuthError'
import { isRefusal, toAuthError } from './httpTransport'
import type { SingleFlight } from './singleFlight'
import { withTimeout } from './timers'
import type { AuthEventMap } from './types'

/**
 * Makes `call(kind, task)`: one auth request, aborted after `timeout` ms, its failure as an `AuthError`,
 * and reported as a `request` event when it settles (`dropped` when the flight was dropped meanwhile).
 */
export function createAuthRequest(
  timeout: number,
  now: () => number,
  flight: Pick<SingleFlight<unknown>, 'generation' | 'stale'>,
  report: (event: AuthEventMap['request']) => void,
) {
  return async <T>(kind: AuthEventMap['request']['kind'], task: (signal: AbortSignal) => Promise<T>) => {
    const gen = flight.generation()
    const started = now()
    const settle = (outcome: AuthEventMap['request']['outcome'], error: AuthError | null = null) =>
      report({ kind, outcome: flight.stale(gen) ? 'dropped' : outcome, duration: now() - started, error })
    try {
      const result = await withTimeout(task, timeout, () => new AuthError('timeout'))
      settle('ok')
      return result
    } catch (thrown) {
      const error = toAuthError(thrown, kind)
      settle(isRefusal(error) ? 'refused' : 'failed', error)
      throw error
    }
  }
}
