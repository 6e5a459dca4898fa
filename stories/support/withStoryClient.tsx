import type { Decorator } from '@storybook/react-vite'
import { type ReactNode, useState } from 'react'
import { HarnessContext } from './harnessContext'
import { makeStoryClient, pickStoryArgs, type StoryArgs } from './makeStoryClient'

function HarnessProvider({ args, children }: { args: StoryArgs; children: ReactNode }) {
  // Made once per mount; the decorator's `key` makes a fresh world whenever a control changes.
  const [harness] = useState(() => makeStoryClient(args))
  return <HarnessContext.Provider value={harness}>{children}</HarnessContext.Provider>
}

/** Gives the story a client on a fresh strict test server, clock and network, made from its args. */
export const withStoryClient: Decorator = (Story, { args }) => {
  const storyArgs = pickStoryArgs(args)
  return (
    <HarnessProvider key={JSON.stringify(storyArgs)} args={storyArgs}>
      <Story />
    </HarnessProvider>
  )
}
