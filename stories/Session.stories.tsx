import type { Meta, StoryObj } from '@storybook/react-vite'
import { QueryClient, QueryClientProvider, useQuery, useQueryClient } from '@tanstack/react-query'
import { useState, useSyncExternalStore } from 'react'
import { AuthProvider, RequireAuth, useAuth, useSession } from 'react-jwt-session'
import { expect, fn, userEvent, waitFor } from 'storybook/test'
import { DemoApp, GateFallback } from './support/DemoApp'
import { useHarness } from './support/harnessContext'
import { defaultStoryArgs, type StoryArgs, storyArgTypes } from './support/makeStoryClient'
import { expectField, expectRequests, fieldText } from './support/play'
import { withInspector } from './support/SessionInspector'
import type { StoryUser } from './support/storyUsers'
import { withStoryClient } from './support/withStoryClient'

function SignedInApp() {
  const { client } = useHarness()
  return (
    <AuthProvider client={client} fallback={<GateFallback />}>
      <DemoApp />
    </AuthProvider>
  )
}

interface Profile {
  user: StoryUser
  path: string
}

/** Calls a protected API with `useAuth().fetch`: the token is attached, a 401 is refreshed and retried. */
function ProfileCard() {
  const { fetch } = useAuth()
  const { server } = useHarness()
  const [profile, setProfile] = useState<Profile | null>(null)
  const [problem, setProblem] = useState<string | null>(null)
  const [loading, setLoading] = useState(false)

  const load = async () => {
    setLoading(true)
    setProblem(null)
    try {
      const response = await fetch('/api/me')
      if (!response.ok) throw new Error(`The API answered ${response.status}.`)
      setProfile((await response.json()) as Profile)
    } catch (error) {
      setProfile(null)
      setProblem((error as Error).message)
    } finally {
      setLoading(false)
    }
  }

  return (
    <section className="card" aria-label="Profile">
      <h2>Protected API</h2>
      <p className="muted">
        <code>GET /api/me</code> with <code>useAuth().fetch</code>.
      </p>
      <div className="actions">
        <button type="button" onClick={() => void load()} disabled={loading}>
          {loading ? 'Loading…' : 'Load my profile'}
        </button>
        <button type="button" onClick={() => server.expireTokens()}>
          Server rejects the current token
        </button>
      </div>
      <div className="live" aria-live="polite">
        {profile ? <p role="status">API says: {profile.user.name}</p> : null}
        {problem ? <p role="alert">{problem}</p> : null}
      </div>
    </section>
  )
}

function ApiApp() {
  const { client } = useHarness()
  return (
    <AuthProvider client={client} fallback={<GateFallback />}>
      <div className="app">
        <DemoApp />
        <ProfileCard />
      </div>
    </AuthProvider>
  )
}

/** The user's profile through TanStack Query, cached for good (`staleTime: Infinity`). */
function CachedProfile() {
  const { fetch } = useAuth()
  const profile = useQuery({
    queryKey: ['me'],
    queryFn: async () => {
      const response = await fetch('/api/me')
      if (!response.ok) throw new Error(`The API answered ${response.status}.`)
      return (await response.json()) as Profile
    },
    staleTime: Number.POSITIVE_INFINITY,
  })
  return (
    <section className="card" aria-label="Cached profile">
      <h2>Profile from the query cache</h2>
      <p role="status">{profile.data ? `Cached: ${profile.data.user.name}` : 'Loading…'}</p>
    </section>
  )
}

function CacheSize() {
  const cache = useQueryClient().getQueryCache()
  const size = useSyncExternalStore(
    // The cache changes while another component renders (useQuery builds its query then), so the update is
    // deferred to a microtask: re-rendering this one during that render is what React warns about.
    (onChange) => cache.subscribe(() => queueMicrotask(onChange)),
    () => cache.getAll().length,
  )
  return (
    <p className="muted" aria-live="polite">
      Cached queries: <strong data-testid="cache-size">{size}</strong>
    </p>
  )
}

function QueryCacheApp() {
  const { client } = useHarness()
  const [queryClient] = useState(() => new QueryClient())
  return (
    <QueryClientProvider client={queryClient}>
      <AuthProvider client={client} fallback={<GateFallback />}>
        <div className="app">
          <DemoApp />
          <RequireAuth>
            <CachedProfile />
          </RequireAuth>
          <CacheSize />
        </div>
      </AuthProvider>
    </QueryClientProvider>
  )
}

/** `useSession({ required: true })` on a protected page: once signed out, it hands the reason on. */
function RequiredPage({ onUnauthenticated }: { onUnauthenticated: (reason: string | null) => void }) {
  const [sentTo, setSentTo] = useState<string | null>(null)
  const { user } = useSession<StoryUser>({
    required: true,
    onUnauthenticated: (reason) => {
      onUnauthenticated(reason)
      setSentTo(`/login?reason=${reason ?? ''}`)
    },
  })
  if (sentTo !== null) {
    return (
      <p className="banner info" role="status">
        Redirected to <code>{sentTo}</code>
      </p>
    )
  }
  return (
    <section className="card" aria-label="Protected page">
      <h2>Protected page</h2>
      <p>Hello {user?.name ?? '…'}.</p>
    </section>
  )
}

function RequiredApp({ onUnauthenticated }: { onUnauthenticated: (reason: string | null) => void }) {
  const { client } = useHarness()
  return (
    <AuthProvider client={client} fallback={<GateFallback />}>
      <div className="app">
        <RequiredPage onUnauthenticated={onUnauthenticated} />
      </div>
    </AuthProvider>
  )
}

type SessionStoryArgs = StoryArgs & { onUnauthenticated: (reason: string | null) => void }

const meta = {
  title: 'Session/Lifecycle',
  decorators: [withInspector, withStoryClient],
  args: { ...defaultStoryArgs, onUnauthenticated: fn() },
  argTypes: { ...storyArgTypes, onUnauthenticated: { table: { disable: true } } },
  render: () => <SignedInApp />,
  parameters: {
    docs: {
      description: {
        component:
          'A signed-in session over its life: silent renewals before expiry, a server or network that fails ' +
          '(the session is kept), and the server ending it. "Skip to the refresh" moves the story clock to ' +
          'the moment the client renews; the token here lives 10 s, so it also happens on its own.',
      },
    },
  },
} satisfies Meta<SessionStoryArgs>

export default meta
type Story = StoryObj<SessionStoryArgs>

/** The user, the token's countdown, and the silent refresh: the user object stays, the token changes. */
export const SignedIn: Story = {
  args: { latency: 600 },
  play: async ({ canvas, canvasElement }) => {
    await expect(await canvas.findByRole('heading', { name: 'Signed in as Ada Lovelace' })).toBeVisible()
    await expectField(canvasElement, 'Next refresh', /^in 0:0\d$/)
    await expect(fieldText(canvasElement, 'Refresh requests')).toBe('1')

    await userEvent.click(canvas.getByRole('button', { name: 'Skip to the refresh' }))
    await expectField(canvasElement, 'Next refresh', 'renewing now…')
    await expectField(canvasElement, 'Refresh requests', '2')
    await expectField(canvasElement, 'Token expires', /^in 0:(09|10)$/)
    await expect(canvas.getByRole('heading', { name: 'Signed in as Ada Lovelace' })).toBeVisible()
    await expect(canvas.queryByRole('alert')).toBeNull()
  },
}

/** `refreshMargin: 5000`: the renewal starts 5 s before expiry instead of the default 20 % of the lifetime. */
export const CustomRefreshMargin: Story = {
  args: { accessTtl: 20, refreshMargin: 5_000 },
  play: async ({ canvas, canvasElement }) => {
    await canvas.findByRole('heading', { name: 'Signed in as Ada Lovelace' })
    await expectField(canvasElement, 'Token expires', /^in 0:(19|20)$/)
    await expectField(canvasElement, 'Next refresh', /^in 0:1[45]$/)
    await userEvent.click(canvas.getByRole('button', { name: 'Skip to the refresh' }))
    await expectField(canvasElement, 'Refresh requests', '2')
  },
}

/**
 * The auth server answers 503 to the renewal: the user stays signed in with a banner, the client retries
 * with backoff (1 s, 2 s, … ±20 %), and the banner goes once a retry succeeds. Try other failures.
 */
export const ServerTroubleThenRecovery: Story = {
  args: { failure: '503', failAt: 'renew', failTimes: 1 },
  play: async ({ canvas, canvasElement }) => {
    await canvas.findByRole('heading', { name: 'Signed in as Ada Lovelace' })
    await userEvent.click(canvas.getByRole('button', { name: 'Skip to the refresh' }))
    await expect(await canvas.findByRole('alert')).toHaveTextContent('The auth server has a problem (503)')
    await expect(fieldText(canvasElement, 'Status')).toBe('authenticated')
    await expect(fieldText(canvasElement, 'Error')).toBe('server 503')
    await waitFor(() => expect(canvas.queryByRole('alert')).toBeNull(), { timeout: 4_000 })
    await expectField(canvasElement, 'Refresh requests', '2')
    await expect(fieldText(canvasElement, 'Error')).toBe('—')
  },
}

/**
 * Offline when the renewal is due: the session is kept with an error banner, even past the token's
 * expiry. Back online, the client renews at once and the banner goes.
 */
export const OfflineThenRecovery: Story = {
  play: async ({ canvas, canvasElement }) => {
    await canvas.findByRole('heading', { name: 'Signed in as Ada Lovelace' })
    await userEvent.click(canvas.getByRole('button', { name: 'Go offline' }))
    await userEvent.click(canvas.getByRole('button', { name: 'Skip to the refresh' }))
    await expect(await canvas.findByRole('alert')).toHaveTextContent('You are offline. You stay signed in')
    await expectField(canvasElement, 'Error', 'network')

    await userEvent.click(canvas.getByRole('button', { name: 'Skip past expiry' }))
    await expectField(canvasElement, 'Token expires', /^expired/)
    await expect(fieldText(canvasElement, 'Status')).toBe('authenticated')
    await expect(canvas.getByRole('heading', { name: 'Signed in as Ada Lovelace' })).toBeVisible()

    await userEvent.click(canvas.getByRole('button', { name: 'Back online' }))
    await waitFor(() => expect(canvas.queryByRole('alert')).toBeNull())
    await expectField(canvasElement, 'Token expires', /^in 0:(09|10)$/)
    await expect(fieldText(canvasElement, 'Refresh requests')).toBe('2')
  },
}

/** The refresh token ran out on the server: the next renewal is refused and the user is signed out. */
export const SessionExpired: Story = {
  play: async ({ canvas, canvasElement }) => {
    await canvas.findByRole('heading', { name: 'Signed in as Ada Lovelace' })
    await userEvent.click(canvas.getByRole('button', { name: 'Expire the refresh token' }))
    await userEvent.click(canvas.getByRole('button', { name: 'Skip to the refresh' }))
    await expect(await canvas.findByText('Your session has expired. Sign in again.')).toBeVisible()
    await expectField(canvasElement, 'Reason', 'expired')
    await expect(canvas.getByRole('form', { name: 'Sign in' })).toBeVisible()
  },
}

/** The session was revoked on the server (signed out everywhere, or a replayed refresh token). */
export const SessionRevoked: Story = {
  play: async ({ canvas, canvasElement }) => {
    await canvas.findByRole('heading', { name: 'Signed in as Ada Lovelace' })
    await userEvent.click(canvas.getByRole('button', { name: 'Revoke every session' }))
    await userEvent.click(canvas.getByRole('button', { name: 'Skip to the refresh' }))
    await expect(await canvas.findByText(/Your session was ended on the server/)).toBeVisible()
    await expectField(canvasElement, 'Reason', 'revoked')
  },
}

/**
 * `useAuth().fetch` on a protected API: the server rejects the current token, so the call gets a 401; the
 * client refreshes once and retries, and the page gets its answer.
 */
export const ApiCallAfter401: Story = {
  render: () => <ApiApp />,
  play: async ({ canvas, canvasElement }) => {
    await canvas.findByRole('heading', { name: 'Signed in as Ada Lovelace' })
    await userEvent.click(canvas.getByRole('button', { name: 'Load my profile' }))
    await expect(await canvas.findByText('API says: Ada Lovelace')).toBeVisible()
    await expect(fieldText(canvasElement, 'Refresh requests')).toBe('1')

    await userEvent.click(canvas.getByRole('button', { name: 'Server rejects the current token' }))
    await userEvent.click(canvas.getByRole('button', { name: 'Load my profile' }))
    await expectField(canvasElement, 'Refresh requests', '2')
    await expect(await canvas.findByText('API says: Ada Lovelace')).toBeVisible()
    await expectRequests(
      canvasElement,
      /GET \/api\/me → 401\s*POST \/auth\/refresh → 200\s*GET \/api\/me → 200/,
    )
  },
}

/**
 * Signing out clears the nearest TanStack `QueryClient`, so the next user never sees the last user's
 * cached data.
 */
export const QueryCacheClearedOnSignOut: Story = {
  render: () => <QueryCacheApp />,
  play: async ({ canvas }) => {
    await expect(await canvas.findByText('Cached: Ada Lovelace')).toBeVisible()
    await expect(canvas.getByTestId('cache-size')).toHaveTextContent('1')
    await userEvent.click(canvas.getByRole('button', { name: 'Sign out' }))
    await waitFor(() => expect(canvas.getByTestId('cache-size')).toHaveTextContent('0'))

    await userEvent.type(canvas.getByLabelText('Username'), 'grace')
    await userEvent.type(canvas.getByLabelText('Password'), 'hopper')
    await userEvent.click(canvas.getByRole('button', { name: 'Sign in' }))
    await expect(await canvas.findByText('Cached: Grace Hopper')).toBeVisible()
    await expect(canvas.queryByText('Cached: Ada Lovelace')).toBeNull()
  },
}

/** `useSession({ required: true, onUnauthenticated })`: called once, with the reason, when the session ends. */
export const RequiredSession: Story = {
  render: (args) => <RequiredApp onUnauthenticated={args.onUnauthenticated} />,
  play: async ({ args, canvas }) => {
    await expect(await canvas.findByText('Hello Ada Lovelace.')).toBeVisible()
    await userEvent.click(canvas.getByRole('button', { name: 'Revoke every session' }))
    await userEvent.click(canvas.getByRole('button', { name: 'Skip to the refresh' }))
    await expect(await canvas.findByText('/login?reason=revoked')).toBeVisible()
    await expect(args.onUnauthenticated).toHaveBeenCalledTimes(1)
    await expect(args.onUnauthenticated).toHaveBeenCalledWith('revoked')
  },
}
