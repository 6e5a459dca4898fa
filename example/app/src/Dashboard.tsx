import { useQuery } from '@tanstack/react-query'
import { useEffect, useState } from 'react'
import { describeRefreshError, type Item, useAuth, useAuthClient, useSession } from './auth'
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
  const now = useNow(250)
  if (expiresAt === null) return null
  // The client renews `min(60 s, 20 % of the lifetime)` before expiry (its default `refreshMargin`); the
  // lifetime is read from the token's own claims.
  const lifetime =
    claims?.exp !== undefined && claims.iat !== undefined ? (claims.exp - claims.iat) * 1000 : 0
  const refreshAt = expiresAt - Math.min(60_000, lifetime * 0.2)
  const seconds = (until: number) => `${Math.max(0, Math.ceil((until - now) / 1000))} s`
  return (
    <dl className="facts">
      <dt>Next silent refresh</dt>
      <dd data-testid="next-refresh">
        {refreshing ? 'renewing now…' : error ? 'retrying with backoff' : `in ${seconds(refreshAt)}`}
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

export function Dashboard() {
  const { user, logout } = useAuth()
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
          <button type="button" className="danger" onClick={() => void logout({ everywhere: true })}>
            Sign out everywhere
          </button>
        </div>
      </section>
      <ItemList />
    </>
  )
}
