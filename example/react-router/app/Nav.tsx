import { Link } from 'react-router'
import { useAuth } from './auth'

export function Nav() {
  const name = useAuth((state) => state.user?.name ?? null)
  return (
    <nav>
      <Link to="/">Home</Link>
      <Link to="/dashboard">Dashboard</Link>
      {name ? (
        <span>
          Signed in as <strong data-testid="user-name">{name}</strong>
        </span>
      ) : (
        <Link to="/login">Sign in</Link>
      )}
    </nav>
  )
}
