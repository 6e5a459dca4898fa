import { act, screen } from '@testing-library/react'
import { AuthProvider, SignedIn, SignedOut } from 'react-jwt-session'
import { createTestAuthServer } from 'react-jwt-session/testing'
import { expect, it } from 'vitest'
import { advance, makeClient, renderStrict, setupReactTests } from './harness'

setupReactTests()

it('SignedIn and SignedOut show their children in their state only, neither while loading', async () => {
  const server = createTestAuthServer({ accessTtl: 60 })
  server.signIn()
  const client = makeClient({ transport: server.transport })
  const { container } = renderStrict(
    <AuthProvider client={client}>
      <SignedIn>
        <p>Signed in</p>
      </SignedIn>
      <SignedOut>
        <p>Signed out</p>
      </SignedOut>
    </AuthProvider>,
  )
  expect(container.textContent).toBe('')

  await advance()
  expect(container.textContent).toBe('Signed in')

  await act(() => client.logout())
  expect(container.textContent).toBe('Signed out')

  await act(() => client.login({ username: 'ada', password: 'lovelace' }))
  expect(container.textContent).toBe('Signed in')
  expect(screen.queryByText('Signed out')).toBeNull()
})
