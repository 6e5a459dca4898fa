import { act, screen } from '@testing-library/react'
import {
  AuthProvider,
  type SignOutReason,
  type UseSessionOptions,
  type UseSessionResult,
  useSession,
} from 'react-jwt-session'
import { createTestAuthServer } from 'react-jwt-session/testing'
import { expect, it, vi } from 'vitest'
import { advance, makeClient, renderStrict, setupReactTests } from './harness'

setupReactTests()

interface User {
  name: string
}

function SessionView({ options }: { options?: UseSessionOptions }) {
  const session = useSession<User>(options)
  return (
    <dl>
      <dt>status</dt>
      <dd data-testid="status">{session.status}</dd>
      <dt>name</dt>
      <dd data-testid="name">{session.user?.name ?? '-'}</dd>
      <dt>reason</dt>
      <dd data-testid="reason">{session.reason ?? '-'}</dd>
    </dl>
  )
}

function SessionProbe({ results }: { results: UseSessionResult<User>[] }) {
  results.push(useSession<User>())
  return null
}

const text = (id: string) => screen.getByTestId(id).textContent

it('returns the session: user, claims, token and expiry', async () => {
  const server = createTestAuthServer({ accessTtl: 60 })
  server.signIn()
  const client = makeClient<User>({ transport: server.transport })
  const results: UseSessionResult<User>[] = []
  renderStrict(
    <AuthProvider client={client}>
      <SessionProbe results={results} />
    </AuthProvider>,
  )
  expect(results.at(-1)).toMatchObject({
    status: 'loading',
    user: null,
    accessToken: null,
    reason: null,
    error: null,
  })
  await advance()
  const receivedAt = Date.now()
  expect(results.at(-1)).toEqual({
    status: 'authenticated',
    user: { username: 'ada', sub: 'user-ada', name: 'Ada Lovelace' },
    claims: expect.objectContaining({ sub: 'user-ada', name: 'Ada Lovelace' }),
    accessToken: client.getState().accessToken,
    expiresAt: receivedAt + 60_000,
    reason: null,
    error: null,
  })
  expect(results.at(-1)?.accessToken).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/)
})

it('required: calls onUnauthenticated once per sign-out, with the reason', async () => {
  const server = createTestAuthServer({ accessTtl: 60 })
  const client = makeClient<User>({ transport: server.transport })
  const onUnauthenticated = vi.fn<(reason: SignOutReason | null) => void>()
  renderStrict(
    <AuthProvider client={client}>
      <SessionView options={{ required: true, onUnauthenticated }} />
    </AuthProvider>,
  )
  expect(text('status')).toBe('loading')
  expect(onUnauthenticated).not.toHaveBeenCalled()

  await advance()
  expect(text('reason')).toBe('no-session')
  expect(onUnauthenticated.mock.calls).toEqual([['no-session']])

  await act(() => client.login({ username: 'ada', password: 'lovelace' }))
  expect(text('name')).toBe('Ada Lovelace')
  await advance(60_000)
  expect(onUnauthenticated).toHaveBeenCalledTimes(1)

  await act(() => client.logout())
  expect(text('status')).toBe('unauthenticated')
  expect(onUnauthenticated.mock.calls).toEqual([['no-session'], ['logout']])
})

it('without required, onUnauthenticated is not called', async () => {
  const server = createTestAuthServer({ accessTtl: 60 })
  const client = makeClient<User>({ transport: server.transport })
  const onUnauthenticated = vi.fn()
  renderStrict(
    <AuthProvider client={client}>
      <SessionView options={{ onUnauthenticated }} />
    </AuthProvider>,
  )
  await advance()
  expect(text('status')).toBe('unauthenticated')
  expect(onUnauthenticated).not.toHaveBeenCalled()
})
