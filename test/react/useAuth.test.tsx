import { act, fireEvent, screen } from '@testing-library/react'
import { AuthProvider, type AuthState, type UseAuthResult, useAuth, useAuthClient } from 'react-jwt-session'
import { createTestAuthServer } from 'react-jwt-session/testing'
import { expect, it } from 'vitest'
import { advance, makeClient, paragraphs, renderStrict, setupReactTests } from './harness'

setupReactTests()

interface User {
  sub: string
  name: string
}

function AuthProbe({ results }: { results: UseAuthResult<User>[] }) {
  const auth = useAuth<User>()
  results.push(auth)
  return (
    <button type="button" onClick={() => void auth.logout()}>
      {auth.isAuthenticated ? `Sign out ${auth.user?.name}` : auth.isLoading ? 'Loading' : 'Signed out'}
    </button>
  )
}

function SelectionProbe({ renders }: { renders: { count: number } }) {
  renders.count += 1
  const { status, name } = useAuth((state: AuthState<User>) => ({
    status: state.status,
    name: state.user?.name,
  }))
  return <p>{`${status}:${name ?? '-'}`}</p>
}

function ClientProbe({ found }: { found: unknown[] }) {
  found.push(useAuthClient())
  return null
}

it('returns the state and stable actions that work', async () => {
  const server = createTestAuthServer({ accessTtl: 60 })
  server.signIn()
  const client = makeClient<User>({ fetch: server.fetch })
  const results: UseAuthResult<User>[] = []
  renderStrict(
    <AuthProvider client={client}>
      <AuthProbe results={results} />
    </AuthProvider>,
  )
  expect(results.at(-1)).toMatchObject({
    status: 'loading',
    isLoading: true,
    isAuthenticated: false,
    user: null,
  })
  await advance()
  const signedIn = results.at(-1)
  expect(signedIn).toMatchObject({
    status: 'authenticated',
    isAuthenticated: true,
    isLoading: false,
    user: expect.objectContaining({ sub: 'user-ada', name: 'Ada Lovelace' }),
    error: null,
  })
  expect(await signedIn?.getAccessToken()).toBe(client.getState().accessToken)
  const response = await signedIn?.fetch('/api/me')
  expect(response?.status).toBe(200)
  expect(server.requests.at(-1)).toMatchObject({ path: '/api/me', bearer: true })
  fireEvent.click(screen.getByRole('button'))
  await advance()
  expect(screen.getByRole('button').textContent).toBe('Signed out')
  expect(server.stats.logouts).toBe(1)

  // The same functions on every render, whatever the state did in between.
  for (const name of ['login', 'logout', 'refresh', 'getAccessToken', 'fetch'] as const) {
    expect(new Set(results.map((result) => result[name])).size).toBe(1)
    expect(results[0]?.[name]).toBe(client[name])
  }
})

it('with a selector returns the selection, also a new object each time (compared shallowly)', async () => {
  const server = createTestAuthServer({ accessTtl: 60 })
  server.signIn()
  const client = makeClient<User>({ transport: server.transport })
  const renders = { count: 0 }
  renderStrict(
    <AuthProvider client={client}>
      <SelectionProbe renders={renders} />
    </AuthProvider>,
  )
  expect(paragraphs()).toEqual(['loading:-'])
  await advance()
  expect(paragraphs()).toEqual(['authenticated:Ada Lovelace'])
  const before = renders.count
  await act(() => client.refresh())
  expect(server.stats.refreshes).toBe(2)
  expect(renders.count).toBe(before)
})

it('useAuthClient returns the provider client', () => {
  const client = makeClient({ transport: createTestAuthServer().transport })
  const found: unknown[] = []
  renderStrict(
    <AuthProvider client={client}>
      <ClientProbe found={found} />
    </AuthProvider>,
  )
  expect(found.at(-1)).toBe(client)
})
