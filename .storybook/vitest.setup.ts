import { configure } from 'storybook/test'
import { afterEach, beforeEach, expect, type MockInstance, vi } from 'vitest'

// The plays wait on real timers (latency, backoff); on a busy two-core machine 1 s is too tight for findBy.
configure({ asyncUtilTimeout: 5_000 })

// A story test fails on any console warning or error: React's warnings (keys, act, StrictMode effects),
// the package's own `[react-jwt-session]` warnings, and uncaught trouble all show up there first.
const logged: string[] = []
const spies: MockInstance[] = []

beforeEach(() => {
  logged.length = 0
  for (const level of ['error', 'warn'] as const) {
    const original = console[level].bind(console)
    spies.push(
      vi.spyOn(console, level).mockImplementation((...args: unknown[]) => {
        logged.push(`console.${level}: ${args.map(String).join(' ')}`)
        original(...args)
      }),
    )
  }
})

afterEach(() => {
  for (const spy of spies.splice(0)) spy.mockRestore()
  expect(logged, 'console warnings or errors while the story ran').toEqual([])
})
