import { createRoot } from 'react-dom/client'
import { AuthProvider, type AuthState, createAuthClient, useAuth } from 'react-jwt-session'

// The benchmark's browser page (bundled by bench/run.mjs with React's production build): one auth client
// per tab, a small React tree with render counters, and `window.bench` for the driver.
// `?crossTab=0` turns cross-tab sync off (the control runs).

interface User {
  id: string
  name: string
}

const params = new URLSearchParams(location.search)
const client = createAuthClient<User>({ crossTab: params.get('crossTab') !== '0' })
const now = () => performance.timeOrigin + performance.now()

const renders = { userReader: 0, plainChild: 0, useAuthDefault: 0, expiresAtReader: 0 }
const events = {
  signOuts: 0,
  /** performance.now() when this tab first became authenticated (ms since navigation start). */
  authenticatedAt: null as number | null,
  /** Epoch ms (high resolution) of the last sign-out in the store, before React renders it. */
  signedOutAt: null as number | null,
}

client.subscribe((state, previous) => {
  if (previous.status === 'authenticated' && state.status !== 'authenticated') {
    events.signOuts += 1
    events.signedOutAt = now()
  }
  if (state.status === 'authenticated' && events.authenticatedAt === null)
    events.authenticatedAt = performance.now()
})

/** Reads only the user: a silent refresh must not re-render it. */
function UserReader() {
  const user = useAuth((state: AuthState<User>) => state.user)
  renders.userReader += 1
  return <p>{user?.name ?? 'nobody'}</p>
}

/** `useAuth()` without a selector: status, user, error and the actions. */
function DefaultReader() {
  const { isAuthenticated } = useAuth<User>()
  renders.useAuthDefault += 1
  return <p>{isAuthenticated ? 'in' : 'out'}</p>
}

/** Control: reads the expiry, which every refresh changes, so it must re-render (the counter works). */
function ExpiresAtReader() {
  const expiresAt = useAuth((state: AuthState<User>) => state.expiresAt)
  renders.expiresAtReader += 1
  return <p>{expiresAt === null ? 'no token' : 'token'}</p>
}

/** A child of the provider that uses no hook. */
function PlainChild() {
  renders.plainChild += 1
  return <p>static</p>
}

/** What another tab's sign-out must reach: the rendered status. */
function View() {
  const status = useAuth((state: AuthState<User>) => state.status)
  return <output id="view" data-status={status} />
}

const container = document.getElementById('root')
if (!container) throw new Error('no #root')
createRoot(container).render(
  <AuthProvider client={client}>
    <View />
    <UserReader />
    <DefaultReader />
    <ExpiresAtReader />
    <PlainChild />
  </AuthProvider>,
)

/** Resolves with the time (epoch ms, high resolution) at which #view shows `status` in the DOM. */
function nextStatus(status: string): Promise<number> {
  const view = () => document.getElementById('view')
  return new Promise((resolve) => {
    if (view()?.dataset.status === status) return resolve(now())
    const observer = new MutationObserver(() => {
      if (view()?.dataset.status === status) {
        observer.disconnect()
        resolve(now())
      }
    })
    observer.observe(document.body, { subtree: true, attributes: true, childList: true })
  })
}

let armed: Promise<number> | null = null

const bench = {
  now,
  /** Starts watching for `status` in the view now; `armed()` resolves with the time it showed. */
  arm: (status: string) => {
    armed = nextStatus(status)
  },
  armed: () => armed,
  renders,
  events,
  state: () => {
    const { status, reason, expiresAt, accessToken } = client.getState()
    return { status, reason, expiresAt, hasToken: accessToken !== null }
  },
  viewStatus: () => document.getElementById('view')?.dataset.status ?? null,
  nextStatus,
  login: async (username: string, password: string) => {
    await client.login({ username, password })
    return true
  },
  /** Signs out and returns the time it started. */
  logout: () => {
    const at = now()
    void client.logout()
    return at
  },
  refresh: async () => (await client.refresh().catch(() => null)) !== null,
  resetRenders: () => {
    for (const key of Object.keys(renders) as Array<keyof typeof renders>) renders[key] = 0
  },
}

declare global {
  interface Window {
    bench: typeof bench
  }
}
window.bench = bench
