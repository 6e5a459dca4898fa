import { useEffect, useState } from 'react'

/** Re-renders once a second, on the second of `now()`, while `active` (one timeout at a time, no interval). */
export function useTicker(now: () => number, active: boolean): number {
  const [time, setTime] = useState(now)
  useEffect(() => {
    if (!active) return
    let timer: ReturnType<typeof setTimeout>
    const tick = () => {
      const t = now()
      setTime(t)
      timer = setTimeout(tick, 1000 - (t % 1000) || 1000)
    }
    tick()
    return () => clearTimeout(timer)
  }, [now, active])
  return time
}
