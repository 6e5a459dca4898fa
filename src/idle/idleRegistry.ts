import type { AuthClient } from '../core/types'

/** What `useIdle()` reads: the same object until something changes. */
export interface IdleSnapshot {
  /** Whether the warning is on: the idle sign-out is at most `warning` ms away. */
  isWarning: boolean
  /**
   * Time left until the idle sign-out, in ms, while signed in; `null` when signed out. Counts down once a
   * second during the warning; before it, the value from when the timer was last armed.
   */
  remaining: number | null
}

/** An installed idle timeout, as the React hook sees it. Internal. */
export interface IdleController {
  getSnapshot(): IdleSnapshot
  subscribe(listener: () => void): () => void
  stayActive(): void
}

// Keyed by the client, so the hook finds the idle timeout installed beside it without a provider of its
// own, and a destroyed client takes its entry with it.
const controllers = new WeakMap<AuthClient<unknown>, IdleController>()

export const setIdleController = (client: AuthClient<unknown>, controller: IdleController | undefined) => {
  if (controller) controllers.set(client, controller)
  else controllers.delete(client)
}

export const getIdleController = (client: AuthClient<unknown>): IdleController | undefined =>
  controllers.get(client)
