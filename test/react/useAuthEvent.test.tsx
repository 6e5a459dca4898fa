import { act } from '@testing-library/react'
import { AuthProvider, type AuthState, createAuthHooks, useAuthEvent } from 'react-jwt-session'
import { createTestAuthServer } from 'react-jwt-session/testing'
import { expect, expectTypeOf, it } from 'vitest'
import { advance, makeClient, renderStrict, setupReactTests } from './harness'

setupReactTests()

interface User {
  name: string
}

const renders = { count: 0 }

function Listener({ label, calls }: { label: string; calls: string[] }) {
  renders.count += 1
  useAuthEvent('signin', ({ source }) => calls.push(`${label}: ${source}`))
  useAuthEvent('signout', ({ reason }) => calls.push(`${label}: signed out (${reason})`))
  return <p>{label}</p>
}

it('calls the latest listener, once per event under StrictMode, and subscribing never re-renders', async () => {
  const server = createTestAuthServer({ accessTtl: 60 })
  const client = makeClient({ transport: server.transport })
  const calls: string[] = []
  const app = (label: string) => (
    <AuthProvider client={client}>
      <Listener label={label} calls={calls} />
    </AuthProvider>
  )
  const { rerender, unmount } = renderStrict(app('first'))
  await advance(0)
  expect(client.getState().reason).toBe('no-session')
  // A new listener on each render (an inline function reading a prop): the newest one is called.
  rerender(app('second'))
  renders.count = 0

  await act(() => client.login({ username: 'ada', password: 'lovelace' }))
  await act(() => client.logout())
  expect(calls).toEqual(['second: this-tab', 'second: signed out (logout)'])
  // The events changed the auth state, but this component reads none of it.
  expect(renders.count).toBe(0)

  unmount()
  await act(() => client.login({ username: 'ada', password: 'lovelace' }))
  expect(calls).toHaveLength(2)
})

it('is typed with the app User through createAuthHooks', () => {
  const hooks = createAuthHooks<User>()
  type SigninListener = Parameters<typeof hooks.useAuthEvent<'signin'>>[1]
  expectTypeOf<Parameters<SigninListener>[0]['session']['user']>().toEqualTypeOf<User>()
  expectTypeOf<AuthState<User>['user']>().toEqualTypeOf<User | null>()
})
