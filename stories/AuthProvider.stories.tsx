import type { Meta, StoryObj } from '@storybook/react-vite'
import { AuthProvider, RequireAuth } from 'react-jwt-session'
import { expect, waitFor } from 'storybook/test'
import { DemoApp, GateFallback, SignedOutNotice } from './support/DemoApp'
import { useHarness } from './support/harnessContext'
import { LoginForm } from './support/LoginForm'
import { defaultStoryArgs, documents, type StoryArgs, storyArgTypes } from './support/makeStoryClient'
import { expectField, fieldText } from './support/play'
import { withInspector } from './support/SessionInspector'
import { withStoryClient } from './support/withStoryClient'

function WithGate() {
  const { client } = useHarness()
  return (
    <AuthProvider client={client} fallback={<GateFallback />}>
      <DemoApp />
    </AuthProvider>
  )
}

function WithoutGateApp() {
  const { client } = useHarness()
  return (
    <AuthProvider client={client}>
      <div className="app">
        <header className="card">
          <h2>Public page</h2>
          <p className="muted">Rendered at once: there is no gate, only the protected part waits.</p>
        </header>
        <RequireAuth
          loading={<GateFallback>Checking your session…</GateFallback>}
          fallback={
            <>
              <SignedOutNotice />
              <LoginForm title="Sign in to see your dashboard" />
            </>
          }
        >
          <section className="card" aria-label="Dashboard">
            <h2>Your dashboard</h2>
            <p>Only for signed-in users.</p>
          </section>
        </RequireAuth>
      </div>
    </AuthProvider>
  )
}

const meta = {
  title: 'Components/AuthProvider',
  component: documents(AuthProvider),
  tags: ['autodocs'],
  decorators: [withInspector, withStoryClient],
  args: defaultStoryArgs,
  argTypes: storyArgTypes,
  render: () => <WithGate />,
  parameters: {
    docs: {
      description: {
        component:
          'Wrap the app once. On mount it restores the session with one silent refresh (the refresh token ' +
          'is an HttpOnly cookie, so the page cannot know whether there is a session before asking). With ' +
          '`fallback`, the whole app waits behind a loading gate; without it, the app renders at once and ' +
          '`RequireAuth loading` gates only the protected parts. Each story runs a strict in-memory test ' +
          'server; the panel on the right shows what the client and the server see.',
      },
      source: {
        code: `const authClient = createAuthClient<User>()

export function Root() {
  return (
    <AuthProvider client={authClient} fallback={<Spinner label="Restoring your session…" />}>
      <App />
    </AuthProvider>
  )
}`,
      },
    },
  },
} satisfies Meta<StoryArgs>

export default meta
type Story = StoryObj<typeof meta>

/** The initial refresh is in flight (a slow server): the fallback stands in for the whole app. */
export const LoadingGate: Story = {
  args: { latency: 3_000 },
  play: async ({ canvas, canvasElement }) => {
    await expect(await canvas.findByText('Restoring your session…')).toBeVisible()
    await expect(canvas.queryByRole('heading', { name: /Signed in as/ })).toBeNull()
    await expect(canvas.queryByRole('form', { name: 'Sign in' })).toBeNull()
    await expect(fieldText(canvasElement, 'Status')).toBe('loading')
  },
}

/** A returning visitor: the refresh cookie from an earlier visit restores the session behind the gate. */
export const RestoredSession: Story = {
  args: { returningUser: 'ada' },
  play: async ({ canvas, canvasElement }) => {
    await expect(await canvas.findByRole('heading', { name: 'Signed in as Ada Lovelace' })).toBeVisible()
    await expectField(canvasElement, 'Status', 'authenticated')
    // StrictMode mounts the provider twice: still one refresh request, no login.
    await expect(fieldText(canvasElement, 'Refresh requests')).toBe('1')
    await expect(fieldText(canvasElement, 'Logins')).toBe('0')
  },
}

/** A first visit: the refresh is refused (no cookie), so the visitor is signed out with no error. */
export const Anonymous: Story = {
  args: { returningUser: 'none' },
  play: async ({ canvas, canvasElement }) => {
    await expect(await canvas.findByRole('form', { name: 'Sign in' })).toBeVisible()
    await expectField(canvasElement, 'Reason', 'no-session')
    await expect(fieldText(canvasElement, 'Error')).toBe('—')
    await expect(canvas.queryByRole('status')).toBeNull()
  },
}

/**
 * The auth server cannot be reached on load: the gate does not stay up; the visitor is signed out with
 * `reason: 'network'`, and the client retries in the background until the session comes back.
 */
export const ServerUnreachable: Story = {
  args: { returningUser: 'ada', failure: 'network', failAt: 'restore', failTimes: 1 },
  play: async ({ canvas, canvasElement }) => {
    await expect(await canvas.findByText(/Cannot reach the server to restore your session/)).toBeVisible()
    await expectField(canvasElement, 'Reason', 'network')
    await expect(fieldText(canvasElement, 'Error')).toBe('network')
    // The first retry comes after about a second of backoff.
    await expect(
      await canvas.findByRole('heading', { name: 'Signed in as Ada Lovelace' }, { timeout: 4_000 }),
    ).toBeVisible()
    await expectField(canvasElement, 'Error', '—')
  },
}

/** No `fallback`: public content shows at once; `RequireAuth loading` gates only the dashboard. */
export const WithoutGate: Story = {
  args: { latency: 1_000 },
  render: () => <WithoutGateApp />,
  play: async ({ canvas }) => {
    await expect(canvas.getByRole('heading', { name: 'Public page' })).toBeVisible()
    await expect(canvas.getByText('Checking your session…')).toBeVisible()
    await waitFor(() => expect(canvas.getByRole('region', { name: 'Dashboard' })).toBeVisible(), {
      timeout: 3_000,
    })
    await expect(canvas.queryByText('Checking your session…')).toBeNull()
  },
}
