import type { Meta, StoryObj } from '@storybook/react-vite'
import { useState } from 'react'
import { type AuthEventMap, AuthProvider, useAuthEvent, useLogout } from 'react-jwt-session'
import { expect, userEvent, waitFor, within } from 'storybook/test'
import { DemoApp } from './support/DemoApp'
import { useHarness } from './support/harnessContext'
import { defaultStoryArgs, type StoryArgs, storyArgTypes } from './support/makeStoryClient'
import { withInspector } from './support/SessionInspector'
import { withStoryClient } from './support/withStoryClient'

/** Every `signin`, `signout`, `refresh` and `error` event of the client, newest first, from `useAuthEvent`. */
function EventList() {
  const [lines, setLines] = useState<{ id: number; text: string }[]>([])
  const add = (text: string) =>
    setLines((previous) => [{ id: (previous[0]?.id ?? 0) + 1, text }, ...previous].slice(0, 8))
  useAuthEvent('signin', ({ source }: AuthEventMap['signin']) => add(`signin (${source})`))
  useAuthEvent('signout', ({ reason }) => add(`signout (${reason})`))
  useAuthEvent('refresh', ({ source }) => add(`refresh (${source})`))
  useAuthEvent('error', ({ error }) => add(`error (${error.code}${error.status ? ` ${error.status}` : ''})`))
  return (
    <section className="card" aria-label="Auth events">
      <h2>Auth events</h2>
      <ol aria-label="Event list">
        {lines.length === 0 ? <li className="muted">none yet</li> : null}
        {lines.map((line) => (
          <li key={line.id}>{line.text}</li>
        ))}
      </ol>
    </section>
  )
}

/** A sign-out button on `useLogout()`: pending while the server is told, the tab signed out at once. */
function LogoutButton() {
  const logout = useLogout()
  return (
    <button type="button" onClick={() => logout.mutate()} disabled={logout.isPending}>
      {logout.isPending ? 'Signing out…' : 'Sign out with useLogout'}
    </button>
  )
}

function EventsStory() {
  const { client } = useHarness()
  return (
    // No loading gate: the list is mounted before the session is restored, so it sees the restore too.
    <AuthProvider client={client}>
      <EventList />
      <DemoApp />
      <LogoutButton />
    </AuthProvider>
  )
}

const meta = {
  title: 'Hooks/useAuthEvent',
  decorators: [withInspector, withStoryClient],
  args: defaultStoryArgs,
  argTypes: storyArgTypes,
  render: () => <EventsStory />,
  parameters: {
    docs: {
      description: {
        component:
          '`useAuthEvent(type, listener)` subscribes a component to `client.on(type, listener)`: the latest ' +
          'listener is called, once per transition, and subscribing never re-renders. `useLogout()` is ' +
          '`logout` as a TanStack mutation.',
      },
    },
  },
} satisfies Meta<StoryArgs>

export default meta
type Story = StoryObj<typeof meta>

/** The session restored, renewed, then signed out with `useLogout()`: one event per transition. */
export const RestoreRenewSignOut: Story = {
  play: async ({ canvas }) => {
    const list = within(await canvas.findByRole('list', { name: 'Event list' }))
    await expect(await list.findByText('signin (restore)', {}, { timeout: 3_000 })).toBeVisible()
    await userEvent.click(canvas.getByRole('button', { name: 'Skip to the refresh' }))
    await expect(await list.findByText('refresh (this-tab)', {}, { timeout: 3_000 })).toBeVisible()
    await userEvent.click(canvas.getByRole('button', { name: 'Sign out with useLogout' }))
    await expect(await list.findByText('signout (logout)')).toBeVisible()
    await waitFor(() => expect(list.getAllByRole('listitem')).toHaveLength(3))
  },
}

/** The renewal fails with 503: an `error` event, the session kept. */
export const RenewalError: Story = {
  args: { failure: '503', failAt: 'renew', failTimes: 20 },
  play: async ({ canvas }) => {
    const list = within(await canvas.findByRole('list', { name: 'Event list' }))
    await expect(await list.findByText('signin (restore)', {}, { timeout: 3_000 })).toBeVisible()
    await userEvent.click(canvas.getByRole('button', { name: 'Skip to the refresh' }))
    await expect(await list.findByText('error (server 503)', {}, { timeout: 3_000 })).toBeVisible()
    await expect(list.queryByText(/signout/)).toBeNull()
  },
}
