import type { Meta, StoryObj } from '@storybook/react-vite'
import { AuthProvider } from 'react-jwt-session'
import { AuthDevtools } from 'react-jwt-session/devtools'
import { expect, userEvent, waitFor, within } from 'storybook/test'
import { DemoApp, GateFallback } from './support/DemoApp'
import { useHarness } from './support/harnessContext'
import { defaultStoryArgs, documents, type StoryArgs, storyArgTypes } from './support/makeStoryClient'
import { TestServerControls } from './support/SessionInspector'
import { withStoryClient } from './support/withStoryClient'

function DevtoolsStory() {
  const harness = useHarness()
  return (
    <div className="story-layout">
      <div className="story-main">
        <AuthProvider client={harness.client} fallback={<GateFallback />}>
          <DemoApp />
        </AuthProvider>
        <TestServerControls harness={harness} />
      </div>
      {/* Outside the provider (it reads the client it is given), so it shows the loading gate too. */}
      <AuthDevtools client={harness.client} now={harness.clock.now} initialIsOpen position="top-right" />
    </div>
  )
}

const meta = {
  title: 'Components/AuthDevtools',
  component: documents(AuthDevtools),
  decorators: [withStoryClient],
  args: defaultStoryArgs,
  argTypes: storyArgTypes,
  render: () => <DevtoolsStory />,
  parameters: {
    docs: {
      description: {
        component:
          '`<AuthDevtools />` from `react-jwt-session/devtools`: a floating panel with what the session is ' +
          'doing (status, user, reason, error, expiry and next renewal counting down, the tab and how it ' +
          'talks to the others) and the last 100 events. Renders nothing in production builds unless ' +
          'imported from `react-jwt-session/devtools/production`. Tokens show as their last 6 characters.',
      },
    },
  },
} satisfies Meta<StoryArgs>

export default meta
type Story = StoryObj<typeof meta>

const panel = (canvasElement: HTMLElement) =>
  within(within(canvasElement.ownerDocument.body).getByRole('region', { name: 'Auth devtools' }))

const field = (canvasElement: HTMLElement, name: string) =>
  canvasElement.ownerDocument.querySelector(`[data-rjs-devtools] dd[data-field="${name}"]`)?.textContent ?? ''

/** A returning user: the session restored, the token's tail, its expiry and next renewal counting down. */
export const SignedIn: Story = {
  play: async ({ canvasElement }) => {
    await waitFor(() => expect(field(canvasElement, 'Status')).toBe('authenticated'), { timeout: 3_000 })
    await expect(field(canvasElement, 'User')).toBe('Ada Lovelace (admin)')
    await expect(field(canvasElement, 'Token')).toMatch(/^…[\w-]{6}$/)
    await expect(field(canvasElement, 'Next renewal')).toMatch(/^in 0:0\d$/)
    await expect(field(canvasElement, 'Cross-tab')).toBe('none')
    await expect(panel(canvasElement).getByRole('list', { name: 'Auth events' })).toHaveTextContent(
      /Ada Lovelace signed in \(restore\)/,
    )
  },
}

/** The session being restored behind the loading gate: the panel shows it, outside the provider. */
export const Restoring: Story = {
  args: { latency: 60_000 },
  play: async ({ canvasElement }) => {
    await waitFor(() => expect(field(canvasElement, 'Status')).toBe('loading'))
    await expect(field(canvasElement, 'Next renewal')).toBe('restoring now…')
  },
}

/** "Renew now" while the server is slow: the renewal in flight, then its request in the log. */
export const Renewing: Story = {
  args: { latency: 700 },
  play: async ({ canvasElement }) => {
    await waitFor(() => expect(field(canvasElement, 'Status')).toBe('authenticated'), { timeout: 4_000 })
    await userEvent.click(panel(canvasElement).getByRole('button', { name: 'Renew now' }))
    await waitFor(() => expect(field(canvasElement, 'Next renewal')).toBe('renewing now…'))
    await waitFor(
      () =>
        expect(panel(canvasElement).getByRole('list', { name: 'Auth events' })).toHaveTextContent(
          /token renewed \(this-tab\)/,
        ),
      { timeout: 4_000 },
    )
  },
}

/** The renewal fails with 503: the session is kept, the error shown, the retry scheduled. */
export const RenewalFailing: Story = {
  args: { failure: '503', failAt: 'renew', failTimes: 20 },
  play: async ({ canvas, canvasElement }) => {
    await waitFor(() => expect(field(canvasElement, 'Status')).toBe('authenticated'), { timeout: 3_000 })
    await userEvent.click(canvas.getByRole('button', { name: 'Skip to the refresh' }))
    await waitFor(() => expect(field(canvasElement, 'Error')).toBe('server 503'), { timeout: 3_000 })
    await expect(field(canvasElement, 'Status')).toBe('authenticated')
    await expect(panel(canvasElement).getByRole('list', { name: 'Auth events' })).toHaveTextContent(
      /refresh failed in \d+ ms \(server 503\)/,
    )
  },
}

/** A first visit: nobody signed in, nothing scheduled, the buttons off. */
export const SignedOut: Story = {
  args: { returningUser: 'none' },
  play: async ({ canvasElement }) => {
    await waitFor(() => expect(field(canvasElement, 'Status')).toBe('unauthenticated'))
    await expect(field(canvasElement, 'Reason')).toBe('no-session')
    await expect(field(canvasElement, 'Token')).toBe('—')
    await expect(panel(canvasElement).getByRole('button', { name: 'Sign out' })).toBeDisabled()
  },
}

/** "Sign out" in the panel: the sign-out and its logout request in the log. */
export const SignOutFromThePanel: Story = {
  play: async ({ canvasElement }) => {
    await waitFor(() => expect(field(canvasElement, 'Status')).toBe('authenticated'), { timeout: 3_000 })
    await userEvent.click(panel(canvasElement).getByRole('button', { name: 'Sign out' }))
    await waitFor(() => expect(field(canvasElement, 'Reason')).toBe('logout'))
    await waitFor(() =>
      expect(panel(canvasElement).getByRole('list', { name: 'Auth events' })).toHaveTextContent(
        /logout ok in \d+ ms/,
      ),
    )
    await expect(panel(canvasElement).getByRole('list', { name: 'Auth events' })).toHaveTextContent(
      /signed out: logout/,
    )
  },
}
