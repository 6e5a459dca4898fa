import { useEffect, useState } from 'react'
import { AuthProvider, RequireAuth, SignOut, useAuth, useSession } from 'react-jwt-session'

// Sign-in with an OpenID Provider through the gateway: the page has no sign-in form. A signed-out visit goes
// to the gateway's GET /auth/login, which sends the browser to the provider and, once the user has signed in
// there, back to the page it came from; the usual silent refresh then restores the session.
export const App = () => (
  <AuthProvider fallback={<p>Loading…</p>}>
    {location.pathname === '/signed-out' ? (
      <SignedOut />
    ) : (
      <RequireAuth fallback={<ToProvider />}>
        <Home />
      </RequireAuth>
    )}
  </AuthProvider>
)

function ToProvider() {
  // A sign-in that came back with an error (the user said no at the provider, no refresh token…): say so,
  // rather than sending the browser straight back to the provider.
  const error = new URLSearchParams(location.search).get('auth_error')
  const path = location.pathname + location.search.replace(/[?&]auth_error=[^&]*/, '') + location.hash
  // This tab's user just signed out: the page is on its way to the provider's sign-out page, and a redirect to
  // its sign-in page would race that navigation.
  const signingOut = useSession().reason === 'logout'
  useEffect(() => {
    if (!error && !signingOut) location.assign(`/auth/login?returnTo=${encodeURIComponent(path)}`)
  }, [error, signingOut, path])
  if (signingOut) return <p>Signing out…</p>
  if (!error) return <p>Loading…</p> // shown until the provider's page loads: never a blank page
  return (
    <p role="alert">
      Sign-in did not finish ({error}).{' '}
      <a href={`/auth/login?returnTo=${encodeURIComponent(path)}`}>Try again</a>
    </p>
  )
}

function Home() {
  const { user } = useSession<{ sub: string; name?: string; email?: string }>()
  const [me, setMe] = useState<string>('…')
  const { fetch: authFetch } = useAuth()
  useEffect(() => {
    authFetch('/api/me').then(async (r) =>
      setMe(r.ok ? ((await r.json()) as { sub: string }).sub : `HTTP ${r.status}`),
    )
  }, [authFetch])
  return (
    <main>
      <h1>Hello {user?.name ?? user?.sub}</h1>
      <p>
        Signed in at the provider as {user?.email}; the API sees <output aria-label="API user">{me}</output>.
      </p>
      <p>
        <a href="/signed-out">Sign out</a> · <ProviderSignOut />
      </p>
    </main>
  )
}

// Also ends the provider's own session: the gateway revokes the refresh token and answers the provider's
// end-session URL; the client then signs out every tab (its own call finds no cookie left: a 204).
function ProviderSignOut() {
  const { logout } = useAuth()
  const signOut = async () => {
    const answer = await fetch('/auth/logout', { method: 'POST', credentials: 'include' })
    const { logoutUrl } = answer.status === 200 ? ((await answer.json()) as { logoutUrl?: string }) : {}
    await logout()
    location.assign(logoutUrl ?? '/signed-out')
  }
  return (
    <button type="button" onClick={signOut}>
      Sign out of the provider too
    </button>
  )
}

// Signs out once on arrival (every tab, and the provider revokes the refresh token); `<SignOut>` renders its
// children only while that runs, so the message stands beside it.
function SignedOut() {
  return (
    <>
      <SignOut />
      <p>
        Signed out. <a href="/">Sign in again</a>
      </p>
    </>
  )
}
