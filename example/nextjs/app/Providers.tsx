'use client'
import { QueryClient, QueryClientProvider } from '@tanstack/react-query'
import { type ReactNode, StrictMode, useState } from 'react'
import { AuthProvider, type TokenResponse } from 'react-jwt-session'
import type { DemoUser } from '../lib/auth'

/** The client side of the app: one query client and one auth client per browser tab. */
export function Providers({ session, children }: { session: TokenResponse | null; children: ReactNode }) {
  const [queryClient] = useState(() => new QueryClient())
  return (
    <StrictMode>
      <QueryClientProvider client={queryClient}>
        <AuthProvider<DemoUser> initialSession={session}>{children}</AuthProvider>
      </QueryClientProvider>
    </StrictMode>
  )
}
