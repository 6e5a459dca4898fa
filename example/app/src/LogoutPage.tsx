import { SignOut } from 'react-jwt-session'
import { navigate } from './router'

const toLogin = () => navigate('/login', { replace: true })

export function LogoutPage() {
  return (
    <SignOut onSignedOut={toLogin}>
      <p role="status">Signing out…</p>
    </SignOut>
  )
}
