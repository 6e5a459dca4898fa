import { useEffect, useState } from 'react'
import type { StoryClock } from './storyClock'

/** The story clock's time, re-read every `every` ms and after each skip: what a countdown renders. */
export function useNow(clock: StoryClock, every = 250): number {
  const [now, setNow] = useState(clock.now)
  useEffect(() => {
    const tick = () => setNow(clock.now())
    const timer = setInterval(tick, every)
    const unsubscribe = clock.subscribe(tick)
    return () => {
      clearInterval(timer)
      unsubscribe()
    }
  }, [clock, every])
  return now
}
