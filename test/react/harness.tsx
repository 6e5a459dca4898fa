import { act, cleanup, render } from '@testing-library/react'
import { type ReactElement, StrictMode } from 'react'
import { type AuthClient, type AuthClientOptions, createAuthClient } from 'react-jwt-session'
import { afterEach, beforeEach, expect, type MockInstance, vi } from 'vitest'

/** Shared by the React tests: fake timers, StrictMode rendering, clients destroyed and no console noise. */

const clients: AuthClient<unknown>[] = []

/** A client the test tears down afterwards. Cross-tab is off unless the test names a channel. */
export function makeClient<User = unknown>(options: AuthClientOptions<User>): AuthClient<User> {
  const client = createAuthClient<User>({ crossTab: false, ...options })
  clients.push(client as AuthClient<unknown>)
  return client
}

/** Every render goes through StrictMode: double render, effects mounted, unmounted and mounted again. */
export const renderStrict = (ui: ReactElement) => render(ui, { wrapper: StrictMode })

/** The text of every paragraph on the page, in order: what the user sees of the tests' small components. */
export const paragraphs = () => Array.from(document.body.querySelectorAll('p'), (p) => p.textContent)

/** Runs the fake clock forward inside act, so every state update it causes is flushed. */
export const advance = (ms = 0) => act(() => vi.advanceTimersByTimeAsync(ms))

let channel = 0
/** A cross-tab channel name no other test uses. */
export const channelName = () => `react-test-${process.pid}-${++channel}`

let errors: MockInstance<typeof console.error>
let warnings: MockInstance<typeof console.warn>
let expectedError: string | null = null

/**
 * React reports a render error with console.error even when the test catches it. This silences the reports
 * of one expected error; any other console.error still fails the test.
 */
export function expectConsoleError(message: string) {
  expectedError = message
  errors.mockImplementation(() => {})
}

const mentions = (args: unknown[], message: string) =>
  args.some((arg) => String(arg instanceof Error ? arg.message : arg).includes(message))

/** Registers the hooks every React test file uses. */
export function setupReactTests() {
  beforeEach(() => {
    expectedError = null
    vi.useFakeTimers()
    // Still printed, but any act() warning, hydration mismatch or dev warning fails the test.
    errors = vi.spyOn(console, 'error')
    warnings = vi.spyOn(console, 'warn')
  })
  afterEach(() => {
    cleanup()
    for (const client of clients.splice(0)) client.destroy()
    vi.useRealTimers()
    vi.unstubAllGlobals()
    const unexpected = errors.mock.calls.filter(
      (args) => expectedError === null || !mentions(args, expectedError),
    )
    expect(unexpected).toEqual([])
    expect(warnings).not.toHaveBeenCalled()
  })
}
