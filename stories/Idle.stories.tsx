import type { Meta, StoryObj } from '@storybook/react-vite'
import { type ReactNode, useState, useSyncExternalStore } from 'react'
import { AuthProvider, useAuth } from 'react-jwt-session'
import { IdleWarning, idleTimeout, useIdle } from 'react-jwt-session/idle'
import { expect, userEvent, waitFor, within } from 'storybook/test'
import { DemoApp, GateFallback } from './support/DemoApp'
import { HarnessContext } from './support/harnessContext'
import {
  defaultStoryArgs,
  makeStoryClient,
  makeStoryTabs,
  pickStoryArgs,
  type StoryArgs,
  type StoryHarness,
  storyArgTypes,
} from './support/makeStoryClient'
import { expectField } from './support/play'
import { formatDuration, SessionInspector } from './support/SessionInspector'

interface IdleArgs extends StoryArgs {
  /** `idleTimeout`'s `timeout`, in ms. */
  timeout: number
  /** `idleTimeout`'s `warning`, in ms. */
  warning: number
}

/** What the idle timeout says in this tab: the countdown while it warns, and a button to stay. */
function IdleCard() {
  const { isWarning, remaining, stayActive } = useIdle()
  const signedIn = useAuth((state) => state.status === 'authenticated')
  if (!signedIn || remaining === null) return null
  return (
    <section className="card" aria-label="Idle timeout">
      <h2>Idle timeout</h2>
      <p data-testid="idle-state">
        {isWarning ? `Warning: signing out in ${formatDuration(remaining)}` : 'Active: no warning'}
      </p>
      <button type="button" onClick={stayActive}>
        I am still here
      </button>
    </section>
  )
}

let idleStories = 0

/** A story client with the idle timeout installed once, on the story's clock. */
function useIdleHarness(args: IdleArgs, make: () => StoryHarness[]): StoryHarness[] {
  const [tabs] = useState(() => {
    idleStories += 1
    const made = make()
    // One name per story render, so the tabs of an earlier story never hear these.
    const name = `rjs-idle-story-${idleStories}-${Math.random().toString(36).slice(2, 8)}`
    for (const harness of made) {
      idleTimeout(harness.client, {
        timeout: args.timeout,
        warning: args.warning,
        name,
        now: harness.clock.now,
      })
    }
    return made
  })
  return tabs
}

function Page({ harness, children }: { harness: StoryHarness; children?: ReactNode }) {
  return (
    <HarnessContext.Provider value={harness}>
      <div className="story-layout">
        <div className="story-main">
          <AuthProvider client={harness.client} fallback={<GateFallback />}>
            <IdleCard />
            <DemoApp />
            {children}
          </AuthProvider>
        </div>
        <SessionInspector controls={false} />
      </div>
    </HarnessContext.Provider>
  )
}

function OneTab({ args }: { args: IdleArgs }) {
  const [harness] = useIdleHarness(args, () => [makeStoryClient(pickStoryArgs(args))])
  return (
    <Page harness={harness as StoryHarness}>
      <IdleWarning />
    </Page>
  )
}

function TwoTabs({ args }: { args: IdleArgs }) {
  const tabs = useIdleHarness(args, () => makeStoryTabs(pickStoryArgs(args), 2))
  const first = tabs[0] as StoryHarness
  const firstStatus = useSyncExternalStore(first.client.subscribe, () => first.client.getState().status)
  // Tab 2 opens once tab 1 has settled, as a second tab usually does: it takes tab 1's session.
  const open = firstStatus === 'loading' ? tabs.slice(0, 1) : tabs
  return (
    <div className="tabs">
      {open.map((harness, index) => (
        <section key={harness.client.getTabInfo().id} className="tab" aria-label={`Tab ${index + 1}`}>
          <div className="tab-bar">Tab {index + 1} · app.example</div>
          <div className="tab-body">
            <HarnessContext.Provider value={harness}>
              <AuthProvider client={harness.client} fallback={<GateFallback />}>
                <IdleCard />
                <DemoApp />
              </AuthProvider>
              <SessionInspector label={`Tab ${index + 1} inspector`} controls={false} />
            </HarnessContext.Provider>
          </div>
        </section>
      ))}
    </div>
  )
}

const meta = {
  title: 'Session/Idle timeout',
  args: { ...defaultStoryArgs, accessTtl: 900, latency: 100, timeout: 15 * 60_000, warning: 60_000 },
  argTypes: {
    ...storyArgTypes,
    timeout: {
      description: "`idleTimeout`'s `timeout`, in ms.",
      control: { type: 'number', min: 1000, step: 1000 },
    },
    warning: {
      description: "`idleTimeout`'s `warning`, in ms.",
      control: { type: 'number', min: 0, step: 1000 },
    },
  },
  render: (args) => <OneTab key={JSON.stringify(args)} args={args} />,
  parameters: {
    docs: {
      description: {
        component:
          '`idleTimeout(client, { timeout, warning })` from `react-jwt-session/idle` signs the user out after ' +
          '`timeout` ms without activity in any tab, with a warning `warning` ms before; `useIdle()` reads it ' +
          'and `<IdleWarning />` is the accessible warning dialog. These stories use short timeouts.',
      },
    },
  },
} satisfies Meta<IdleArgs>

export default meta
type Story = StoryObj<typeof meta>

/** Signed in and active: the timer runs, quietly, until the user has been away for `timeout - warning`. */
export const Active: Story = {
  play: async ({ canvas }) => {
    await expect(await canvas.findByRole('heading', { name: 'Signed in as Ada Lovelace' })).toBeVisible()
    await expect(canvas.getByTestId('idle-state')).toHaveTextContent('Active: no warning')
    await expect(canvas.queryByRole('alertdialog')).toBeNull()
  },
}

/**
 * Two seconds without activity and the warning is up: focus is in the dialog, the countdown runs, "Stay
 * signed in" (or Escape) keeps the session and gives focus back.
 */
export const Warning: Story = {
  args: { timeout: 30_000, warning: 28_000 },
  play: async ({ canvas }) => {
    const dialog = await canvas.findByRole(
      'alertdialog',
      { name: 'Are you still there?' },
      { timeout: 5_000 },
    )
    const stay = within(dialog).getByRole('button', { name: 'Stay signed in' })
    await waitFor(() => expect(stay).toHaveFocus())
    await expect(within(dialog).getByRole('timer')).toHaveTextContent(/^0:(2\d|1\d)$/)
    await userEvent.click(stay)
    await waitFor(() => expect(canvas.queryByRole('alertdialog')).toBeNull())
    await expect(canvas.getByTestId('idle-state')).toHaveTextContent('Active: no warning')
  },
}

/** Nobody came back: at the timeout the tab signs out with `reason: 'idle'`, one logout call. */
export const SignedOutForInactivity: Story = {
  args: { timeout: 3_000, warning: 2_000 },
  play: async ({ canvas, canvasElement }) => {
    await expect(await canvas.findByRole('alertdialog', {}, { timeout: 5_000 })).toBeVisible()
    await expectField(canvasElement, 'Reason', 'idle', { timeout: 6_000 })
    await expect(canvas.queryByRole('alertdialog')).toBeNull()
    await expect(await canvas.findByText('You were signed out after a period of inactivity.')).toBeVisible()
    await expectField(canvasElement, 'Logouts', '1')
  },
}

/**
 * Two tabs of one browser: activity in tab 1 (here the button; any pointer, key or scroll counts) is told to
 * tab 2, whose warning ends too. With nobody in either, both warn and both sign out, one logout call.
 */
export const ActivityInTheOtherTab: Story = {
  args: { timeout: 6_000, warning: 5_000 },
  render: (args) => <TwoTabs key={JSON.stringify(args)} args={args} />,
  play: async ({ canvas }) => {
    const tab1 = within(canvas.getByRole('region', { name: 'Tab 1' }))
    const tab2 = within(await canvas.findByRole('region', { name: 'Tab 2' }))
    await expect(await tab2.findByText(/^Warning: signing out in/, {}, { timeout: 3_000 })).toBeVisible()
    await userEvent.click(tab1.getByRole('button', { name: 'I am still here' }))
    await waitFor(() => expect(tab2.getByTestId('idle-state')).toHaveTextContent('Active: no warning'))
  },
}
