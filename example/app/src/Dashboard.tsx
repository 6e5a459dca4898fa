import { useQuery } from '@tanstack/react-query'
import { useEffect, useState } from 'react'
import { useLogout } from 'react-jwt-session'
import { describeRefreshError, type Item, useAuth, useAuthClient, useAuthEvent, useSession } from './auth'
import { Link } from './router'

/** The clock, re-read every `ms`, for live countdowns. */
function useNow(ms: number) {
  const [now, setNow] = useState(Date.now)
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), ms)
    return () => clearInterval(timer)
  }, [ms])
  return now
}

const clockTime = (epochMs: number) => new Date(epochMs).toLocaleTimeString([], { hour12: false })

/** Shown while the session is kept but its renewal fails (server down, 5xx, timeout). */
function RefreshErrorBanner() {
  const { status, error } = useSession()
  if (status !== 'authenticated' || error === null) return null
  return (
    <div className="banner" role="alert">
      <strong>Could not renew the session.</strong> {describeRefreshError(error)} You are still signed in; the
      renewal is retried in the background.
    </div>
  )
}

function RefreshCountdown() {
  const { expiresAt, claims, error } = useSession()
  const refreshing = useAuth((state) => state.refreshing)
  // When the client will renew, as it scheduled it: the UI never re-derives the margin.
  const refreshAt = useAuth((state) => state.refreshAt)
  const now = useNow(250)
  if (expiresAt === null) return null
  const seconds = (until: number) => `${Math.max(0, Math.ceil((until - now) / 1000))} s`
  return (
    <dl className="facts">
      <dt>Next silent refresh</dt>
      <dd data-testid="next-refresh">
        {refreshing
          ? 'renewing now…'
          : error
            ? 'retrying with backoff'
            : refreshAt === null
              ? '—'
              : `in ${seconds(refreshAt)}`}
      </dd>
      <dt>Access token expires</dt>
      <dd>{expiresAt > now ? `in ${seconds(expiresAt)}` : 'expired, waiting for the server'}</dd>
      <dt>Current token issued</dt>
      <dd>{claims?.iat !== undefined ? clockTime(claims.iat * 1000) : '—'}</dd>
    </dl>
  )
}

function ItemList() {
  const client = useAuthClient()
  const userId = useAuth((state) => state.user?.id)
  const items = useQuery({
    queryKey: ['items', userId],
    queryFn: async ({ signal }) => {
      const response = await client.fetch('/api/items', { signal })
      if (!response.ok) throw new Error(`GET /api/items answered ${response.status}`)
      return ((await response.json()) as { items: Item[] }).items
    },
  })

  return (
    <section className="card" aria-labelledby="items-title">
      <div className="row">
        <h2 id="items-title">Your items</h2>
        <button
          type="button"
          className="secondary"
          onClick={() => items.refetch()}
          disabled={items.isFetching}
        >
          Reload list
        </button>
      </div>
      <p
        className={items.isError && !items.isFetching ? 'muted error' : 'muted'}
        role="status"
        aria-live="polite"
      >
        {items.isFetching
          ? 'Loading…'
          : items.isError
            ? `Could not load the items: ${items.error.message}`
            : items.dataUpdatedAt > 0
              ? `Loaded at ${clockTime(items.dataUpdatedAt)} through client.fetch.`
              : null}
      </p>
      {items.data && (
        <ul className="items" aria-label="Items">
          {items.data.map((item) => (
            <li key={item.id}>
              <span className={item.done ? 'done' : 'open'} aria-hidden="true">
                {item.done ? '✓' : '○'}
              </span>{' '}
              {item.title}
              {item.done && <span className="visually-hidden"> (done)</span>}
            </li>
          ))}
        </ul>
      )}
    </section>
  )
}

/** The last auth events of this tab, from `useAuthEvent`: renewals (here or in another tab) and failures. */
function AuthEvents() {
  const [events, setEvents] = useState<{ id: number; at: number; text: string }[]>([])
  const add = (text: string) =>
    setEvents((previous) =>
      [{ id: (previous[0]?.id ?? 0) + 1, at: Date.now(), text }, ...previous].slice(0, 5),
    )
  useAuthEvent('refresh', ({ source }) =>
    add(source === 'this-tab' ? 'Token renewed by this tab' : 'Token renewed by another tab'),
  )
  useAuthEvent('error', ({ error }) => add(`Renewal failed: ${describeRefreshError(error)}`))
  return (
    <section className="card" aria-labelledby="events-title">
      <h2 id="events-title">Auth events</h2>
      {events.length === 0 ? (
        <p className="muted">None yet: the first renewal shows here.</p>
      ) : (
        <ul className="events" aria-label="Auth events">
          {events.map((event) => (
            <li key={event.id}>
              <span className="muted">{clockTime(event.at)}</span> {event.text}
            </li>
          ))}
        </ul>
      )}
    </section>
  )
}

export function Dashboard() {
  const user = useAuth((state) => state.user)
  const logout = useLogout()
  return (
    <>
      <RefreshErrorBanner />
      <section className="card" aria-labelledby="dashboard-title">
        <h1 id="dashboard-title">Dashboard</h1>
        <p>
          Hello, <strong>{user?.name}</strong> <span className="badge">{user?.role}</span>
        </p>
        <RefreshCountdown />
        <div className="actions">
          <Link to="/logout" className="button secondary">
            Sign out
          </Link>
          <button
            type="button"
            className="danger"
            onClick={() => logout.mutate({ everywhere: true })}
            disabled={logout.isPending}
          >
            Sign out everywhere
          </button>
        </div>
      </section>
      <ItemList />
      <AuthEvents />
    </>
  )
}
