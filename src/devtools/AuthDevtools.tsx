import { type ReactNode, useContext, useId, useState, useSyncExternalStore } from 'react'
import type { AuthClient, AuthState } from '../core/types'
import { AuthContext } from '../react/context'
import { describeTimes } from './describeTimes'
import { redact, redactedJson, tokenTail } from './redact'
import {
  buttonStyle,
  type DevtoolsPosition,
  dotStyle,
  fieldsStyle,
  headingStyle,
  logStyle,
  panelStyle,
  rootStyle,
  toggleStyle,
  typeStyle,
} from './styles'
import { useEventLog } from './useEventLog'
import { useTicker } from './useTicker'

export type { DevtoolsPosition }

export interface AuthDevtoolsProps {
  /**
   * Open the panel on the first render (later it remembers nothing: reloads start closed again).
   * @default false
   */
  initialIsOpen?: boolean
  /**
   * The corner the toggle and the panel float in.
   * @default 'bottom-right'
   */
  position?: DevtoolsPosition
  /**
   * The client to show; needed only outside an `<AuthProvider>` (or to show another client).
   * @default the client of the nearest `<AuthProvider>`
   */
  // biome-ignore lint/suspicious/noExplicitAny: any app's client, whatever its User type
  client?: AuthClient<any>
  /**
   * The clock the countdowns read; give it the client's `now` when you pass one.
   * @default Date.now
   */
  now?: () => number
}

const systemNow = () => Date.now()

const userLabel = (user: unknown): string => {
  if (user === null || user === undefined) return '—'
  if (typeof user !== 'object') return redact(String(user))
  const { name, username, email, role } = user as Record<string, unknown>
  const label = [name, username, email].find((value) => typeof value === 'string')
  if (typeof label === 'string') return redact(typeof role === 'string' ? `${label} (${role})` : label)
  return redactedJson(user, 80)
}

/**
 * What the session is doing, live, in a floating panel (as TanStack Query's devtools): status, user,
 * reason, error, the token's expiry and next renewal counting down, this tab's id and how it talks to the
 * other tabs, the last 100 events (requests with outcome and duration, tab messages, sign-ins and
 * sign-outs, errors), and buttons to renew now and sign out. Tokens show as their last 6 characters only.
 *
 * Imported from `react-jwt-session/devtools` it renders nothing in production builds; import it from
 * `react-jwt-session/devtools/production` to ship it.
 *
 * @example
 * <AuthProvider client={authClient}><App /><AuthDevtools /></AuthProvider>
 */
export function AuthDevtools({
  initialIsOpen = false,
  position = 'bottom-right',
  client: given,
  now = systemNow,
}: AuthDevtoolsProps): ReactNode {
  const context = useContext(AuthContext)
  const client = (given ?? context?.client) as AuthClient<unknown> | undefined
  if (client === undefined) {
    throw new Error(
      '[react-jwt-session] <AuthDevtools> needs a client: render it inside <AuthProvider>, or pass `client`.',
    )
  }
  const [open, setOpen] = useState(initialIsOpen)
  const panelId = useId()
  const state = useSyncExternalStore(client.subscribe, client.getState, client.getState)
  const log = useEventLog(client, now)

  return (
    <div style={rootStyle(position)} data-rjs-devtools="">
      <button
        type="button"
        style={toggleStyle}
        aria-expanded={open}
        aria-controls={panelId}
        onClick={() => setOpen(!open)}
      >
        <span style={dotStyle(state.status)} aria-hidden="true" />
        {open ? 'Close auth devtools' : 'Auth devtools'}
      </button>
      {open ? <Panel id={panelId} client={client} state={state} log={log} now={now} /> : null}
    </div>
  )
}

interface PanelProps {
  id: string
  client: AuthClient<unknown>
  state: AuthState<unknown>
  log: ReturnType<typeof useEventLog>
  now: () => number
}

function Panel({ id, client, state, log, now }: PanelProps) {
  useTicker(now, true)
  // Read at each render (the ticker's, or a state change), so a fresh token shows its full lifetime.
  const { expiry, nextRenewal } = describeTimes(state, now())
  const tab = client.getTabInfo()
  const signedIn = state.status === 'authenticated'
  const fields: [string, ReactNode][] = [
    ['Status', state.status],
    ['User', userLabel(state.user)],
    ['Reason', state.reason ?? '—'],
    [
      'Error',
      state.error ? redact(`${state.error.code}${state.error.status ? ` ${state.error.status}` : ''}`) : '—',
    ],
    ['Token', state.accessToken ? tokenTail(state.accessToken) : '—'],
    ['Token expires', expiry],
    ['Next renewal', nextRenewal],
    ['This tab', tab.id.slice(0, 8)],
    ['Cross-tab', tab.kind],
  ]
  const clock = (at: number) => new Date(at).toLocaleTimeString([], { hour12: false })

  return (
    <section id={id} style={panelStyle} aria-label="Auth devtools">
      <dl style={fieldsStyle}>
        {fields.map(([label, value]) => (
          <div key={label} style={{ display: 'contents' }}>
            <dt style={{ color: '#8b949e' }}>{label}</dt>
            <dd style={{ margin: 0 }} data-field={label}>
              {value}
            </dd>
          </div>
        ))}
      </dl>
      <div style={{ display: 'flex', flexWrap: 'wrap', gap: 6, marginTop: 10 }}>
        <button
          type="button"
          style={buttonStyle}
          disabled={!signedIn}
          // A failed renewal is in the state and the log already.
          onClick={() => void client.refresh().catch(() => {})}
        >
          Renew now
        </button>
        <button type="button" style={buttonStyle} disabled={!signedIn} onClick={() => void client.logout()}>
          Sign out
        </button>
        <button
          type="button"
          style={buttonStyle}
          disabled={!signedIn}
          onClick={() => void client.logout({ everywhere: true })}
        >
          Sign out everywhere
        </button>
      </div>
      <h3 style={headingStyle}>Events ({log.length})</h3>
      <ol style={logStyle} aria-label="Auth events">
        {log.length === 0 ? <li style={{ color: '#8b949e' }}>none yet</li> : null}
        {log
          .slice()
          .reverse()
          .map((entry) => (
            <li key={entry.seq}>
              <span style={{ color: '#8b949e' }}>{clock(entry.at)}</span>{' '}
              <span style={typeStyle(entry.type)}>{entry.type}</span> {entry.text}
            </li>
          ))}
      </ol>
    </section>
  )
}
