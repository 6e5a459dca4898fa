import { Nav } from '../Nav'
import { Dashboard } from './Dashboard'

// The proxy has already redirected signed-out document requests; a client-side navigation is guarded by
// <RequireAuth> in the dashboard itself.
export default function DashboardPage() {
  return (
    <main>
      <Nav />
      <Dashboard />
    </main>
  )
}
