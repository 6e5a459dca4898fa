import type { Cancel } from './timers'

/** Adds `listener` to `target` for `type`; returns its removal. */
export function listen<E extends Event>(
  target: EventTarget,
  type: string,
  listener: (event: E) => void,
): Cancel {
  target.addEventListener(type, listener as EventListener)
  return () => target.removeEventListener(type, listener as EventListener)
}
