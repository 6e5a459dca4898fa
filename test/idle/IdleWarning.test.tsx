import { act, fireEvent, screen } from '@testing-library/react'
import { AuthProvider } from 'react-jwt-session'
import { IdleWarning, idleTimeout } from 'react-jwt-session/idle'
import { createTestAuthServer } from 'react-jwt-session/testing'
import { afterEach, expect, it } from 'vitest'
import { elapse } from '../helpers/tabs'
import { makeClient, renderStrict, setupReactTests } from '../react/harness'

setupReactTests()

const stops: Array<() => void> = []
afterEach(() => {
  for (const stop of stops.splice(0)) stop()
})

async function warned() {
  const server = createTestAuthServer({ accessTtl: 3600 })
  const client = makeClient({ transport: server.transport })
  stops.push(idleTimeout(client, { timeout: 60_000, warning: 30_000 }))
  renderStrict(
    <AuthProvider client={client}>
      <button type="button">Page button</button>
      <IdleWarning />
    </AuthProvider>,
  )
  await act(() => client.login({ username: 'ada', password: 'lovelace' }))
  const page = screen.getByRole('button', { name: 'Page button' })
  page.focus()
  expect(screen.queryByRole('alertdialog')).toBeNull()
  await act(() => elapse(30_000, 1_000))
  return { server, client, page }
}

it('opens in the warning as a labelled alertdialog with a live countdown, focus inside', async () => {
  await warned()
  const dialog = screen.getByRole('alertdialog', { name: 'Are you still there?' })
  expect(dialog.getAttribute('aria-modal')).toBe('true')
  const description = document.getElementById(dialog.getAttribute('aria-describedby') ?? '')
  expect(description?.textContent).toBe(
    'For your security, you will be signed out soon. Signing out in 0:30.',
  )
  expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Stay signed in' }))
  expect(screen.getByRole('timer').textContent).toBe('0:30')
  await act(() => elapse(1_000))
  expect(screen.getByRole('timer').textContent).toBe('0:29')
  await act(() => elapse(10_000, 1_000))
  expect(screen.getByRole('timer').textContent).toBe('0:19')
})

it('keeps focus inside: Tab and Shift+Tab wrap, focus moved outside comes back, keys do not close it', async () => {
  const { page } = await warned()
  const dialog = screen.getByRole('alertdialog')
  const stay = screen.getByRole('button', { name: 'Stay signed in' })
  const signOut = screen.getByRole('button', { name: 'Sign out now' })
  fireEvent.keyDown(stay, { key: 'Tab' })
  expect(document.activeElement).toBe(signOut)
  fireEvent.keyDown(signOut, { key: 'Tab', shiftKey: true })
  expect(document.activeElement).toBe(stay)
  act(() => page.focus())
  expect(dialog.contains(document.activeElement)).toBe(true)
  // Keys pressed to move around the dialog answer it; they are not the activity that would close it.
  await act(() => elapse(2_000))
  expect(screen.getByRole('alertdialog')).toBeTruthy()
})

it('"Stay signed in" closes it, restarts the timeout and gives focus back', async () => {
  const { page, client } = await warned()
  fireEvent.click(screen.getByRole('button', { name: 'Stay signed in' }))
  await act(() => elapse(0))
  expect(screen.queryByRole('alertdialog')).toBeNull()
  expect(document.activeElement).toBe(page)
  await act(() => elapse(29_000, 1_000))
  expect(screen.queryByRole('alertdialog')).toBeNull()
  expect(client.getState().status).toBe('authenticated')
})

it('Escape keeps the session too; activity elsewhere on the page ends the warning', async () => {
  await warned()
  fireEvent.keyDown(screen.getByRole('alertdialog'), { key: 'Escape' })
  await act(() => elapse(0))
  expect(screen.queryByRole('alertdialog')).toBeNull()
  await act(() => elapse(30_000, 1_000))
  expect(screen.getByRole('alertdialog')).toBeTruthy()
  act(() => {
    window.dispatchEvent(new Event('scroll'))
  })
  expect(screen.queryByRole('alertdialog')).toBeNull()
})

it('"Sign out now" signs out at once; at the end of the countdown the dialog goes with the session', async () => {
  const { server, client } = await warned()
  fireEvent.click(screen.getByRole('button', { name: 'Sign out now' }))
  await act(() => elapse(0))
  expect(client.getState()).toMatchObject({ status: 'unauthenticated', reason: 'logout' })
  expect(screen.queryByRole('alertdialog')).toBeNull()
  expect(server.stats.logouts).toBe(1)
})

it.each([
  ['a pointer move on the backdrop', (backdrop: Element) => fireEvent.pointerMove(backdrop)],
  ['the wheel on the backdrop', (backdrop: Element) => fireEvent.wheel(backdrop)],
  ['a click on the backdrop', (backdrop: Element) => fireEvent.pointerDown(backdrop)],
])('%s ends the warning, as activity anywhere on the page does (issue 18 item 10)', async (_label, act_) => {
  await warned()
  const dialog = screen.getByRole('alertdialog')
  // The pointer moving over the dialog's own buttons answers it: the warning stays.
  fireEvent.pointerMove(screen.getByRole('button', { name: 'Sign out now' }))
  await act(() => elapse(1_000))
  expect(screen.queryByRole('alertdialog')).not.toBeNull()
  act_(dialog.parentElement as Element)
  await act(() => elapse(1_000))
  expect(screen.queryByRole('alertdialog')).toBeNull()
})

it('reads its channel name from the client (crossTab.name), with no name option', async () => {
  const server = createTestAuthServer({ accessTtl: 3600 })
  const name = `idle-name-${Math.random().toString(36).slice(2)}`
  const client = makeClient({ transport: server.transport, crossTab: { name } })
  const heard: unknown[] = []
  const listener = new BroadcastChannel(`${name}:idle`)
  listener.onmessage = (event) => heard.push(event.data)
  stops.push(() => listener.close())
  stops.push(idleTimeout(client, { timeout: 60_000, warning: 30_000 }))
  renderStrict(
    <AuthProvider client={client}>
      <IdleWarning />
    </AuthProvider>,
  )
  await act(() => client.login({ username: 'ada', password: 'lovelace' }))
  await act(() => elapse(5_000, 1_000))
  expect(heard).toContainEqual(expect.objectContaining({ type: 'activity' }))
})
