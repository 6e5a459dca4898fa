/** What counts as the user being there. `pointermove` covers the mouse; `scroll` is caught on the way down. */
const ACTIVITY_EVENTS = ['pointerdown', 'pointermove', 'keydown', 'wheel', 'touchstart', 'scroll'] as const

/**
 * Calls `onActivity` on every sign of the user in this tab: pointer, key, wheel, touch, scroll, and the tab
 * becoming visible. The listeners are passive and do nothing but call back; the caller keeps them cheap.
 * Returns the function that removes them.
 */
export function watchActivity(onActivity: (event: Event) => void): () => void {
  const options = { capture: true, passive: true }
  const onVisible = (event: Event) => {
    if (document.visibilityState === 'visible') onActivity(event)
  }
  for (const type of ACTIVITY_EVENTS) window.addEventListener(type, onActivity, options)
  document.addEventListener('visibilitychange', onVisible)
  return () => {
    for (const type of ACTIVITY_EVENTS) window.removeEventListener(type, onActivity, options)
    document.removeEventListener('visibilitychange', onVisible)
  }
}
