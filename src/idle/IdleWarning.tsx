import { type CSSProperties, type ReactNode, useEffect, useId, useRef } from 'react'
import { useAuthContext } from '../react/context'
import { formatDuration } from '../react/formatDuration'
import { trapFocus } from './trapFocus'
import { useIdle } from './useIdle'

export interface IdleWarningProps {
  /**
   * The dialog's title.
   * @default 'Are you still there?'
   */
  title?: ReactNode
  /**
   * Said before the countdown, e.g. why the app signs out.
   * @default 'For your security, you will be signed out soon.'
   */
  children?: ReactNode
  /**
   * The button that keeps the session (calls `stayActive()`).
   * @default 'Stay signed in'
   */
  stayLabel?: ReactNode
  /**
   * The button that signs out at once; `null` leaves it out.
   * @default 'Sign out now'
   */
  signOutLabel?: ReactNode | null
  /**
   * A class for the dialog box, to style it yourself; the built-in look is inline styles.
   * @default undefined
   */
  className?: string
}

const backdrop: CSSProperties = {
  position: 'fixed',
  inset: 0,
  zIndex: 2147483000,
  display: 'flex',
  alignItems: 'center',
  justifyContent: 'center',
  background: 'rgba(15, 23, 42, 0.45)',
}
const box: CSSProperties = {
  maxWidth: 380,
  margin: 16,
  padding: '20px 24px',
  borderRadius: 8,
  background: '#fff',
  color: '#1f2328',
  boxShadow: '0 10px 30px rgba(0, 0, 0, 0.25)',
  font: '15px/1.45 system-ui, sans-serif',
}
const buttons: CSSProperties = { display: 'flex', gap: 8, justifyContent: 'flex-end', marginTop: 16 }

/**
 * The idle timeout's warning: an accessible `alertdialog` shown in every tab while `useIdle().isWarning`,
 * with a live countdown, "Stay signed in" (counts as activity in every tab) and "Sign out now". Focus moves
 * into it and stays there until it closes, then goes back; Escape also keeps the session.
 *
 * @example
 * <AuthProvider client={authClient}><App /><IdleWarning /></AuthProvider>
 */
export function IdleWarning({
  title = 'Are you still there?',
  children = 'For your security, you will be signed out soon.',
  stayLabel = 'Stay signed in',
  signOutLabel = 'Sign out now',
  className,
}: IdleWarningProps): ReactNode {
  const { isWarning, remaining, stayActive } = useIdle()
  if (!isWarning || remaining === null) return null
  return (
    <WarningDialog
      title={title}
      stayLabel={stayLabel}
      signOutLabel={signOutLabel}
      className={className}
      remaining={remaining}
      stayActive={stayActive}
    >
      {children}
    </WarningDialog>
  )
}

interface WarningDialogProps extends Omit<IdleWarningProps, 'className'> {
  className: string | undefined
  remaining: number
  stayActive: () => void
}

function WarningDialog({
  title,
  children,
  stayLabel,
  signOutLabel,
  className,
  remaining,
  stayActive,
}: WarningDialogProps) {
  const { client } = useAuthContext('<IdleWarning>')
  const id = useId()
  const dialog = useRef<HTMLDivElement>(null)
  const stay = useRef<HTMLButtonElement>(null)
  const latestStay = useRef(stayActive)
  latestStay.current = stayActive

  useEffect(() => {
    if (dialog.current === null) return
    return trapFocus(dialog.current, stay.current, () => latestStay.current())
  }, [])

  return (
    <div style={backdrop}>
      {/* The marker (WARNING_ATTRIBUTE) tells the idle timeout that activity in the box answers the dialog;
          on the backdrop around it, activity ends the warning. */}
      <div
        data-rjs-idle-warning=""
        ref={dialog}
        role="alertdialog"
        aria-modal="true"
        aria-labelledby={`${id}-title`}
        aria-describedby={`${id}-text`}
        className={className}
        style={className === undefined ? box : undefined}
      >
        <h2 id={`${id}-title`} style={{ margin: '0 0 8px', fontSize: 18 }}>
          {title}
        </h2>
        <p id={`${id}-text`} style={{ margin: 0 }}>
          {children} Signing out in{' '}
          <strong role="timer" aria-atomic="true">
            {formatDuration(remaining)}
          </strong>
          .
        </p>
        <div style={buttons}>
          {signOutLabel === null ? null : (
            <button type="button" onClick={() => void client.logout()}>
              {signOutLabel}
            </button>
          )}
          <button ref={stay} type="button" onClick={stayActive}>
            {stayLabel}
          </button>
        </div>
      </div>
    </div>
  )
}
