import { act, fireEvent, screen, within } from '@testing-library/react'
import { StrictMode } from 'react'
import { renderToString } from 'react-dom/server'
import { type AuthClient, AuthProvider, useAuth } from 'react-jwt-session'
import { idleTimeout, useIdle } from 'react-jwt-session/idle'
import { createTestAuthServer, type TestAuthServer } from 'react-jwt-session/testing'
import { afterEach, beforeEach, expect, it, vi } from 'vitest'
import { installLockShim } from '../helpers/locks'
import { elapse, settle } from '../helpers/tabs'
import { channelName, expectConsoleError, makeClient, renderStrict, setupReactTests } from '../react/harness'

setupReactTests()
// Minutes of fake time, walked in steps so that the tabs' messages land on the way.
vi.setConfig({ testTimeout: 60_000 })

const TIMEOUT = 60_000
const WARNING = 10_000
const credentials = { username: 'ada', password: 'lovelace' }

let locks: ReturnType<typeof installLockShim>
const stops: Array<() => void> = []
beforeEach(() => {
  locks = installLockShim()
})
afterEach(() => {
  for (const stop of stops.splice(0)) stop()
  locks.uninstall()
})

function IdleView({ label }: { label: string }) {
  const { isWarning, remaining, stayActive } = useIdle()
  const status = useAuth((state) => state.status)
  const reason = useAuth((state) => state.reason)
  let idle = 'active'
  if (remaining === null) idle = 'off'
  else if (isWarning) idle = `warning ${Math.ceil(remaining / 1000)} s`
  return (
    <section aria-label={label}>
      <p data-testid="status">
        {status} {reason ?? ''}
      </p>
      <p data-testid="idle">{idle}</p>
      <button type="button" onClick={stayActive}>
        Stay signed in
      </button>
    </section>
  )
}

/** Two tabs of one browser: one strict server (one cookie jar), one channel name, one lock manager. */
function openTabs(server: TestAuthServer, count: number) {
  const name = channelName()
  const tabs = Array.from({ length: count }, () => {
    const client = makeClient({ transport: server.transport, crossTab: { name } })
    stops.push(idleTimeout(client, { timeout: TIMEOUT, warning: WARNING, name }))
    return client
  })
  return { name, tabs }
}

const view = (label: string) => {
  const tab = within(screen.getByRole('region', { name: label }))
  return { status: tab.getByTestId('status').textContent, idle: tab.getByTestId('idle').textContent }
}

function renderTabs(tabs: AuthClient<unknown>[]) {
  renderStrict(
    <>
      {tabs.map((client, index) => (
        <AuthProvider key={client.getTabInfo().id} client={client}>
          <IdleView label={`Tab ${index + 1}`} />
        </AuthProvider>
      ))}
    </>,
  )
}

async function signInBoth(server: TestAuthServer, tabs: AuthClient<unknown>[]) {
  // Each tab first asks the others for a session (~100 ms), then finds none.
  await act(() => elapse(1_000))
  const login = tabs[0]?.login(credentials)
  await act(() => elapse(1_000))
  await login
  for (const tab of tabs) expect(tab.getState().status).toBe('authenticated')
  expect(server.stats.logins).toBe(1)
}

it('two tabs: activity in one keeps both signed in; then both warn, both sign out for inactivity, one logout call', async () => {
  const intervals = vi.spyOn(globalThis, 'setInterval')
  const server = createTestAuthServer({ accessTtl: 3600, latency: 20 })
  const { tabs } = openTabs(server, 2)
  renderTabs(tabs)
  expect(view('Tab 1').idle).toBe('off')
  await signInBoth(server, tabs)
  expect(view('Tab 2')).toEqual({ status: 'authenticated ', idle: 'active' })

  // 45 s in, the user answers in tab 1 only. Tab 2 hears of it: 65 s after sign-in, past the first
  // deadline, both are still signed in and neither warns.
  await act(() => elapse(45_000, 1_000))
  fireEvent.click(within(screen.getByRole('region', { name: 'Tab 1' })).getByRole('button'))
  await act(() => elapse(20_000, 1_000))
  expect(view('Tab 1')).toEqual({ status: 'authenticated ', idle: 'active' })
  expect(view('Tab 2')).toEqual({ status: 'authenticated ', idle: 'active' })

  // No activity anywhere: 55 s after the last one, both warn, with the same countdown, ticking per second.
  await act(() => elapse(35_000, 1_000))
  expect(view('Tab 1').idle).toBe('warning 5 s')
  expect(view('Tab 2').idle).toBe('warning 5 s')
  await act(() => elapse(1_000))
  expect(view('Tab 2').idle).toBe('warning 4 s')

  // At 60 s both sign out, for inactivity; the server hears one logout.
  await act(() => elapse(5_000))
  await act(settle)
  expect(view('Tab 1')).toEqual({ status: 'unauthenticated idle', idle: 'off' })
  expect(view('Tab 2')).toEqual({ status: 'unauthenticated idle', idle: 'off' })
  expect(server.stats.logouts).toBe(1)
  expect(server.hasCookie).toBe(false)

  // Signed out, nothing runs: no further call, however long.
  await act(() => elapse(5 * TIMEOUT, 1_000))
  expect(server.stats.logouts).toBe(1)
  expect(intervals).not.toHaveBeenCalled()
})

it.each([
  ['with the lock: one logout call', true, 1],
  ['control, a lock that does not exclude: two logout calls', false, 2],
])('two tabs that time out in the same instant, %s', async (_, exclusive, calls) => {
  locks.uninstall()
  locks = installLockShim({ exclusive })
  const server = createTestAuthServer({ accessTtl: 3600, latency: 20 })
  const { tabs } = openTabs(server, 2)
  renderTabs(tabs)
  await signInBoth(server, tabs)
  // The laptop slept past the timeout: on wake both tabs see the page shown again in the same task, and
  // both find their deadline gone. Only the lock keeps the second tab from calling the server too.
  vi.setSystemTime(Date.now() + TIMEOUT + 5_000)
  document.dispatchEvent(new Event('visibilitychange'))
  await act(() => elapse(1_000))
  expect(view('Tab 1')).toEqual({ status: 'unauthenticated idle', idle: 'off' })
  expect(view('Tab 2').idle).toBe('off')
  expect(server.stats.logouts).toBe(calls)
})

it('activity in the tab (pointer, keys, scroll, the tab shown again) restarts the timeout', async () => {
  const server = createTestAuthServer({ accessTtl: 3600 })
  const { tabs } = openTabs(server, 1)
  renderTabs(tabs)
  await signInBoth(server, tabs)
  for (const event of ['pointermove', 'keydown', 'scroll', 'wheel', 'pointerdown', 'touchstart']) {
    await act(() => elapse(40_000, 1_000))
    window.dispatchEvent(new Event(event))
  }
  await act(() => elapse(40_000, 1_000))
  document.dispatchEvent(new Event('visibilitychange'))
  await act(() => elapse(40_000, 1_000))
  // 320 s after sign-in, 40 s after the last activity.
  expect(view('Tab 1')).toEqual({ status: 'authenticated ', idle: 'active' })
  await act(() => elapse(20_000, 1_000))
  expect(view('Tab 1')).toEqual({ status: 'unauthenticated idle', idle: 'off' })
  expect(server.stats.logouts).toBe(1)
})

it('tells the other tabs of activity at most once every 3 s, and always the last of it', async () => {
  const server = createTestAuthServer({ accessTtl: 3600 })
  const { tabs, name } = openTabs(server, 2)
  renderTabs(tabs)
  await signInBoth(server, tabs)
  const posts = vi.spyOn(BroadcastChannel.prototype, 'postMessage')
  const idlePosts = () =>
    posts.mock.contexts.filter((channel) => (channel as BroadcastChannel).name === `${name}:idle`).length
  // Both "tabs" of this jsdom window see these events: each may tell the other twice at most in 4 s.
  await act(() => elapse(10_000, 1_000))
  for (let t = 0; t < 4_000; t += 50) {
    window.dispatchEvent(new Event('pointermove'))
    await act(() => elapse(50, 50))
  }
  expect(idlePosts()).toBeLessThanOrEqual(4)
  expect(idlePosts()).toBeGreaterThanOrEqual(2)
  // The movement of the last 3 s goes out when the window closes: nobody is left with a stale view.
  await act(() => elapse(3_000))
  expect(idlePosts()).toBeGreaterThanOrEqual(4)
})

it('activity after the deadline, before a throttled timer fired, does not bring the session back', async () => {
  const server = createTestAuthServer({ accessTtl: 3600 })
  const { tabs } = openTabs(server, 1)
  renderTabs(tabs)
  await signInBoth(server, tabs)
  // The laptop slept: the clock jumps, no timer has fired yet.
  vi.setSystemTime(Date.now() + TIMEOUT + 5_000)
  document.dispatchEvent(new Event('visibilitychange'))
  await act(settle)
  expect(view('Tab 1')).toEqual({ status: 'unauthenticated idle', idle: 'off' })
  expect(server.stats.logouts).toBe(1)
})

it('starts over on the next sign-in, and stop() turns it off', async () => {
  const server = createTestAuthServer({ accessTtl: 3600 })
  const { tabs } = openTabs(server, 1)
  renderTabs(tabs)
  await signInBoth(server, tabs)
  await act(() => elapse(TIMEOUT, 1_000))
  expect(view('Tab 1').status).toBe('unauthenticated idle')
  await act(() => tabs[0]?.login(credentials))
  expect(view('Tab 1')).toEqual({ status: 'authenticated ', idle: 'active' })
  expect(screen.getByTestId('idle').textContent).toBe('active')

  for (const stop of stops.splice(0)) stop()
  await act(() => elapse(3 * TIMEOUT, 1_000))
  expect(view('Tab 1')).toEqual({ status: 'authenticated ', idle: 'off' })
  expect(server.stats.logouts).toBe(1)
})

it('useIdle() without idleTimeout on the client says how to install it', () => {
  expectConsoleError('found no idle timeout')
  const client = makeClient({ transport: createTestAuthServer().transport })
  // Rendered to a string: the error is thrown where React reports it.
  expect(() =>
    renderToString(
      <AuthProvider client={client}>
        <IdleView label="Tab" />
      </AuthProvider>,
    ),
  ).toThrow(/useIdle\(\) found no idle timeout.*idleTimeout\(authClient, \{ timeout: 15 \* 60_000 \}\)/)
})

it('rejects a timeout that is not a positive number of ms', () => {
  const client = makeClient({ transport: createTestAuthServer().transport })
  for (const timeout of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
    expect(() => idleTimeout(client, { timeout })).toThrow(/positive number of ms/)
  }
})

it('warns by default min(60 s, 20 % of the timeout) before', async () => {
  const server = createTestAuthServer({ accessTtl: 3600 })
  const client = makeClient({ transport: server.transport })
  stops.push(idleTimeout(client, { timeout: 20_000 }))
  renderStrict(
    <StrictMode>
      <AuthProvider client={client}>
        <IdleView label="Tab 1" />
      </AuthProvider>
    </StrictMode>,
  )
  await act(() => client.login(credentials))
  await act(() => elapse(15_900, 1_000))
  expect(view('Tab 1').idle).toBe('active')
  await act(() => elapse(200))
  expect(view('Tab 1').idle).toBe('warning 4 s')
})

it('an idle sign-out left waiting for the lock never signs out the next session (issue 18 item 10)', async () => {
  const server = createTestAuthServer({ accessTtl: 3600, latency: 20 })
  const { name, tabs } = openTabs(server, 1)
  const [tab] = tabs as [AuthClient<unknown>]
  renderTabs(tabs)
  await signInBoth(server, tabs)
  // Another tab holds the idle lock (it is signing out, or frozen): this tab's sign-out waits for it.
  let release: () => void = () => {}
  const held = navigator.locks.request(
    `${name}:idle`,
    () => new Promise<void>((resolve) => (release = resolve)),
  )
  await act(() => elapse(TIMEOUT, 1_000))
  expect(tab.getState().status).toBe('authenticated')
  // Meanwhile the user signs out and in again: a new session, with a fresh timeout.
  const logout = tab.logout()
  await act(() => elapse(1_000))
  await logout
  const login = tab.login(credentials)
  await act(() => elapse(1_000))
  await login
  expect(view('Tab 1')).toEqual({ status: 'authenticated ', idle: 'active' })
  // The old sign-out gets the lock now: its session is gone, so it does nothing.
  release()
  await held
  await act(() => elapse(1_000))
  await act(settle)
  expect(view('Tab 1')).toEqual({ status: 'authenticated ', idle: 'active' })
  expect(server.stats.logouts).toBe(1)
})
