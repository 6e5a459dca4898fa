import type { ReactNode } from 'react'
import { useStore } from 'zustand'
import { useAuthContext } from './context'

export interface SignedInProps {
  /**
   * Shown only while a user is signed in.
   * @default null
   */
  children?: ReactNode
}

/** Renders its children only while a user is signed in (not while loading). */
export function SignedIn({ children }: SignedInProps): ReactNode {
  const { client } = useAuthContext('<SignedIn>')
  const signedIn = useStore(client.store, (state) => state.status === 'authenticated')
  return signedIn ? children : null
}
