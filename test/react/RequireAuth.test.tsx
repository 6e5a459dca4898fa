import { act, screen } from '@testing-library/react'
import { AuthProvider, RequireAuth, type Session } from 'react-jwt-session'
import { createTestAuthServer } from 'react-jwt-session/testing'
import { describe, expect, it, vi } from 'vitest'
import { advance, makeClient, paragraphs, renderStrict, setupReactTests } from './harness'

setupReactTests()

interface User {
  name: string
  role?: string
}

const users = [
  { username: 'ada', password: 'lovelace', sub: 'user-ada', name: 'Ada Lovelace', role: 'admin' },
  { username: 'grace', password: 'hopper', sub: 'user-grace', name: 'Grace Hopper' },
]

function setup(username?: string) {
  const server = createTestAuthServer({ accessTtl: 60, users, latency: 100 })
  if (username) server.signIn(username)
  const client = makeClient<User>({ transport: server.transport })
  const allow = vi.fn((session: Session<User>) => session.user.role === 'admin')
  renderStrict(
    <AuthProvider client={client}>
      <RequireAuth<User>
        allow={allow}
        loading={<p>Checking session…</p>}
        fallback={<p>Please sign in</p>}
        forbidden={<p>Admins only</p>}
      >
        <p>Admin area</p>
      </RequireAuth>
    </AuthProvider>,
  )
  return { server, client, allow }
}

it('shows loading, then the children for an allowed user', async () => {
  const { allow } = setup('ada')
  expect(paragraphs()).toEqual(['Checking session…'])
  await advance(100)
  expect(paragraphs()).toEqual(['Admin area'])
  const session = allow.mock.lastCall?.[0]
  expect(session?.user).toMatchObject({ name: 'Ada Lovelace', role: 'admin' })
  expect(session?.claims.sub).toBe('user-ada')
  expect(typeof session?.accessToken).toBe('string')
})

it('shows forbidden when allow says no', async () => {
  setup('grace')
  await advance(100)
  expect(paragraphs()).toEqual(['Admins only'])
})

it('shows the fallback when there is no session, and after sign-out', async () => {
  setup()
  await advance(100)
  expect(paragraphs()).toEqual(['Please sign in'])
})

it('swaps the children for the fallback on sign-out', async () => {
  const { client } = setup('ada')
  await advance(100)
  expect(paragraphs()).toEqual(['Admin area'])
  await act(async () => {
    void client.logout()
  })
  expect(paragraphs()).toEqual(['Please sign in'])
  expect(screen.queryByText('Admin area')).toBeNull()
})

it('renders nothing by default while loading, signed out or forbidden', async () => {
  const server = createTestAuthServer({ accessTtl: 60, users })
  server.signIn('grace')
  const client = makeClient<User>({ transport: server.transport })
  const { container } = renderStrict(
    <AuthProvider client={client}>
      <RequireAuth<User> allow={({ user }) => user.role === 'admin'}>
        <p>Admin area</p>
      </RequireAuth>
    </AuthProvider>,
  )
  expect(container.innerHTML).toBe('')
  await advance()
  expect(client.getState().status).toBe('authenticated')
  expect(container.innerHTML).toBe('')
})

describe('an auth server unreachable at start is not a sign-out', () => {
  function renderGuard(unavailable?: string) {
    const server = createTestAuthServer({ accessTtl: 60, users, latency: 100 })
    server.signIn('ada')
    server.fail('network')
    const client = makeClient<User>({ transport: server.transport })
    renderStrict(
      <AuthProvider client={client}>
        <RequireAuth<User>
          loading={<p>Checking session…</p>}
          fallback={<p>Please sign in</p>}
          {...(unavailable === undefined ? {} : { unavailable: <p>{unavailable}</p> })}
        >
          <p>Admin area</p>
        </RequireAuth>
      </AuthProvider>,
    )
    return client
  }

  it('renders `unavailable`, never the fallback, then the children once a retry succeeds', async () => {
    const client = renderGuard('Cannot reach the server, retrying…')
    await advance(100)
    expect(client.getState()).toMatchObject({ status: 'unauthenticated', reason: 'network' })
    expect(paragraphs()).toEqual(['Cannot reach the server, retrying…'])
    await advance(1_300) // the first retry: 1 s ± 20 %, then the answer's latency
    await advance(100)
    expect(client.getState().status).toBe('authenticated')
    expect(paragraphs()).toEqual(['Admin area'])
  })

  it('renders the loading element when `unavailable` is not given', async () => {
    renderGuard()
    await advance(100)
    expect(paragraphs()).toEqual(['Checking session…'])
  })
})
