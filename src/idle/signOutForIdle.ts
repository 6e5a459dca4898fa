import type { AuthClient } from '../core/types'
import { withLock } from '../core/withLock'

/**
 * Signs the browser out for inactivity with exactly one logout call to the server, however many tabs reach
 * the timeout at once.
 *
 * Every tab whose timer fires asks for the Web Lock `lockName` and waits for it (not `ifAvailable`). The
 * first tab to hold it calls `client.logout({ reason: 'idle' })` and keeps the lock until that call has
 * settled. `logout()` clears the tab's memory and posts the cross-tab logout message (carrying the reason)
 * synchronously, *before* its server call, so by the time the next tab is granted the lock that message has
 * been waiting in its queue for a whole server round trip: the tab is already signed out with reason
 * 'idle', finds nothing left to do, and calls no server. A tab the message cannot reach (its cross-tab sync
 * is off, or it lacks BroadcastChannel and storage) is still signed in when it gets the lock and signs
 * itself out; that second call is the correct outcome there, not a duplicate. With `ifAvailable`, such a
 * tab would have found the lock taken and stayed signed in, and a tab whose timer fired a moment after the
 * holder released it would have made a second call.
 *
 * `stillDue` is asked again once the lock is held: activity in any tab during the wait cancels the sign-out.
 * The wait is bounded by `maxWait` (a frozen tab cannot hold the lock for ever); past it, the tab goes on
 * without the lock. Where Web Locks are missing, a random pause of up to half a second lets the first tab's
 * message arrive before the others decide.
 */
export async function signOutForIdle(
  client: AuthClient<unknown>,
  lockName: string,
  stillDue: () => boolean,
  maxWait = 15_000,
): Promise<void> {
  const locks = typeof navigator === 'undefined' ? undefined : navigator.locks
  if (!locks || typeof locks.request !== 'function') {
    await new Promise((resolve) => setTimeout(resolve, Math.random() * 500))
  }
  await withLock(lockName, maxWait, async () => {
    if (client.getState().status !== 'authenticated' || !stillDue()) return
    await client.logout({ reason: 'idle' })
  })
}
