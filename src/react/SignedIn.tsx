import type { ReactNode } from 'react'
import { useAuthSelector } from './context'

export interface SignedInProps {
  /**
   * Shown only while a user is signed in.
   * @default null
   */
  children?: ReactNode
}

/** Renders its children only while a user is signed in (not while loading). */
export function SignedIn({ children }: SignedInProps): ReactNode {
  const signedIn = useAuthSelector('<SignedIn>', (state) => state.status === 'authenticated')
  return signedIn ? children : null
}
