import { QueryClient, QueryClientProvider } from '@tanstack/react-query'
import { fireEvent, screen } from '@testing-library/react'
import type { ReactElement } from 'react'
import { AuthProvider, type AuthState, RequireAuth, SignedOut, useAuth, useLogin } from 'react-jwt-session'
import { createTestAuthServer } from 'react-jwt-session/testing'
import { describe, expect, it } from 'vitest'
import { advance, makeClient, renderStrict, setupReactTests } from './harness'

setupReactTests()

interface User {
  name: string
}

function LoginForm() {
  const login = useLogin<User>()
  return (
    <form
      onSubmit={(event) => {
        event.preventDefault()
        const form = new FormData(event.currentTarget)
        login.mutate({ username: form.get('username'), password: form.get('password') })
      }}
    >
      <input name="username" aria-label="Username" />
      <input name="password" type="password" aria-label="Password" />
      <button type="submit" disabled={login.isPending}>
        {login.isPending ? 'Signing in…' : 'Sign in'}
      </button>
      {login.error && (
        <p role="alert">
          {login.error.code === 'invalid_credentials'
            ? 'Wrong username or password.'
            : `Could not sign in (${login.error.code}). Try again.`}
        </p>
      )}
    </form>
  )
}

function Welcome() {
  const name = useAuth((state: AuthState<User>) => state.user?.name)
  return <h1>Welcome, {name}</h1>
}

function app(client: ReturnType<typeof makeClient>, wrap: (ui: ReactElement) => ReactElement = (ui) => ui) {
  return wrap(
    <AuthProvider client={client} fallback={<p>Loading…</p>}>
      <SignedOut>
        <LoginForm />
      </SignedOut>
      <RequireAuth>
        <Welcome />
      </RequireAuth>
    </AuthProvider>,
  )
}

/**
 * The server's 300 ms, then the mutation's result: TanStack delivers it with a 0 ms timer, which fake timers
 * place 1 ms later when it is set while timers are firing.
 */
const answered = async () => {
  await advance(300)
  await advance(1)
}

function submit(username: string, password: string) {
  fireEvent.change(screen.getByLabelText('Username'), { target: { value: username } })
  fireEvent.change(screen.getByLabelText('Password'), { target: { value: password } })
  fireEvent.click(screen.getByRole('button'))
}

describe.each([
  ['without a QueryClientProvider', (ui: ReactElement) => ui],
  [
    'inside a QueryClientProvider',
    (ui: ReactElement) => <QueryClientProvider client={new QueryClient()}>{ui}</QueryClientProvider>,
  ],
])('a login form on useLogin, %s', (_, wrap) => {
  async function signedOutForm() {
    // Each answer takes 300 ms, so the pending state is visible.
    const server = createTestAuthServer({ accessTtl: 60, latency: 300 })
    const client = makeClient({ transport: server.transport })
    renderStrict(app(client, wrap))
    await advance(300)
    expect(client.getState().reason).toBe('no-session')
    return { server, client }
  }

  it('shows the pending state, then the protected content on success', async () => {
    const { server } = await signedOutForm()
    submit('ada', 'lovelace')
    await advance(0)
    const button = screen.getByRole('button') as HTMLButtonElement
    expect(button.textContent).toBe('Signing in…')
    expect(button.disabled).toBe(true)
    expect(screen.queryByRole('heading')).toBeNull()

    await answered()
    expect(screen.getByRole('heading').textContent).toBe('Welcome, Ada Lovelace')
    expect(screen.queryByRole('button')).toBeNull()
    expect(server.stats.logins).toBe(1)
  })

  it('says so when the credentials are wrong, and stays signed out', async () => {
    const { server, client } = await signedOutForm()
    submit('ada', 'babbage')
    await answered()
    expect(screen.getByRole('alert').textContent).toBe('Wrong username or password.')
    expect((screen.getByRole('button') as HTMLButtonElement).disabled).toBe(false)
    expect(client.getState().status).toBe('unauthenticated')
    expect(server.stats.failedLogins).toBe(1)

    // The next attempt succeeds and the form is gone.
    submit('ada', 'lovelace')
    await advance(300)
    expect(screen.getByRole('heading').textContent).toBe('Welcome, Ada Lovelace')
  })

  it('reports a network error', async () => {
    const { server, client } = await signedOutForm()
    server.fail('network')
    submit('ada', 'lovelace')
    await answered()
    expect(screen.getByRole('alert').textContent).toBe('Could not sign in (network). Try again.')
    expect(client.getState().status).toBe('unauthenticated')
    expect(server.stats.logins).toBe(0)
  })
})

it('keeps no credentials in the mutation cache once the form is gone', async () => {
  const server = createTestAuthServer({ accessTtl: 60, latency: 300 })
  const client = makeClient({ transport: server.transport })
  const queryClient = new QueryClient()
  renderStrict(app(client, (ui) => <QueryClientProvider client={queryClient}>{ui}</QueryClientProvider>))
  await advance(300)
  submit('ada', 'lovelace')
  await advance(0)
  // While the form shows, the pending login (password included) is in the app's mutation cache…
  expect(
    queryClient
      .getMutationCache()
      .getAll()
      .map((mutation) => mutation.state.variables),
  ).toEqual([{ username: 'ada', password: 'lovelace' }])
  await answered()
  expect(screen.getByRole('heading').textContent).toBe('Welcome, Ada Lovelace')
  // …and gone once the signed-in view replaced the form.
  expect(queryClient.getMutationCache().getAll()).toEqual([])
})
