import { QueryClientProvider } from '@tanstack/react-query'
import { AuthProvider, SignedIn } from 'react-jwt-session'
import { AuthDevtools } from 'react-jwt-session/devtools'
import { IdleWarning } from 'react-jwt-session/idle'
import { authClient, idleEnabled, loginUrl, queryClient, RequireAuth, useAuth } from './auth'
import { Dashboard } from './Dashboard'
import { LoginPage } from './LoginPage'
import { LogoutPage } from './LogoutPage'
import { Redirect, usePathname } from './router'

/** Shown while the session is restored on page load: one silent refresh, or a hand-off from an open tab. */
function Gate() {
  return (
    <div className="gate" role="status" aria-live="polite" data-testid="gate">
      <span className="spinner" aria-hidden="true" />
      Restoring your session…
    </div>
  )
}

function Routes() {
  const pathname = usePathname()
  const reason = useAuth((state) => state.reason)
  switch (pathname) {
    case '/login':
      return <LoginPage />
    case '/dashboard':
      return (
        <RequireAuth fallback={<Redirect to={loginUrl(pathname + window.location.search, reason)} />}>
          <Dashboard />
        </RequireAuth>
      )
    case '/logout':
      return <LogoutPage />
    case '/':
      return <Redirect to="/dashboard" />
    default:
      return (
        <section>
          <h1>Page not found</h1>
          <p>
            Nothing lives at <code>{pathname}</code>. <a href="/dashboard">Go to the dashboard</a>.
          </p>
        </section>
      )
  }
}

function Header() {
  const name = useAuth((state) => state.user?.name)
  return (
    <header className="top">
      <span className="brand">react-jwt-session demo</span>
      <SignedIn>
        <span className="who">
          Signed in as <strong>{name}</strong>
        </span>
      </SignedIn>
    </header>
  )
}

export function App() {
  return (
    <QueryClientProvider client={queryClient}>
      <AuthProvider client={authClient} fallback={<Gate />}>
        <Header />
        <main>
          <Routes />
        </main>
        {idleEnabled ? <IdleWarning /> : null}
        {/* Nothing in the production build; `react-jwt-session/devtools/production` would keep it. */}
        <AuthDevtools />
      </AuthProvider>
    </QueryClientProvider>
  )
}
