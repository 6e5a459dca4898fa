import { useEffect, useRef, useState } from 'react'
import type { AuthClient, AuthEventType } from '../core/types'
import { describeEvent, type LogEntry } from './describeEvent'

export const LOG_SIZE = 100
const TYPES: AuthEventType[] = ['signin', 'signout', 'refresh', 'error', 'request', 'message']

/** The last `LOG_SIZE` events of `client` since the component mounted, oldest first. */
export function useEventLog(client: AuthClient<unknown>, now: () => number): LogEntry[] {
  const [entries, setEntries] = useState<LogEntry[]>([])
  // Kept across re-subscriptions (StrictMode, a new client), so every entry has its own key.
  const seq = useRef(0)
  useEffect(() => {
    const unsubscribes = TYPES.map((type) =>
      client.on(type, (event) => {
        const entry: LogEntry = { seq: seq.current++, at: now(), type, text: describeEvent(type, event) }
        setEntries((previous) => [...previous.slice(-(LOG_SIZE - 1)), entry])
      }),
    )
    return () => {
      for (const unsubscribe of unsubscribes) unsubscribe()
    }
  }, [client, now])
  return entries
}
