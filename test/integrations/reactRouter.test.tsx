import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react'
import { type ReactNode, StrictMode } from 'react'
import {
  type AuthClient,
  AuthProvider,
  type AuthState,
  createAuthClient,
  RequireAuth,
  safeReturnTo,
  useAuth,
  useLogin,
} from 'react-jwt-session'
import { createTestAuthServer, type TestAuthServer } from 'react-jwt-session/testing'
import {
  createMemoryRouter,
  type LoaderFunctionArgs,
  MemoryRouter,
  Navigate,
  Outlet,
  Route,
  RouterProvider,
  Routes,
  redirect,
  useLoaderData,
  useLocation,
  useSearchParams,
} from 'react-router'
import { afterEach, describe, expect, it } from 'vitest'

// The React Router recipe of docs/recipes.md, in StrictMode against the strict test server: a guarded route
// sends a signed-out visitor to /login?next=…, and signing in brings them back.

interface User {
  sub: string
  name: string
}

// --- the recipe ------------------------------------------------------------------------------------------

/** Reasons that mean "the user signed out": the next sign-in may be someone else, so no way back here. */
const SIGNED_OUT = ['logout', 'other-tab', 'idle']

function RequireSignIn({ children }: { children: ReactNode }) {
  const location = useLocation()
  const reason = useAuth((state: AuthState<User>) => state.reason)
  const next = encodeURIComponent(location.pathname + location.search + location.hash)
  const login = SIGNED_OUT.includes(reason ?? '') ? '/login' : `/login?next=${next}`
  return (
    <RequireAuth loading={<p>Checking your session…</p>} fallback={<Navigate to={login} replace />}>
      {children}
    </RequireAuth>
  )
}

function LoginPage() {
  const [params] = useSearchParams()
  const signedIn = useAuth((state: AuthState<User>) => state.status === 'authenticated')
  const login = useLogin<User>()
  // Signed in (just now, or already when the page opened): go where the visitor was headed.
  if (signedIn) return <Navigate to={safeReturnTo(params.get('next'))} replace />
  return (
    <form
      onSubmit={(event) => {
        event.preventDefault()
        const form = new FormData(event.currentTarget)
        login.mutate({ username: form.get('username'), password: form.get('password') })
      }}
    >
      <h1>Sign in</h1>
      <input name="username" aria-label="Username" />
      <input name="password" type="password" aria-label="Password" />
      <button type="submit" disabled={login.isPending}>
        Sign in
      </button>
      {login.error ? <p role="alert">{login.error.code}</p> : null}
    </form>
  )
}

function Dashboard() {
  const name = useAuth((state: AuthState<User>) => state.user?.name)
  const { logout } = useAuth()
  return (
    <section>
      <h1>Dashboard of {name}</h1>
      <button type="button" onClick={() => void logout()}>
        Sign out
      </button>
    </section>
  )
}

// --- test scaffolding ------------------------------------------------------------------------------------

/** Shows where the router is and keeps every location it visited. */
const visited: string[] = []
function WhereAmI() {
  const location = useLocation()
  const here = location.pathname + location.search
  if (visited.at(-1) !== here) visited.push(here)
  return <output data-testid="location">{here}</output>
}

const clients: AuthClient<User>[] = []
afterEach(() => {
  cleanup()
  for (const client of clients.splice(0)) client.destroy()
  visited.length = 0
})

function setup() {
  const server = createTestAuthServer()
  const client = createAuthClient<User>({ fetch: server.fetch, crossTab: false })
  clients.push(client)
  return { server, client }
}

function renderDeclarative(client: AuthClient<User>, initialEntry: string) {
  return render(
    <StrictMode>
      <AuthProvider client={client}>
        <MemoryRouter initialEntries={[initialEntry]}>
          <WhereAmI />
          <Routes>
            <Route path="/" element={<h1>Home</h1>} />
            <Route path="/login" element={<LoginPage />} />
            <Route
              path="/dashboard"
              element={
                <RequireSignIn>
                  <Dashboard />
                </RequireSignIn>
              }
            />
          </Routes>
        </MemoryRouter>
      </AuthProvider>
    </StrictMode>,
  )
}

const refreshCalls = (server: TestAuthServer) =>
  server.requests.filter((r) => r.path === '/auth/refresh').length

/** Waits for the page whose heading is `name`, then returns every heading shown: that one page, alone. */
async function pageShown(name: string) {
  await screen.findByRole('heading', { name })
  return screen.getAllByRole('heading').map((heading) => heading.textContent)
}

async function signIn(username = 'ada', password = 'lovelace') {
  fireEvent.change(screen.getByLabelText('Username'), { target: { value: username } })
  fireEvent.change(screen.getByLabelText('Password'), { target: { value: password } })
  fireEvent.click(screen.getByRole('button', { name: 'Sign in' }))
}

describe('React Router (declarative routes): RequireAuth with redirect-back', () => {
  it('sends a signed-out visitor to /login?next=…, and signing in brings them back', async () => {
    const { server, client } = setup()
    renderDeclarative(client, '/dashboard?tab=billing')

    expect(await pageShown('Sign in')).toEqual(['Sign in'])
    expect(screen.getByTestId('location').textContent).toBe('/login?next=%2Fdashboard%3Ftab%3Dbilling')
    // StrictMode mounted everything twice; the session check was made once.
    expect(refreshCalls(server)).toBe(1)

    await signIn()
    expect(await pageShown('Dashboard of Ada Lovelace')).toEqual(['Dashboard of Ada Lovelace'])
    expect(screen.getByTestId('location').textContent).toBe('/dashboard?tab=billing')
    expect(server.stats).toMatchObject({ logins: 1, reuseDetections: 0 })
  })

  it('a wrong password keeps the visitor on the login page with the error', async () => {
    const { client } = setup()
    renderDeclarative(client, '/dashboard')
    await screen.findByRole('heading', { name: 'Sign in' })
    await signIn('ada', 'wrong')
    expect((await screen.findByRole('alert')).textContent).toBe('invalid_credentials')
    expect(screen.getByTestId('location').textContent).toBe('/login?next=%2Fdashboard')
  })

  it('a visitor with a session is shown the page after the loading state, never the login page', async () => {
    const { server, client } = setup()
    server.signIn('ada')
    renderDeclarative(client, '/dashboard')
    // The loading state, with no page (no heading) yet.
    expect(Array.from(document.querySelectorAll('p'), (p) => p.textContent)).toEqual([
      'Checking your session…',
    ])
    expect(screen.queryAllByRole('heading')).toEqual([])
    expect(await pageShown('Dashboard of Ada Lovelace')).toEqual(['Dashboard of Ada Lovelace'])
    expect(visited).toEqual(['/dashboard'])
    expect(server.stats.refreshes).toBe(1)
  })

  it('ignores a next parameter that points to another site', async () => {
    const { client } = setup()
    renderDeclarative(client, '/login?next=%2F%2Fevil.example%2Fphish')
    await screen.findByRole('heading', { name: 'Sign in' })
    await signIn()
    expect(await pageShown('Home')).toEqual(['Home'])
    expect(screen.getByTestId('location').textContent).toBe('/')
  })

  it('signing out on the guarded page sends the visitor to the login page', async () => {
    const { server, client } = setup()
    server.signIn('ada')
    renderDeclarative(client, '/dashboard')
    await screen.findByRole('heading', { name: 'Dashboard of Ada Lovelace' })
    fireEvent.click(screen.getByRole('button', { name: 'Sign out' }))
    expect(await pageShown('Sign in')).toEqual(['Sign in'])
    // A plain /login: whoever signs in next starts at the home page, not on this user's page.
    expect(screen.getByTestId('location').textContent).toBe('/login')
    expect(server.stats.logouts).toBe(1)
    await signIn()
    await waitFor(() => expect(screen.getByTestId('location').textContent).toBe('/'))
  })
})

function Report() {
  const data = useLoaderData() as { user: { name: string } }
  return <h1>Report for {data.user.name}</h1>
}

describe('React Router (data mode): a loader that needs the token', () => {
  function dataRouter(client: AuthClient<User>, initialEntry: string) {
    const requireToken = async ({ request }: LoaderFunctionArgs) => {
      // Waits for the session restore that client.start() began; null means signed out.
      const token = await client.getAccessToken()
      if (token === null) {
        const url = new URL(request.url)
        throw redirect(`/login?next=${encodeURIComponent(url.pathname + url.search)}`)
      }
      const res = await client.fetch('/api/report')
      return (await res.json()) as { user: { name: string } }
    }
    return createMemoryRouter(
      [
        {
          element: <WhereAmIOutlet />,
          // Shown while the first loader (waiting for the session restore) runs.
          hydrateFallbackElement: <p>Loading…</p>,
          children: [
            { path: '/', element: <h1>Home</h1> },
            { path: '/login', element: <LoginPage /> },
            { path: '/report', loader: requireToken, element: <Report /> },
          ],
        },
      ],
      { initialEntries: [initialEntry] },
    )
  }

  it('redirects to login from the loader, and the loader runs with the token after signing in', async () => {
    const { server, client } = setup()
    // Loaders run before any component mounts, so the restore is started here, not by <AuthProvider>.
    const stop = client.start()
    const router = dataRouter(client, '/report')
    render(
      <StrictMode>
        <AuthProvider client={client}>
          <RouterProvider router={router} />
        </AuthProvider>
      </StrictMode>,
    )
    expect(await pageShown('Sign in')).toEqual(['Sign in'])
    expect(router.state.location.pathname + router.state.location.search).toBe('/login?next=%2Freport')
    expect(refreshCalls(server)).toBe(1)

    await signIn()
    expect(await pageShown('Report for Ada Lovelace')).toEqual(['Report for Ada Lovelace'])
    // StrictMode runs <Navigate>'s effect twice, so the loader may start twice (the first is aborted); every
    // call carried the token.
    const apiCalls = server.requests.filter((r) => r.path === '/api/report')
    expect(apiCalls.length).toBeGreaterThanOrEqual(1)
    expect(apiCalls.every((r) => r.bearer)).toBe(true)
    expect(refreshCalls(server)).toBe(1)
    await act(async () => router.dispose())
    stop()
  })

  it('a visitor with a session goes straight to the page: the loader waits for the restore', async () => {
    const { server, client } = setup()
    server.signIn('ada')
    const stop = client.start()
    const router = dataRouter(client, '/report')
    render(
      <StrictMode>
        <AuthProvider client={client}>
          <RouterProvider router={router} />
        </AuthProvider>
      </StrictMode>,
    )
    expect(await pageShown('Report for Ada Lovelace')).toEqual(['Report for Ada Lovelace'])
    expect(refreshCalls(server)).toBe(1)
    await act(async () => router.dispose())
    stop()
  })
})

function WhereAmIOutlet() {
  return (
    <>
      <WhereAmI />
      <Outlet />
    </>
  )
}
