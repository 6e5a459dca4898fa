import { createContext, useContext } from 'react'
import type { StoryHarness } from './makeStoryClient'

export const HarnessContext = createContext<StoryHarness | null>(null)

/** The story's client, test server, clock and network, from the `withStoryClient` decorator. */
export function useHarness(): StoryHarness {
  const harness = useContext(HarnessContext)
  if (harness === null) throw new Error('useHarness() needs the withStoryClient decorator on the story.')
  return harness
}

/** Like `useHarness`, or `null` outside the decorator. */
export const useOptionalHarness = (): StoryHarness | null => useContext(HarnessContext)
