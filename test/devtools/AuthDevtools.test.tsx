import { act, fireEvent, screen, within } from '@testing-library/react'
import { renderToString } from 'react-dom/server'
import { AuthProvider } from 'react-jwt-session'
import { AuthDevtools } from 'react-jwt-session/devtools/production'
import { createTestAuthServer } from 'react-jwt-session/testing'
import { expect, it, vi } from 'vitest'
import { advance, makeClient, renderStrict, setupReactTests } from '../react/harness'

setupReactTests()
// jsdom renders the panel's lists slowly on a busy machine; nothing here is timed.
vi.setConfig({ testTimeout: 30_000 })

const JWT_SHAPED = /eyJ[\w-]+\.eyJ[\w-]+\.[\w-]*/
const field = (name: string) =>
  document.querySelector(`[data-rjs-devtools] dd[data-field="${name}"]`)?.textContent ?? null
const events = () =>
  within(screen.getByRole('list', { name: 'Auth events' }))
    .getAllByRole('listitem')
    .map((item) => item.textContent ?? '')

function setup(latency = 100, initialIsOpen = true) {
  const server = createTestAuthServer({ accessTtl: 60, latency })
  server.signIn()
  const client = makeClient({ fetch: server.fetch })
  renderStrict(
    <AuthProvider client={client}>
      <AuthDevtools initialIsOpen={initialIsOpen} />
    </AuthProvider>,
  )
  return { server, client }
}

it('shows every state: restoring, signed in with countdowns, renewing, failing, signed out', async () => {
  const { server, client } = setup()
  await advance(0)
  expect(field('Status')).toBe('loading')
  expect(field('Next renewal')).toBe('restoring now…')

  await advance(100)
  expect(field('Status')).toBe('authenticated')
  expect(field('User')).toBe('Ada Lovelace')
  const token = client.getState().accessToken ?? ''
  expect(field('Token')).toBe(`…${token.slice(-6)}`)
  // A 60 s token, renewed 12 s before it expires: as the client scheduled it, ticking each second.
  expect(field('Token expires')).toBe('in 1:00')
  expect(field('Next renewal')).toBe('in 0:48')
  await advance(1_000)
  expect(field('Next renewal')).toBe('in 0:47')
  expect(field('Cross-tab')).toBe('none')
  expect(field('This tab')).toBe(client.getTabInfo().id.slice(0, 8))

  fireEvent.click(screen.getByRole('button', { name: 'Renew now' }))
  await advance(0)
  expect(field('Next renewal')).toBe('renewing now…')
  await advance(100)
  expect(events()[0]).toMatch(/token renewed \(this-tab\)/)
  expect(events()[1]).toMatch(/refresh ok in 100 ms/)

  server.fail('503', 10)
  fireEvent.click(screen.getByRole('button', { name: 'Renew now' }))
  await advance(100)
  expect(field('Error')).toBe('server 503')
  expect(field('Status')).toBe('authenticated')
  expect(events().some((line) => /refresh failed in 100 ms \(server 503\)/.test(line))).toBe(true)

  fireEvent.click(screen.getByRole('button', { name: 'Sign out everywhere' }))
  await advance(200)
  expect(field('Status')).toBe('unauthenticated')
  expect(field('Reason')).toBe('logout')
  expect(field('Token')).toBe('—')
  expect(field('Next renewal')).toBe('—')
  expect(events().some((line) => /signed out: logout/.test(line))).toBe(true)
  expect((screen.getByRole('button', { name: 'Sign out' }) as HTMLButtonElement).disabled).toBe(true)
})

it('never puts a whole token in the page: not in the fields, the log, or a user object that holds one', async () => {
  const server = createTestAuthServer({ accessTtl: 60 })
  server.signIn()
  // A user object that carries the token itself: shown as JSON, with the token cut to its tail.
  const client = makeClient({
    fetch: server.fetch,
    getUser: (_claims, body) => ({ id: 'u1', token: (body as { access_token: string }).access_token }),
  })
  renderStrict(<AuthDevtools client={client} initialIsOpen />)
  await act(async () => {
    client.start()
  })
  await advance(0)
  for (let i = 0; i < 3; i += 1) {
    fireEvent.click(screen.getByRole('button', { name: 'Renew now' }))
    await advance(0)
  }
  expect(client.getState().accessToken).toMatch(JWT_SHAPED)
  expect(field('User')).toMatch(/^\{"id":"u1","token":"…[\w-]{6}"\}$/)
  expect(document.body.innerHTML).not.toMatch(JWT_SHAPED)
  expect(events().length).toBeGreaterThan(3)
})

it('keeps the last 100 events, collected while the panel is closed too', async () => {
  const { client } = setup(0, false)
  await advance(0)
  for (let i = 0; i < 60; i += 1) {
    const renewed = client.refresh()
    await advance(0)
    await renewed
  }
  expect(client.getState().status).toBe('authenticated')
  fireEvent.click(screen.getByRole('button', { name: 'Auth devtools' }))
  const lines = events()
  expect(lines).toHaveLength(100)
  expect(screen.getByRole('heading', { name: 'Events (100)' })).toBeTruthy()
  // Newest first: the oldest entries (the sign-in) have gone.
  expect(lines.some((line) => /signed in/.test(line))).toBe(false)
})

it('opens and closes from its toggle, which says whether it is open', async () => {
  const server = createTestAuthServer()
  const client = makeClient({ fetch: server.fetch })
  renderStrict(<AuthDevtools client={client} />)
  const toggle = screen.getByRole('button', { name: 'Auth devtools' })
  expect(toggle.getAttribute('aria-expanded')).toBe('false')
  expect(screen.queryByRole('region', { name: 'Auth devtools' })).toBeNull()
  fireEvent.click(toggle)
  expect(toggle.getAttribute('aria-expanded')).toBe('true')
  expect(screen.getByRole('region', { name: 'Auth devtools' }).id).toBe(toggle.getAttribute('aria-controls'))
})

it('`react-jwt-session/devtools` renders nothing in production, `/devtools/production` does', async () => {
  vi.stubEnv('NODE_ENV', 'production')
  vi.resetModules()
  const development = await import('react-jwt-session/devtools')
  const production = await import('react-jwt-session/devtools/production')
  vi.unstubAllEnvs()
  const client = makeClient({ fetch: createTestAuthServer().fetch })
  renderStrict(
    <>
      <div data-testid="dev">
        <development.AuthDevtools client={client} />
      </div>
      <div data-testid="prod">
        <production.AuthDevtools client={client} />
      </div>
    </>,
  )
  expect(screen.getByTestId('dev').innerHTML).toBe('')
  expect(within(screen.getByTestId('prod')).getByRole('button', { name: 'Auth devtools' })).toBeTruthy()
})

it('outside a provider and without a client, says what it needs', () => {
  expect(() => renderToString(<AuthDevtools />)).toThrow(/needs a client: render it inside <AuthProvider>/)
})

it('hides every field named like a secret whatever its shape, and every token however it is spelled (issue 18 item 15)', async () => {
  const server = createTestAuthServer({ accessTtl: 60 })
  server.signIn()
  const segment = (json: string) => btoa(json).replace(/=+$/, '')
  // A token the client accepts, with a pretty-printed header: the old `eyJ…` pattern did not see it.
  const pretty = `${segment('{\n  "alg": "none"\n}')}.${segment('{\n  "sub": "u1"\n}')}.c2lnbmF0dXJl`
  const client = makeClient({
    fetch: server.fetch,
    getUser: () => ({
      id: 'u1',
      refresh_token: 'opaque-refresh-SECRET1',
      refreshToken: 'opaque-refresh-SECRET2',
      id_token: 'opaque-id-SECRET3',
      password: 'SECRET4',
      apiKey: 'SECRET5',
      profile: { note: `see ${pretty}` },
    }),
  })
  renderStrict(<AuthDevtools client={client} initialIsOpen />)
  await act(async () => {
    client.start()
  })
  await advance(0)
  const shown = field('User') ?? ''
  expect(shown).toContain('"id":"u1"')
  expect(shown).toContain('[hidden]')
  expect(document.body.innerHTML).not.toMatch(/SECRET\d/)
  expect(document.body.innerHTML).not.toContain(pretty.split('.')[1])
})
