import type { Meta, StoryObj } from '@storybook/react-vite'
import { useState } from 'react'
import { AuthProvider, SignedIn, SignedOut, SignOut } from 'react-jwt-session'
import { expect, fn, userEvent } from 'storybook/test'
import { AccountCard, GateFallback, SignedOutNotice } from './support/DemoApp'
import { useHarness } from './support/harnessContext'
import { LoginForm } from './support/LoginForm'
import { defaultStoryArgs, documents, type StoryArgs, storyArgTypes } from './support/makeStoryClient'
import { expectField, expectRequests, fieldText } from './support/play'
import { withInspector } from './support/SessionInspector'
import { withStoryClient } from './support/withStoryClient'

type Route = { path: '/' } | { path: '/logout'; everywhere: boolean } | { path: '/signed-out' }

/** A two-route app: the account on `/`, and `/logout`, which is nothing but `<SignOut>`. */
function LogoutRouteApp({ onSignedOut }: { onSignedOut: () => void }) {
  const { client } = useHarness()
  const [route, setRoute] = useState<Route>({ path: '/' })
  return (
    <AuthProvider client={client} fallback={<GateFallback />}>
      <div className="app">
        <p className="muted">
          Route: <code>{route.path}</code>
        </p>
        {route.path === '/' ? (
          <>
            <SignedIn>
              <AccountCard onSignOut={(everywhere) => setRoute({ path: '/logout', everywhere })} />
            </SignedIn>
            <SignedOut>
              <LoginForm />
            </SignedOut>
          </>
        ) : null}
        {route.path === '/logout' ? (
          <SignOut
            everywhere={route.everywhere}
            onSignedOut={() => {
              onSignedOut()
              setRoute({ path: '/signed-out' })
            }}
          >
            <GateFallback>Signing out…</GateFallback>
          </SignOut>
        ) : null}
        {route.path === '/signed-out' ? (
          <>
            <SignedOutNotice />
            <button type="button" onClick={() => setRoute({ path: '/' })}>
              Back to the home page
            </button>
          </>
        ) : null}
      </div>
    </AuthProvider>
  )
}

type SignOutStoryArgs = StoryArgs & { onSignedOut: () => void }

const meta = {
  title: 'Components/SignOut',
  component: documents<SignOutStoryArgs>(SignOut),
  tags: ['autodocs'],
  decorators: [withInspector, withStoryClient],
  args: { ...defaultStoryArgs, failAt: 'logout', onSignedOut: fn() },
  argTypes: { ...storyArgTypes, onSignedOut: { table: { disable: true } } },
  render: (args) => <LogoutRouteApp onSignedOut={args.onSignedOut} />,
  parameters: {
    docs: {
      description: {
        component:
          'Put `<SignOut>` on a logout route. On mount it signs out once (StrictMode-safe): memory and the ' +
          'other tabs at once, then the server call; it shows its children until that is done and then ' +
          'calls `onSignedOut`. An unreachable server does not keep the user signed in: the sign-out ' +
          'completes and the error is reported. `everywhere` also revokes the sessions of every device.',
      },
      source: {
        code: `<Route path="/logout" element={
  <SignOut everywhere={false} onSignedOut={() => navigate('/')}>Signing out…</SignOut>
} />`,
      },
    },
  },
} satisfies Meta<SignOutStoryArgs>

export default meta
type Story = StoryObj<SignOutStoryArgs>

/**
 * The logout call is still in flight (the server hangs): "Signing out…" shows, but the session is already
 * gone from memory.
 */
export const InProgress: Story = {
  args: { failure: 'hang' },
  play: async ({ args, canvas, canvasElement }) => {
    await userEvent.click(await canvas.findByRole('button', { name: 'Sign out' }))
    await expect(await canvas.findByText('Signing out…')).toBeVisible()
    await expectField(canvasElement, 'Status', 'unauthenticated')
    await expect(fieldText(canvasElement, 'Reason')).toBe('logout')
    await expect(args.onSignedOut).not.toHaveBeenCalled()
  },
}

/** The server confirmed: `onSignedOut` was called once and the app moved on. */
export const Done: Story = {
  play: async ({ args, canvas, canvasElement }) => {
    await userEvent.click(await canvas.findByRole('button', { name: 'Sign out' }))
    await expect(await canvas.findByText('You signed out.')).toBeVisible()
    await expect(canvas.queryByText('Signing out…')).toBeNull()
    await expect(args.onSignedOut).toHaveBeenCalledTimes(1)
    await expectField(canvasElement, 'Logouts', '1')
    await expectRequests(canvasElement, 'POST /auth/logout → 200')
  },
}

/** `everywhere`: the server revokes every refresh token of the user (`POST /auth/logout-all`). */
export const Everywhere: Story = {
  play: async ({ args, canvas, canvasElement }) => {
    await userEvent.click(await canvas.findByRole('button', { name: 'Sign out everywhere' }))
    await expect(await canvas.findByText('You signed out.')).toBeVisible()
    await expect(args.onSignedOut).toHaveBeenCalledTimes(1)
    await expectField(canvasElement, 'Logouts', '1')
    await expectRequests(canvasElement, 'POST /auth/logout-all → 200')
  },
}

/** The server cannot be reached: the user is signed out anyway, and told the server did not hear of it. */
export const ServerUnreachable: Story = {
  args: { failure: 'network' },
  play: async ({ args, canvas, canvasElement }) => {
    await userEvent.click(await canvas.findByRole('button', { name: 'Sign out' }))
    await expect(await canvas.findByText(/The server could not be told \(network\)/)).toBeVisible()
    await expect(args.onSignedOut).toHaveBeenCalledTimes(1)
    await expect(fieldText(canvasElement, 'Status')).toBe('unauthenticated')
    await expect(fieldText(canvasElement, 'Error')).toBe('network')
  },
}
