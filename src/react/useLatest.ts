import { type RefObject, useEffect, useRef } from 'react'

/**
 * A ref that holds the latest `value`, updated after every render: an effect subscribed once calls through it
 * and so always reaches the caller's current callback without re-subscribing. Internal.
 */
export function useLatest<T>(value: T): RefObject<T> {
  const latest = useRef(value)
  useEffect(() => {
    latest.current = value
  })
  return latest
}
