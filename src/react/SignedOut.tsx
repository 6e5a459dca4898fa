import type { ReactNode } from 'react'
import { useAuthSelector } from './context'

export interface SignedOutProps {
  /**
   * Shown only while no user is signed in (not while loading).
   * @default null
   */
  children?: ReactNode
}

/** Renders its children only while no user is signed in (not while the session is being restored). */
export function SignedOut({ children }: SignedOutProps): ReactNode {
  const signedOut = useAuthSelector('<SignedOut>', (state) => state.status === 'unauthenticated')
  return signedOut ? children : null
}
