import type { Meta, StoryObj } from '@storybook/react-vite'
import { AuthProvider, RequireAuth } from 'react-jwt-session'
import { expect, userEvent } from 'storybook/test'
import { AccountCard, GateFallback, SignedOutNotice } from './support/DemoApp'
import { useHarness } from './support/harnessContext'
import { LoginForm } from './support/LoginForm'
import { defaultStoryArgs, documents, type StoryArgs, storyArgTypes } from './support/makeStoryClient'
import { fieldText } from './support/play'
import { withInspector } from './support/SessionInspector'
import { isAdmin, type StoryUser } from './support/storyUsers'
import { withStoryClient } from './support/withStoryClient'

function AdminRoute() {
  const { client } = useHarness()
  return (
    <AuthProvider client={client}>
      <div className="app">
        <RequireAuth<StoryUser>
          allow={isAdmin}
          loading={<GateFallback>Checking your session…</GateFallback>}
          unavailable={
            <p className="banner" role="status">
              The sign-in server cannot be reached. Retrying…
            </p>
          }
          fallback={
            <>
              <SignedOutNotice />
              <LoginForm title="Sign in to open the admin page" />
            </>
          }
          forbidden={
            <>
              <p className="banner danger" role="alert">
                The admin page is for admins only.
              </p>
              <AccountCard />
            </>
          }
        >
          <section className="card" aria-label="Admin page">
            <h2>Admin page</h2>
            <p>Only admins see this.</p>
          </section>
          <AccountCard />
        </RequireAuth>
      </div>
    </AuthProvider>
  )
}

const meta = {
  title: 'Components/RequireAuth',
  component: documents(RequireAuth),
  tags: ['autodocs'],
  decorators: [withInspector, withStoryClient],
  args: defaultStoryArgs,
  argTypes: storyArgTypes,
  render: () => <AdminRoute />,
  parameters: {
    docs: {
      description: {
        component:
          'Guards a part of the app, with no router dependency: `children` for a signed-in user that ' +
          "`allow` accepts, `fallback` when signed out (a form, or a router's `<Navigate>`), `forbidden` " +
          'when `allow` says no, `loading` while the session is being restored, `unavailable` (default: ' +
          '`loading`) while it could not be checked because the server was unreachable: an outage never ' +
          'sends the user to the sign-in page. Here `allow` asks for the ' +
          '`admin` role: Ada is an admin, Grace a reader.',
      },
      source: {
        code: `<RequireAuth<User>
  allow={({ user }) => user.role === 'admin'}
  loading={<Spinner />}
  unavailable={<p role="status">The sign-in server cannot be reached. Retrying…</p>}
  fallback={<Navigate to="/login" />}
  forbidden={<p role="alert">The admin page is for admins only.</p>}
>
  <AdminPage />
</RequireAuth>`,
      },
    },
  },
} satisfies Meta<StoryArgs>

export default meta
type Story = StoryObj<typeof meta>

/** Ada is signed in and an admin: the children render. */
export const Allowed: Story = {
  args: { returningUser: 'ada' },
  play: async ({ canvas }) => {
    await expect(await canvas.findByRole('region', { name: 'Admin page' })).toBeVisible()
    await expect(canvas.queryByRole('alert')).toBeNull()
  },
}

/** Nobody is signed in: the fallback renders; signing in as an admin opens the page. */
export const SignedOutFallback: Story = {
  args: { returningUser: 'none' },
  play: async ({ canvas }) => {
    await expect(await canvas.findByRole('form', { name: 'Sign in to open the admin page' })).toBeVisible()
    await expect(canvas.queryByRole('region', { name: 'Admin page' })).toBeNull()
    await userEvent.type(canvas.getByLabelText('Username'), 'ada')
    await userEvent.type(canvas.getByLabelText('Password'), 'lovelace')
    await userEvent.click(canvas.getByRole('button', { name: 'Sign in' }))
    await expect(await canvas.findByRole('region', { name: 'Admin page' })).toBeVisible()
  },
}

/** Grace is signed in but a reader: `allow` says no and `forbidden` renders. */
export const Forbidden: Story = {
  args: { returningUser: 'grace' },
  play: async ({ canvas, canvasElement }) => {
    await expect(await canvas.findByRole('alert')).toHaveTextContent('The admin page is for admins only.')
    await expect(canvas.getByRole('heading', { name: 'Signed in as Grace Hopper' })).toBeVisible()
    await expect(canvas.queryByRole('region', { name: 'Admin page' })).toBeNull()
    await expect(fieldText(canvasElement, 'Status')).toBe('authenticated')
  },
}

/** The session is still being restored (the server hangs): `loading` renders, nothing else. */
export const Loading: Story = {
  args: { failure: 'hang', failAt: 'restore' },
  play: async ({ canvas }) => {
    await expect(await canvas.findByText('Checking your session…')).toBeVisible()
    await expect(canvas.queryByRole('region', { name: 'Admin page' })).toBeNull()
    await expect(canvas.queryByRole('form')).toBeNull()
  },
}

/**
 * The server cannot be reached when the page loads (the restore fails with a network error): `unavailable`
 * renders, never the sign-in form, while the background retries go on (a later success shows the page).
 */
export const Unavailable: Story = {
  args: { returningUser: 'ada', failure: 'network', failAt: 'restore', failTimes: 100 },
  play: async ({ canvas, canvasElement }) => {
    await expect(await canvas.findByText('The sign-in server cannot be reached. Retrying…')).toBeVisible()
    await expect(canvas.queryByText('Checking your session…')).toBeNull()
    await expect(canvas.queryByRole('form')).toBeNull()
    await expect(fieldText(canvasElement, 'Reason')).toBe('network')
  },
}
