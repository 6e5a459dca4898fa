// hooks.tsx
import type { ReactNode } from 'react'
import { createAuthHooks } from 'react-jwt-session'
import type { User } from './auth'

export const { useAuth, useSession, useLogin, useAuthClient, RequireAuth } = createAuthHooks<User>()

export const AdminOnly = ({ children }: { children: ReactNode }) => (
  <RequireAuth allow={({ user }) => user.role === 'admin'} forbidden={<p>Admins only</p>}>
    {children}
  </RequireAuth>
)
