import { type ReactNode, useEffect, useRef, useState } from 'react'
import { useAuthContext } from './context'
import { useLatest } from './useLatest'
import { useLogout } from './useLogout'

export interface SignOutProps {
  /**
   * Also revoke the user's sessions on every other device (server-side).
   * @default false
   */
  everywhere?: boolean
  /**
   * Called once when the sign-out is done (memory, other tabs and the server call), e.g. to navigate home.
   * @default undefined
   */
  onSignedOut?: () => void
  /**
   * Shown until the sign-out is done, e.g. "Signing out…". Nothing is rendered after that.
   * @default null
   */
  children?: ReactNode
}

/**
 * Signs out once when it mounts (put it on a `/logout` route), shows its children until that is done, then
 * calls `onSignedOut`. Safe under StrictMode: one sign-out, one call.
 *
 * @example
 * <Route path="/logout" element={<SignOut onSignedOut={() => navigate('/')}>Signing out…</SignOut>} />
 */
export function SignOut({ everywhere = false, onSignedOut, children = null }: SignOutProps): ReactNode {
  // Named first, so a missing provider is reported as <SignOut>'s, not as the hook's inside it.
  useAuthContext('<SignOut>')
  // The same path as a sign-out button on `useLogout()`: one mutation, visible to TanStack's devtools.
  const { mutate } = useLogout()
  const [done, setDone] = useState(false)
  const started = useRef(false)
  const latest = useLatest(onSignedOut)

  useEffect(() => {
    // Refs survive StrictMode's unmount-and-remount of effects, so the second run does not sign out again.
    if (started.current) return
    started.current = true
    // TanStack calls `mutate`'s own callbacks only while the component is mounted: none after it unmounts.
    mutate(
      { everywhere },
      {
        onSuccess: () => {
          setDone(true)
          latest.current?.()
        },
      },
    )
  }, [mutate, everywhere, latest])

  return done ? null : children
}
