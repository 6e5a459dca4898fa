// App.tsx — the same tree on both sides
import { AuthProvider, type TokenResponse } from 'react-jwt-session'
import type { User } from './auth'
import { Routes } from './Routes'

export function App({ session }: { session: TokenResponse | null }) {
  return (
    <AuthProvider<User> initialSession={session}>
      <Routes />
    </AuthProvider>
  )
}
