'use client'
import Link from 'next/link'
import { useAuth } from '../lib/auth'

export function Nav() {
  const name = useAuth((state) => state.user?.name ?? null)
  return (
    <nav>
      <Link href="/">Home</Link>
      <Link href="/dashboard">Dashboard</Link>
      {name ? (
        <span>
          Signed in as <strong data-testid="user-name">{name}</strong>
        </span>
      ) : (
        <Link href="/login">Sign in</Link>
      )}
    </nav>
  )
}
