import { QueryClient, QueryClientProvider } from '@tanstack/react-query'
import { AuthProvider, RequireAuth, SignOut, safeReturnTo, useLogin, useSession } from 'react-jwt-session'
import { BrowserRouter, Link, Navigate, Route, Routes, useLocation, useNavigate, useSearchParams } from 'react-router'

const queryClient = new QueryClient()

export const App = () => (
  <QueryClientProvider client={queryClient}>
    <AuthProvider sessionHint fallback={<p>Loading…</p>}>
      <BrowserRouter useTransitions={false}>
        <Routes>
          <Route path="/login" element={<Login />} />
          <Route path="/logout" element={<Logout />} />
          <Route path="*" element={<RequireAuth fallback={<ToLogin />}><Home /></RequireAuth>} />
        </Routes>
      </BrowserRouter>
    </AuthProvider>
  </QueryClientProvider>
)

// Back to this page after signing in, unless the user (here, in another tab, or idle) just signed out.
function ToLogin() {
  const { pathname, search, hash } = useLocation()
  const signedOut = ['logout', 'other-tab', 'idle'].includes(useSession().reason ?? '')
  const to = signedOut ? '/login' : `/login?next=${encodeURIComponent(pathname + search + hash)}`
  return <><p>Loading…</p><Navigate to={to} replace /></> // shown until the redirect lands: never a blank page
}

function Login() {
  const navigate = useNavigate()
  const next = safeReturnTo(useSearchParams()[0].get('next'))
  const login = useLogin({ onSuccess: () => navigate(next, { replace: true }) })
  if (useSession().status === 'authenticated' && login.isIdle) return <Navigate to={next} replace />
  return (
    <form onSubmit={(e) => { e.preventDefault(); login.mutate(Object.fromEntries(new FormData(e.currentTarget))) }}>
      <input name="username" autoComplete="username" aria-label="Username" />
      <input name="password" type="password" autoComplete="current-password" aria-label="Password" />
      <button type="submit" disabled={login.isPending}>Sign in</button>
      {login.error && <p role="alert">{login.error.code === 'invalid_credentials' ? 'Wrong username or password.' : 'Sign-in failed; try again.'}</p>}
    </form>
  )
}

function Logout() {
  const navigate = useNavigate()
  return <SignOut onSignedOut={() => navigate('/login', { replace: true })}><p>Signing out…</p></SignOut>
}

function Home() {
  const { user } = useSession<{ name: string }>()
  return <p>Hello {user?.name}, this is {useLocation().pathname}. <Link to="/logout">Sign out</Link></p>
}
