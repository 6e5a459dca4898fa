import type { Decorator } from '@storybook/react-vite'
import { type ReactNode, useSyncExternalStore } from 'react'
// Shared with the package's devtools (internal modules, not public API), so the inspector and the panel
// read the session the same way.
import { describeTimes } from '../../src/devtools/describeTimes'
import { formatDuration } from '../../src/react/formatDuration'
import { useOptionalHarness } from './harnessContext'
import type { StoryHarness } from './makeStoryClient'
import { useNow } from './useNow'

export { formatDuration }

function Field({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="field">
      <dt>{label}</dt>
      <dd data-field={label}>{children}</dd>
    </div>
  )
}

export interface SessionInspectorProps {
  /** The client to watch; by default the story's (from `withStoryClient`). */
  harness?: StoryHarness
  /** Names the panel for screen readers and tests. @default 'Session inspector' */
  label?: string
  /** Show the test-server controls (skip ahead, offline, revoke). @default true */
  controls?: boolean
}

/**
 * What the client knows, live: status, reason, error, the token's expiry and the next refresh as
 * countdowns, and what the test server has seen. Reads the client's store directly, so it works outside
 * (and while the loading gate hides) the `<AuthProvider>`.
 */
export function SessionInspector({
  harness: given,
  label = 'Session inspector',
  controls = true,
}: SessionInspectorProps) {
  const fromContext = useOptionalHarness()
  const harness = given ?? fromContext
  if (harness === null)
    throw new Error('SessionInspector needs a harness prop or the withStoryClient decorator.')
  return <InspectorPanel harness={harness} label={label} controls={controls} />
}

function InspectorPanel({
  harness,
  label,
  controls,
}: Required<Omit<SessionInspectorProps, 'harness'>> & { harness: StoryHarness }) {
  const { client, server, clock, crossTab: shared } = harness
  const state = useSyncExternalStore(client.subscribe, client.getState, client.getState)
  const now = useNow(clock)
  const { stats } = server
  const { status, user, reason, error } = state

  // The devtools' reading of the state: the renewal time is the client's `refreshAt`, never re-derived.
  const { expiry, nextRenewal: next } = describeTimes(state, now)
  const recent = harness.log.slice(-4)

  return (
    <aside className="inspector" aria-label={label}>
      <h2 className="inspector-title">{label}</h2>
      <h3>Client</h3>
      <dl>
        <div className="field" aria-live="polite">
          <dt>Status</dt>
          <dd data-field="Status">
            <span className={`badge ${status}`}>{status}</span>
          </dd>
        </div>
        <Field label="User">{user ? `${user.name} (${user.role})` : '—'}</Field>
        <Field label="Reason">{reason ?? '—'}</Field>
        <Field label="Error">{error ? `${error.code}${error.status ? ` ${error.status}` : ''}` : '—'}</Field>
        <Field label="Token expires">{expiry}</Field>
        <Field label="Next refresh">{next}</Field>
      </dl>
      <h3>Test server{shared ? ' (shared by the tabs)' : ''}</h3>
      <dl>
        <Field label="Logins">{stats.logins}</Field>
        <Field label="Refresh requests">{stats.refreshes}</Field>
        <Field label="Reused tokens">{stats.reuseDetections}</Field>
        <Field label="Logouts">{stats.logouts}</Field>
      </dl>
      <h3>Last requests</h3>
      <ol className="requests" aria-label="Last requests">
        {recent.length === 0 ? <li className="muted">none</li> : null}
        {recent.map((request) => (
          <li key={request.seq}>
            {request.from ? `${request.from}: ` : ''}
            {request.method} {request.path} → {request.outcome}
          </li>
        ))}
      </ol>
      {controls ? <TestServerControls harness={harness} /> : null}
    </aside>
  )
}

/** Buttons that move the story's world: skip ahead in time, drop the network, end sessions on the server. */
export function TestServerControls({ harness }: { harness: StoryHarness }) {
  const { client, server, network } = harness
  const signedIn = useSyncExternalStore(
    client.subscribe,
    () => client.getState().status === 'authenticated',
    () => false,
  )
  const online = useSyncExternalStore(
    network.subscribe,
    () => network.online,
    () => true,
  )
  return (
    <fieldset className="controls">
      <legend>Test server controls</legend>
      <button type="button" onClick={harness.skipToRefresh} disabled={!signedIn}>
        Skip to the refresh
      </button>
      <button type="button" onClick={harness.skipPastExpiry} disabled={!signedIn}>
        Skip past expiry
      </button>
      <button type="button" onClick={() => network.setOnline(!online)} aria-pressed={!online}>
        {online ? 'Go offline' : 'Back online'}
      </button>
      <button type="button" onClick={() => server.revoke()}>
        Revoke every session
      </button>
      <button type="button" onClick={() => server.clearCookie()}>
        Expire the refresh token
      </button>
    </fieldset>
  )
}

/** Puts the session inspector beside the story. Needs `withStoryClient` after it in `decorators`. */
export const withInspector: Decorator = (Story) => (
  <div className="story-layout">
    <div className="story-main">
      <Story />
    </div>
    <SessionInspector />
  </div>
)
