import type { ReactNode } from 'react'
import { SignedIn, SignedOut, useAuth, useSession } from 'react-jwt-session'
import { LoginForm } from './LoginForm'
import { renewalErrorMessage, signOutMessage } from './messages'
import type { StoryUser } from './storyUsers'

/** The loading gate's fallback: shown while the session is being restored. */
export function GateFallback({ children = 'Restoring your session…' }: { children?: ReactNode }) {
  return (
    <p className="gate" role="status">
      <span className="spinner" aria-hidden="true" /> {children}
    </p>
  )
}

export interface AccountCardProps {
  /** What the sign-out buttons do; by default they call `logout()` from `useAuth()`. */
  onSignOut?: (everywhere: boolean) => void
}

/** The signed-in user, with sign-out buttons. */
export function AccountCard({ onSignOut }: AccountCardProps) {
  const { user, logout } = useAuth<StoryUser>()
  if (user === null) return null
  const signOut = (everywhere: boolean) => (onSignOut ? onSignOut(everywhere) : void logout({ everywhere }))
  return (
    <section className="card account" aria-label="Account">
      <h2>Signed in as {user.name}</h2>
      <p className="muted">
        {user.username} · role <strong>{user.role}</strong>
      </p>
      <div className="actions">
        <button type="button" onClick={() => signOut(false)}>
          Sign out
        </button>
        <button type="button" onClick={() => signOut(true)}>
          Sign out everywhere
        </button>
      </div>
    </section>
  )
}

/** While signed in with a failing renewal: the session is kept, and the user is told why. */
export function RenewalBanner() {
  const error = useAuth((state) => (state.status === 'authenticated' ? state.error : null))
  return (
    <div className="live" aria-live="assertive">
      {error ? (
        <p className="banner warning" role="alert">
          {renewalErrorMessage(error)}
        </p>
      ) : null}
    </div>
  )
}

/** Why the visitor is signed out, and whether the server could be told. */
export function SignedOutNotice() {
  const { reason, error } = useSession()
  const message = signOutMessage(reason)
  return (
    <div className="live" aria-live="polite">
      {message ? (
        <p
          className={`banner ${reason === 'logout' || reason === 'other-tab' ? 'info' : 'warning'}`}
          role="status"
        >
          {message}
        </p>
      ) : null}
      {reason === 'logout' && error ? (
        <p className="banner warning" role="status">
          Signed out on this device. The server could not be told ({error.code}); the refresh cookie ends with
          its lifetime.
        </p>
      ) : null}
    </div>
  )
}

/** A small app: the account when signed in, the reason and a sign-in form when not. */
export function DemoApp({ signedOutTitle = 'Sign in' }: { signedOutTitle?: string }) {
  return (
    <div className="app">
      <RenewalBanner />
      <SignedIn>
        <AccountCard />
      </SignedIn>
      <SignedOut>
        <SignedOutNotice />
        <LoginForm title={signedOutTitle} />
      </SignedOut>
    </div>
  )
}
