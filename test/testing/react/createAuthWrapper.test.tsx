import { useQuery } from '@tanstack/react-query'
import { fireEvent, render, screen } from '@testing-library/react'
import { useAuth, useAuthClient, useSession } from 'react-jwt-session'
import { createTestAuthServer } from 'react-jwt-session/testing'
import { createAuthWrapper } from 'react-jwt-session/testing/react'
import { afterEach, describe, expect, it } from 'vitest'
import { advance, setupReactTests } from '../../react/harness'

setupReactTests()

const destroy: Array<() => void> = []
afterEach(() => {
  for (const done of destroy.splice(0)) done()
})

interface Item {
  id: number
  title: string
}

/** A component as an app writes it: its data comes through client.fetch and React Query. */
function Items() {
  const client = useAuthClient()
  const items = useQuery({
    queryKey: ['items'],
    queryFn: async () => {
      const response = await client.fetch('/api/items')
      if (!response.ok) throw new Error(`items: ${response.status}`)
      return (await response.json()) as Item[]
    },
  })
  if (items.isError) return <p role="alert">{items.error.message}</p>
  return (
    <ul>
      {items.data?.map((item) => (
        <li key={item.id}>{item.title}</li>
      ))}
    </ul>
  )
}

function Who() {
  const { status, user } = useSession<{ name: string }>()
  const { logout } = useAuth()
  return (
    <div>
      <p>{status === 'authenticated' ? `Hello ${user?.name}` : status}</p>
      <button type="button" onClick={() => void logout()}>
        Sign out
      </button>
    </div>
  )
}

const server = () =>
  createTestAuthServer({
    routes: { 'GET /api/items': ({ user }) => [{ id: 1, title: `${String(user?.name)}'s first item` }] },
  })

describe('createAuthWrapper', () => {
  it('renders signed in at once with signedInAs, and client.fetch reaches the routes with the token', async () => {
    const api = server()
    const { wrapper, client } = createAuthWrapper(api, { signedInAs: 'ada' })
    destroy.push(client.destroy)
    render(
      <>
        <Who />
        <Items />
      </>,
      { wrapper },
    )
    expect(screen.getByText('Hello Ada Lovelace')).toBeTruthy()
    await advance()
    expect(screen.getByText("Ada Lovelace's first item")).toBeTruthy()
    expect(api.requests.filter((r) => r.path === '/api/items')).toEqual([
      { method: 'GET', path: '/api/items', credentials: undefined, bearer: true },
    ])
    expect(api.stats.refreshes).toBe(0)
  })

  it('signs out through the provider: the query cache is cleared and the server told', async () => {
    const api = server()
    const { wrapper, client, queryClient } = createAuthWrapper(api, { signedInAs: true })
    destroy.push(client.destroy)
    render(
      <>
        <Who />
        <Items />
      </>,
      { wrapper },
    )
    await advance()
    expect(queryClient.getQueryData(['items'])).toHaveLength(1)
    fireEvent.click(screen.getByRole('button', { name: 'Sign out' }))
    await advance()
    expect(screen.getByText('unauthenticated')).toBeTruthy()
    expect(queryClient.getQueryData(['items'])).toBeUndefined()
    expect(api.stats.logouts).toBe(1)
  })

  it('without signedInAs the provider restores the session: gate, one refresh, then signed out or in', async () => {
    const api = server()
    const anonymous = createAuthWrapper(api, { fallback: <p>Restoring…</p> })
    destroy.push(anonymous.client.destroy)
    const first = render(<Who />, { wrapper: anonymous.wrapper })
    expect(screen.getByText('Restoring…')).toBeTruthy()
    await advance()
    expect(screen.getByText('unauthenticated')).toBeTruthy()
    first.unmount()

    // A refresh cookie from an "earlier visit": the initial refresh signs the user in.
    api.signIn('ada')
    const returning = createAuthWrapper(api)
    destroy.push(returning.client.destroy)
    render(<Who />, { wrapper: returning.wrapper })
    expect(screen.getByText('loading')).toBeTruthy()
    await advance()
    expect(screen.getByText('Hello Ada Lovelace')).toBeTruthy()
    // Counted are the renewals the server granted: the first visit's refresh found no cookie.
    expect(api.stats.refreshes).toBe(1)
  })

  it('failure injection: a failed query shows, a renewal that fails keeps the session', async () => {
    const api = server()
    const { wrapper, client } = createAuthWrapper(api, { signedInAs: 'ada' })
    destroy.push(client.destroy)
    api.expireTokens()
    api.fail('503')
    render(
      <>
        <Who />
        <Items />
      </>,
      { wrapper },
    )
    await advance()
    // The 401 triggered one renewal, which failed with a 503: the session is kept, and client.fetch rejects with
    // that AuthError, so the query fails at once (retries are off in the wrapper's query client).
    expect(screen.getByRole('alert').textContent).toContain('503')
    expect(client.getState()).toMatchObject({
      status: 'authenticated',
      error: { code: 'server', status: 503 },
    })
    expect(screen.getByText('Hello Ada Lovelace')).toBeTruthy()
  })

  it('renders in StrictMode unless told not to', () => {
    const api = server()
    let renders = 0
    function Count() {
      renders += 1
      return null
    }
    const strict = createAuthWrapper(api)
    destroy.push(strict.client.destroy)
    render(<Count />, { wrapper: strict.wrapper })
    expect(renders).toBe(2)
    renders = 0
    const plain = createAuthWrapper(api, { strict: false })
    destroy.push(plain.client.destroy)
    render(<Count />, { wrapper: plain.wrapper })
    expect(renders).toBe(1)
  })
})
