import { DEFAULT_CHANNEL_NAME } from '../core/channelName'
import { scheduleAt } from '../core/timers'
import type { AuthClient, AuthState } from '../core/types'
import { type IdleController, type IdleSnapshot, setIdleController } from './idleRegistry'
import { openIdleChannel } from './openIdleChannel'
import { signOutForIdle } from './signOutForIdle'
import { watchActivity } from './watchActivity'

export interface IdleTimeoutOptions {
  /** Inactivity, in ms, after which every tab signs out with `reason: 'idle'`. Activity in any tab counts. */
  timeout: number
  /**
   * How long before the sign-out the warning turns on (`useIdle().isWarning`), in ms.
   * @default min(60_000, 20 % of `timeout`)
   */
  warning?: number
  /**
   * Prefix of the idle timeout's own BroadcastChannel (`${name}:idle`) and Web Lock, so that the tabs of one
   * app (and only those) share their activity. Read from the client (`client.getTabInfo().name`, its
   * `crossTab.name`): set it only to override that.
   * @default the client's `crossTab.name`, else 'react-jwt-session'
   */
  name?: string
  /** The clock, in epoch ms, for tests. @default Date.now */
  now?: () => number
}

/**
 * Marks the idle warning's dialog box: activity inside it (keys, clicks, the pointer on its buttons) answers
 * the dialog and does not count; activity anywhere else, the backdrop around it included, ends the warning.
 */
export const WARNING_ATTRIBUTE = 'data-rjs-idle-warning'

/** How often, at most, a tab tells the others that its user is active. */
export const BROADCAST_EVERY = 3_000

const SIGNED_OUT: IdleSnapshot = { isWarning: false, remaining: null }

/**
 * Signs the user out after `timeout` ms without activity in any tab of the browser, with a warning
 * `warning` ms before. Opt-in: install it once, beside `createAuthClient`; returns `stop()`.
 *
 * Nothing runs while signed out. While signed in, a tab keeps one timer (no polling): it fires when the
 * warning is due, re-reads the last activity and re-arms if the user was active meanwhile; during the
 * warning it fires once a second for the countdown. Activity is recorded on the spot and told to the other
 * tabs at most every few seconds (the last one always goes out). At the timeout every tab signs out with
 * `reason: 'idle'` and one logout call reaches the server (see `signOutForIdle`).
 *
 * @example
 * const authClient = createAuthClient()
 * idleTimeout(authClient, { timeout: 15 * 60_000, warning: 60_000 })
 */
export function idleTimeout<User>(client: AuthClient<User>, options: IdleTimeoutOptions): () => void {
  const { timeout, now = Date.now } = options
  const name = options.name ?? client.getTabInfo().name ?? DEFAULT_CHANNEL_NAME
  if (!(timeout > 0 && Number.isFinite(timeout))) {
    throw new TypeError(
      `[react-jwt-session] idleTimeout: \`timeout\` must be a positive number of ms (got ${String(timeout)}), e.g. 15 * 60_000.`,
    )
  }
  const warning = Math.min(Math.max(options.warning ?? Math.min(60_000, timeout * 0.2), 0), timeout)
  const auth = client as AuthClient<unknown>

  let snapshot = SIGNED_OUT
  const listeners = new Set<() => void>()
  const publish = (next: IdleSnapshot) => {
    if (next.isWarning === snapshot.isWarning && next.remaining === snapshot.remaining) return
    snapshot = next
    for (const listener of listeners) listener()
  }

  let session: SignedInWatch | null = null
  const onState = (state: AuthState<unknown>) => {
    const signedIn = state.status === 'authenticated'
    if (signedIn && session === null && typeof window !== 'undefined') {
      session = watchSignedIn({ client: auth, timeout, warning, name, now, publish })
    } else if (!signedIn && session !== null) {
      session.stop()
      session = null
      publish(SIGNED_OUT)
    }
  }
  const unsubscribe = auth.subscribe(onState)
  onState(auth.getState())

  const controller: IdleController = {
    getSnapshot: () => snapshot,
    subscribe(listener) {
      listeners.add(listener)
      return () => {
        listeners.delete(listener)
      }
    },
    stayActive: () => session?.activity(true),
  }
  setIdleController(auth, controller)

  let stopped = false
  return () => {
    if (stopped) return
    stopped = true
    unsubscribe()
    session?.stop()
    session = null
    publish(SIGNED_OUT)
    // A component still reading `useIdle()` keeps the signed-out snapshot instead of throwing.
    controller.stayActive = () => {}
  }
}

interface SignedInWatch {
  /** Records activity in this tab; `urgent` tells the other tabs at once (the user answered the warning). */
  activity(urgent: boolean): void
  stop(): void
}

interface WatchOptions {
  client: AuthClient<unknown>
  timeout: number
  warning: number
  name: string
  now: () => number
  publish: (snapshot: IdleSnapshot) => void
}

/** The idle timer of one signed-in stretch: set up on sign-in, torn down on sign-out. */
function watchSignedIn({ client, timeout, warning, name, now, publish }: WatchOptions): SignedInWatch {
  // Signing in (or this tab opening onto a session) is activity: the clock starts now.
  let lastActivity = now()
  let lastSent = Number.NEGATIVE_INFINITY
  let cancelTimer = () => {}
  let cancelTrailing: (() => void) | null = null
  let expiring = false
  let warningOn = false
  let stopped = false

  const deadline = () => lastActivity + timeout

  const send = () => {
    cancelTrailing?.()
    cancelTrailing = null
    lastSent = now()
    channel.post(lastActivity)
  }

  // At most one message per BROADCAST_EVERY, and never a lost last one: activity inside the window is sent
  // when it closes, so another tab's view of the last activity is never more than a few seconds old.
  const tellOthers = (urgent: boolean) => {
    if (urgent || now() - lastSent >= BROADCAST_EVERY) send()
    else cancelTrailing ??= scheduleAt(lastSent + BROADCAST_EVERY, now, send)
  }

  const evaluate = () => {
    cancelTimer()
    if (stopped || expiring) return
    const t = now()
    const left = deadline() - t
    if (left <= 0) {
      expire()
      return
    }
    warningOn = left <= warning
    publish({ isWarning: warningOn, remaining: left })
    // During the warning: wake at each whole second of the countdown (and at the deadline). Before it: once,
    // when the warning is due; activity meanwhile only moves `lastActivity`, read when the timer fires.
    const wakeIn = warningOn ? left % 1000 || 1000 : left - warning
    cancelTimer = scheduleAt(t + wakeIn, now, evaluate)
  }

  const expire = () => {
    expiring = true
    cancelTimer()
    publish({ isWarning: true, remaining: 0 })
    // "Still due?" is asked once the lock is held, maybe much later: by then this signed-in stretch may have
    // ended (and a new session begun, with its own timer), and it must not sign that one out.
    void signOutForIdle(client, `${name}:idle`, () => !stopped && now() >= deadline())
      .catch(() => {})
      .finally(() => {
        // Still signed in: activity in some tab arrived while this one waited for the lock.
        expiring = false
        evaluate()
      })
  }

  const activity = (urgent: boolean) => {
    if (stopped || expiring) return
    // A timer held back by a sleeping laptop or a throttled background tab may not have fired yet: activity
    // after the deadline does not bring the session back.
    if (now() >= deadline()) {
      expire()
      return
    }
    lastActivity = now()
    if (warningOn) evaluate()
    tellOthers(urgent)
  }

  const channel = openIdleChannel(`${name}:idle`, (at) => {
    if (stopped || at <= lastActivity) return
    lastActivity = at
    if (warningOn) evaluate()
  })
  const stopWatching = watchActivity((event) => {
    // Keys, clicks and pointer moves inside the warning's dialog box are the user answering it (moving to "Sign
    // out now"), not activity: the dialog would close under their fingers. Anywhere else, the backdrop
    // included, activity ends the warning.
    if (warningOn && event.target instanceof Element && event.target.closest(`[${WARNING_ATTRIBUTE}]`)) return
    activity(false)
  })
  tellOthers(false)
  evaluate()

  return {
    activity,
    stop() {
      stopped = true
      cancelTimer()
      cancelTrailing?.()
      stopWatching()
      channel.close()
    },
  }
}
