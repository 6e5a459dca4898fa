import { listen } from './listen'
import { type Cancel, noop } from './timers'

/**
 * Calls `onWake` when the page may have slept or been throttled, so a due renewal may have been missed: the
 * tab becomes visible, gets focus, is shown again from the back-forward cache, or comes back online (`online`
 * is then true).
 * Returns the cleanup. Nothing is listened to where there is no `window` (server rendering, workers).
 */
export function listenForWakeUp(onWake: (online: boolean) => void): Cancel {
  if (typeof window === 'undefined') return noop
  const wake = () => onWake(false)
  const stops = [
    listen(window, 'focus', wake),
    listen(window, 'pageshow', wake),
    listen(window, 'online', () => onWake(true)),
    listen(document, 'visibilitychange', () => !document.hidden && wake()),
  ]
  return () => {
    for (const stop of stops) stop()
  }
}
