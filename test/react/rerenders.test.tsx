import { screen } from '@testing-library/react'
import { AuthProvider, type AuthState, RequireAuth, SignedIn, useAuth, useSession } from 'react-jwt-session'
import { createTestAuthServer } from 'react-jwt-session/testing'
import { expect, it } from 'vitest'
import { advance, makeClient, paragraphs, renderStrict, setupReactTests } from './harness'

setupReactTests()

interface User {
  name: string
}

const renders = { user: 0, auth: 0, plain: 0, guarded: 0, token: 0 }

function UserName() {
  renders.user += 1
  const user = useAuth((state: AuthState<User>) => state.user)
  return <p>{user?.name}</p>
}

function FullAuth() {
  renders.auth += 1
  const { isAuthenticated } = useAuth()
  return <p>{isAuthenticated ? 'yes' : 'no'}</p>
}

function Plain() {
  renders.plain += 1
  return <p>no hook here</p>
}

function Guarded() {
  renders.guarded += 1
  return <p>guarded</p>
}

// The control: it reads the token, so it must re-render, which proves the refresh reached React.
function Token() {
  renders.token += 1
  const { accessToken } = useSession()
  return <p data-testid="token">{accessToken}</p>
}

it('a silent refresh re-renders only the components that read the token', async () => {
  const server = createTestAuthServer({ accessTtl: 60 })
  server.signIn()
  const client = makeClient({ transport: server.transport })
  renderStrict(
    <AuthProvider client={client} fallback={<p>Loading</p>}>
      <UserName />
      <FullAuth />
      <Plain />
      <SignedIn>
        <RequireAuth>
          <Guarded />
        </RequireAuth>
      </SignedIn>
      <Token />
    </AuthProvider>,
  )
  await advance()
  expect(paragraphs().slice(0, 4)).toEqual(['Ada Lovelace', 'yes', 'no hook here', 'guarded'])
  expect(server.stats.refreshes).toBe(1)
  const before = { ...renders }
  const tokenBefore = screen.getByTestId('token').textContent

  // 60 s token, 12 s margin: the silent refresh runs at 48 s (refreshing: true, new token, refreshing: false).
  await advance(48_000)
  expect(server.stats.refreshes).toBe(2)
  expect(screen.getByTestId('token').textContent).not.toBe(tokenBefore)

  const during = {
    user: renders.user - before.user,
    auth: renders.auth - before.auth,
    plain: renders.plain - before.plain,
    guarded: renders.guarded - before.guarded,
  }
  expect(during).toEqual({ user: 0, auth: 0, plain: 0, guarded: 0 })
  expect(renders.token - before.token).toBeGreaterThan(0)
})
