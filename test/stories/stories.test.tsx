/// <reference types="vite/client" />
// Every story of every file, rendered in jsdom through `composeStories`, with its play function: a quick
// check that the stories still build against the package's API and still show the states they name. The
// same stories run in real Chromium in the storybook suite (`node scripts/test.mjs storybook`).
import { composeStories, composeStory, type StoryObj, setProjectAnnotations } from '@storybook/react-vite'
import { configure } from 'storybook/test'
import { afterEach, beforeAll, beforeEach, describe, expect, it, type MockInstance, vi } from 'vitest'
import preview from '../../.storybook/preview'

type StoryModule = Parameters<typeof composeStories>[0]
type ComposedStory = ReturnType<typeof composeStory>

const annotations = setProjectAnnotations([preview])
// The plays wait on real timers (latency, backoff); on a busy two-core machine 1 s is too tight for findBy.
configure({ asyncUtilTimeout: 5_000 })
beforeAll(annotations.beforeAll)

const modules = import.meta.glob<StoryModule>('../../stories/**/*.stories.tsx', { eager: true })

/** Stories whose play needs what jsdom lacks; they are rendered but not played here. */
const browserOnly = (tags: string[]) => tags.includes('real-browser')

const logged: string[] = []
const spies: MockInstance[] = []
beforeEach(() => {
  logged.length = 0
  for (const level of ['error', 'warn'] as const) {
    spies.push(
      vi.spyOn(console, level).mockImplementation((...args: unknown[]) => {
        logged.push(`console.${level}: ${args.map(String).join(' ')}`)
      }),
    )
  }
})
afterEach(() => {
  for (const spy of spies.splice(0)) spy.mockRestore()
  expect(logged, 'console warnings or errors while the story ran').toEqual([])
})

it('finds the story files', () => {
  expect(Object.keys(modules).length).toBeGreaterThanOrEqual(6)
})

for (const [path, module] of Object.entries(modules)) {
  const file = path.replace('../../stories/', '')
  describe(file, () => {
    const stories = Object.entries(composeStories(module)) as [string, ComposedStory][]
    it('has stories', () => {
      expect(stories.length).toBeGreaterThan(0)
    })
    for (const [name, Story] of stories) {
      if (browserOnly(Story.tags)) {
        it(`${name} renders (its play needs a real browser)`, async () => {
          const { play: _play, ...withoutPlay } = (module as unknown as Record<string, StoryObj>)[name] ?? {}
          await composeStory(withoutPlay, module.default ?? {}, undefined, name).run()
          expect(document.body.textContent).not.toBe('')
        })
      } else {
        it(`${name}`, async () => {
          await Story.run()
        })
      }
    }
  })
}
