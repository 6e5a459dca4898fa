import type { ReactNode } from 'react'
import { useStore } from 'zustand'
import { useAuthContext } from './context'

export interface SignedOutProps {
  /**
   * Shown only while no user is signed in (not while loading).
   * @default null
   */
  children?: ReactNode
}

/** Renders its children only while no user is signed in (not while the session is being restored). */
export function SignedOut({ children }: SignedOutProps): ReactNode {
  const { client } = useAuthContext('<SignedOut>')
  const signedOut = useStore(client.store, (state) => state.status === 'unauthenticated')
  return signedOut ? children : null
}
