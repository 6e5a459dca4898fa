import {
  type AuthClient,
  type AuthClientOptions,
  type AuthState,
  createAuthClient,
  isAuthError,
} from 'react-jwt-session/core'
import { vi } from 'vitest'
import { installLockShim } from '../helpers/locks'
import { FuzzBroadcastChannel } from './channel'
import { Rng } from './prng'
import { findToken } from './scan'
import {
  API_ORIGIN,
  type Caller,
  FOREIGN_ORIGIN,
  FuzzServer,
  ORIGIN,
  type RequestRecord,
  serverThrown,
} from './server'

// One fuzzed sequence: a browser with 1–3 tabs (clients sharing the channel, the Web Locks shim and the
// server's cookie), drawn operations on drawn tabs, drawn server answers, all in virtual time. After every
// step the documented contract is checked; the first broken invariant ends the sequence.

export interface Violation {
  invariant: string
  message: string
  step: number
}

export interface SequenceResult {
  seed: number
  steps: number
  violation: Violation | null
  /** The steps up to the violation (or all of them), with the server's answers, token-free. */
  trace: string[]
  /** The state of each tab when the sequence ended, token-free. */
  snapshot: string
}

const START = Date.UTC(2026, 0, 1, 12)
const statuses = new Set(['loading', 'authenticated', 'unauthenticated'])

export type Client = AuthClient<unknown>

interface Op {
  tab: Tab
  label: string
  seq: number
  at: number
  settled: boolean
  settledAt?: number
}

interface Tab {
  label: string
  client: Client
  mounts: Array<() => void>
  destroyed: boolean
  /** Bumped by each call that supersedes what is in flight (login, setSession, logout, destroy). */
  epoch: number
  /** `refresh()` was called since the last sign-out: a signed-out client may then renew. */
  mayRenewSignedOut: boolean
  lastRefresh: RequestRecord | null
  refusal: { record: RequestRecord; token: string | null; epoch: number; unrestored: boolean } | null
  logins: Array<{ op: Op; record?: RequestRecord }>
  /** A logout reached this tab at this step: no session from a request that started before may come back. */
  loggedOutAt: number
  refreshingSince: number | null
  statusFrom: AuthState<unknown>['status'] | null
  signoutReported: boolean
  retryWatch: { from: number; until: number; seconds: number; note: string; token: string | null } | null
  /** Calls and wake-up events that may make this tab renew at once (they end the Retry-After watch). */
  pokes: number
  /** When `refreshAt` last changed (virtual ms). */
  refreshAtSince: number
  expiries: Map<string, number>
}

class Account {
  constructor(
    readonly sub: unknown,
    readonly name: unknown,
  ) {}
  greet() {
    return `hello ${String(this.name)}`
  }
}

class Handle {
  readonly sub: unknown
  readonly greet = () => 'hello'
  constructor(sub: unknown) {
    this.sub = sub
  }
}

const getUsers = {
  default: undefined,
  plain: (claims: { sub?: string | undefined; name?: unknown }) => ({ sub: claims.sub, name: claims.name }),
  classInstance: (claims: { sub?: string | undefined; name?: unknown }) =>
    new Account(claims.sub, claims.name),
  withFunction: (claims: { sub?: string | undefined }) => ({
    sub: claims.sub,
    label() {
      return 'user'
    },
  }),
  arrowField: (claims: { sub?: string | undefined }) => new Handle(claims.sub),
}

export interface SequenceOptions {
  /** At most this many steps (each sequence draws how many it runs). @default 30 */
  maxSteps?: number
  /** Invariants not checked (to look past a known failure); `all` checks none. */
  skip?: ReadonlySet<string>
  /** Only these invariants are checked (the planted-bug self-test). */
  only?: ReadonlySet<string>
  /** Wraps each client the sequence makes (the planted-bug self-test breaks it on purpose). */
  wrapClient?: (client: Client) => Client
}

export async function runSequence(
  seed: number,
  { maxSteps = 30, skip = new Set(), only, wrapClient = (client) => client }: SequenceOptions = {},
): Promise<SequenceResult> {
  const rng = new Rng(seed)
  const trace: string[] = []
  let seq = 0
  let jumped = 0
  /** Virtual ms since the start, the clock's jumps (sleep) left out. */
  const vnow = () => Date.now() - START - jumped
  /** When the laptop last woke from a sleep (virtual ms), if it did. */
  let wokeAt: number | null = null
  let step = 0
  let violation: Violation | null = null
  const scanned = new WeakSet<object>()
  const tabs: Tab[] = []
  const everyTab: Tab[] = []
  const ops: Op[] = []
  let lastSessionOp = -1
  let instances = 0

  const server = new FuzzServer(new Rng(rng.seed()), {
    seq: () => seq,
    virtual: vnow,
    trace: (line) => trace.push(line),
  })
  const needles = function* () {
    for (const issued of server.tokens.values()) yield issued.payloadSegment
  }
  const tokenName = (token: string | null | undefined) =>
    token == null
      ? 'null'
      : server.tokens.has(token)
        ? `token#${server.tokens.get(token)?.index}`
        : 'an unknown token'
  const redact = (text: string) => {
    let out = text
    for (const issued of server.tokens.values()) {
      out = out.split(issued.token).join(`<token#${issued.index}>`)
      out = out.split(issued.payloadSegment).join(`<token#${issued.index} payload>`)
    }
    return out.length > 600 ? `${out.slice(0, 600)}…` : out
  }
  const describe = (error: unknown) =>
    error instanceof Error || isAuthError(error)
      ? `${(error as Error).name}${isAuthError(error) ? `(${error.code})` : ''}: ${redact((error as Error).message)}`
      : redact(String(error))

  const violate = (invariant: string, message: string) => {
    if (!violation && !skip.has(invariant) && !skip.has('all') && (!only || only.has(invariant)))
      violation = { invariant, message: redact(message), step }
  }

  // Options shared by the tabs of this browser (one app).
  const requestTimeout = rng.pick([10_000, 10_000, 10_000, 3_000, 1_000])
  const getUserKind = rng.weighted({
    default: 12,
    plain: 3,
    classInstance: 2,
    withFunction: 2,
    arrowField: 1,
  })
  const crossTabOn = rng.chance(0.9)
  const refreshMargin = rng.chance(0.1) ? rng.pick([0, 1_000, 120_000]) : undefined
  const tabCount = crossTabOn ? rng.weighted({ 1: 4, 2: 4, 3: 2 }) : '1'
  const hangBound = 8 * requestTimeout + 5_000
  const channelName = `fuzz-${seed}`
  trace.push(
    `seed ${seed}: ${tabCount} tab(s), requestTimeout ${requestTimeout}, getUser ${getUserKind}, crossTab ${crossTabOn}` +
      `${refreshMargin === undefined ? '' : `, refreshMargin ${refreshMargin}`}`,
  )
  if (rng.chance(0.6)) server.cookie = { sub: rng.pick(['user-ada', 'user-bob']) }
  trace.push(
    `  the browser starts ${server.cookie ? `with a refresh cookie of ${server.cookie.sub}` : 'without a cookie'}`,
  )

  // ---- the leak and error checks, applied to everything the client hands out
  const leakCheck = (where: string, value: unknown, skipKeys: string[] = []) => {
    if (value !== null && typeof value === 'object') {
      if (scanned.has(value)) return
      scanned.add(value)
    }
    const path = findToken(value, needles, { skipKeys })
    if (path) violate('no-token-in-errors-events-console', `${where}: a token the server sent is in ${path}`)
  }
  const checkAuthError = (where: string, error: unknown) => {
    if (!isAuthError(error)) {
      violate('rejects-with-AuthError', `${where} threw ${describe(error)}, not an AuthError`)
      return
    }
    leakCheck(where, error)
    const cause = (error as { cause?: unknown }).cause
    // Without a cause it may be a network failure; with one, the cause must be a failure of the server's.
    if (
      error.code === 'network' &&
      cause !== undefined &&
      !(cause !== null && typeof cause === 'object' && serverThrown.has(cause))
    )
      violate(
        'network-means-network',
        `${where}: AuthError('network') although no request failed: cause ${describe(cause)}`,
      )
    if (error.retryAfter !== undefined && !(Number.isFinite(error.retryAfter) && error.retryAfter >= 0))
      violate('retry-after-is-seconds', `${where}: retryAfter is ${error.retryAfter}`)
  }

  // ---- the tabs
  const baseOptions: AuthClientOptions<unknown> = {
    requestTimeout,
    apiOrigins: [API_ORIGIN],
    crossTab: crossTabOn ? { name: channelName } : false,
    ...(refreshMargin === undefined ? {} : { refreshMargin }),
    ...(getUsers[getUserKind]
      ? { getUser: getUsers[getUserKind] as NonNullable<AuthClientOptions<unknown>['getUser']> }
      : {}),
  }

  function openTab(slot: number): Tab {
    instances += 1
    const label = `tab${slot + 1}${instances > Number(tabCount) ? `#${instances}` : ''}`
    const tab = {
      label,
      mounts: [],
      destroyed: false,
      epoch: 0,
      mayRenewSignedOut: false,
      lastRefresh: null,
      refusal: null,
      logins: [],
      loggedOutAt: -1,
      refreshingSince: null,
      statusFrom: null,
      signoutReported: true,
      retryWatch: null,
      pokes: 0,
      refreshAtSince: 0,
      expiries: new Map(),
    } as unknown as Tab
    const caller: Caller = {
      label,
      onRequest: (record) => onRequest(tab, record),
      onSettled: (record) => onSettled(tab, record),
    }
    tab.client = wrapClient(createAuthClient<unknown>({ ...baseOptions, fetch: server.fetchFor(caller) }))
    const client = tab.client
    client.subscribe((state, previous) => {
      if (state.accessToken !== previous.accessToken && state.accessToken !== null) {
        const issued = server.tokens.get(state.accessToken)
        if (!issued?.wellFormed)
          violate(
            'no-garbage-adopted',
            `${label} adopted ${issued ? `token#${issued.index}, which is malformed (${issued.note})` : 'a token the server never sent'}`,
          )
        if (state.expiresAt === null || !(state.expiresAt - Date.now() >= 1))
          violate(
            'no-garbage-adopted',
            `${label} adopted ${tokenName(state.accessToken)} already expired (expiresAt ${state.expiresAt === null ? null : state.expiresAt - Date.now()} ms from now)`,
          )
        if (state.expiresAt !== null) tab.expiries.set(state.accessToken, state.expiresAt)
      }
      if (state.refreshAt !== previous.refreshAt) tab.refreshAtSince = vnow()
      if (state.refreshing !== previous.refreshing) tab.refreshingSince = state.refreshing ? vnow() : null
      if (state.status !== previous.status) {
        tab.statusFrom = previous.status
        tab.signoutReported = false
      }
      if (previous.status === 'authenticated' && state.status !== 'authenticated')
        tab.mayRenewSignedOut = false
    })
    client.on('signout', (event) => {
      leakCheck(`${label} signout event`, event)
      if (tab.statusFrom !== 'authenticated' || tab.signoutReported)
        violate(
          'signout-only-after-signin',
          `${label} emitted signout (${event.reason}) but was not signed in`,
        )
      tab.signoutReported = true
      if (event.reason === 'expired' || event.reason === 'revoked') {
        const last = tab.lastRefresh
        if (last?.category !== 'refusal' || last.settled !== 'delivered')
          violate(
            'transient-failure-keeps-session',
            `${label} signed out (${event.reason}) after its last refresh answer was ${last ? `${last.note}${last.settled === 'aborted' ? ' (aborted)' : ''}` : 'none'}`,
          )
      }
    })
    client.on('error', (event) => checkAuthError(`${label} error event`, event.error))
    client.on('request', (event) => {
      if (event.error) checkAuthError(`${label} request event (${event.kind})`, event.error)
    })
    client.on('signin', (event) => leakCheck(`${label} signin event`, event, ['session']))
    client.on('refresh', (event) => leakCheck(`${label} refresh event`, event, ['session']))
    client.on('message', (event) => leakCheck(`${label} message event`, event))
    tabs[slot] = tab
    everyTab.push(tab)
    return tab
  }

  function onRequest(tab: Tab, record: RequestRecord) {
    const state = tab.client.getState()
    // FUZZ_DEBUG=1 (when replaying one seed): each auth request shows the state and the call stack that made it.
    if (process.env.FUZZ_DEBUG)
      trace.push(
        `      DEBUG ${record.kind} at ${vnow()} ${JSON.stringify({ ...state, accessToken: tokenName(state.accessToken), user: null, error: state.error?.code })}\n${new Error().stack?.split('\n').slice(2, 14).join('\n')}`,
      )
    if (tab.destroyed && record.kind !== 'api' && record.kind !== 'foreign')
      violate('nothing-after-destroy', `${tab.label} made a ${record.kind} request after destroy()`)
    if (record.kind === 'foreign' && record.authorization !== null)
      violate('no-bearer-to-foreign-origin', `${tab.label} sent Authorization to ${FOREIGN_ORIGIN}`)
    if (record.kind === 'refresh') {
      const watch = tab.retryWatch
      tab.retryWatch = null
      // The watch is for the retry of the renewal the server turned away: a tab that adopted another session
      // since (another tab's successful renewal) renews that one on its own schedule.
      if (watch && vnow() < watch.until && state.accessToken === watch.token)
        violate(
          'retry-after-honoured',
          `${tab.label} renewed ${vnow() - watch.from} ms after "${watch.note}" (Retry-After ${watch.seconds} s), with nothing asking for it`,
        )
      // A `client.fetch` whose request left signed in may renew on its 401 after a sign-out: not on its own.
      const fetching = ops.some((op) => op.tab === tab && !op.settled && op.label.startsWith('fetch('))
      if (
        state.status === 'unauthenticated' &&
        state.reason !== 'network' &&
        !tab.mayRenewSignedOut &&
        !tab.destroyed &&
        !fetching
      )
        violate(
          'signed-out-stays-quiet',
          `${tab.label} made a refresh request on its own while signed out (reason ${state.reason})`,
        )
      ;(record as RequestRecord & { start?: unknown }).start = {
        token: state.accessToken,
        epoch: tab.epoch,
        unrestored:
          state.status === 'loading' || (state.status === 'unauthenticated' && state.reason === 'network'),
        pokes: tab.pokes,
      }
    }
    if (record.kind === 'login') {
      const pending = tab.logins.find((login) => !login.record)
      if (pending) pending.record = record
    }
  }

  function onSettled(tab: Tab, record: RequestRecord) {
    if (record.kind !== 'refresh') return
    tab.lastRefresh = record
    const start = (
      record as RequestRecord & {
        start?: { token: string | null; epoch: number; unrestored: boolean; pokes: number }
      }
    ).start
    if (record.settled === 'delivered' && record.category === 'refusal' && start) {
      const { token, epoch, unrestored } = start
      tab.refusal = { record, token, epoch, unrestored }
    }
    const expiresAt = tab.client.getState().expiresAt
    // An answer to a call superseded meanwhile (a login, a logout) is dropped: its Retry-After with it.
    const superseded = !start || start.pokes !== tab.pokes
    if (
      record.settled === 'delivered' &&
      record.retryAfter !== undefined &&
      record.retryAfter > 0 &&
      !superseded
    ) {
      // A date counts from when the server sent it, to the second (HTTP dates have no milliseconds).
      const until = record.retryAfterIsDate
        ? record.at + record.retryAfter * 1000 - 1_000
        : vnow() + record.retryAfter * 1000
      // A token that would expire before the server's time is up may be tried earlier (capped).
      if (expiresAt === null || expiresAt - Date.now() > 2 * record.retryAfter * 1000 + 10_000)
        tab.retryWatch = {
          from: vnow(),
          until,
          seconds: record.retryAfter,
          note: record.note,
          token: tab.client.getState().accessToken,
        }
    }
  }

  const poke = (tab: Tab) => {
    tab.retryWatch = null
    tab.pokes += 1
  }

  // ---- the operations
  function track(
    tab: Tab,
    label: string,
    promise: Promise<unknown>,
    onValue: (value: unknown) => void,
    onError: (error: unknown) => void,
  ): Op {
    const op: Op = { tab, label, seq, at: vnow(), settled: false }
    ops.push(op)
    promise.then(
      (value) => {
        op.settled = true
        op.settledAt = vnow()
        onValue(value)
      },
      (error) => {
        op.settled = true
        op.settledAt = vnow()
        onError(error)
      },
    )
    return op
  }

  function perform(tab: Tab) {
    const { client } = tab
    const kind = rng.weighted({
      mount: 5,
      unmount: 3,
      login: 10,
      refresh: 6,
      getAccessToken: 8,
      fetch: 8,
      fetchForeign: 3,
      logout: 5,
      setSession: 3,
      remount: 3,
      destroy: 1,
      wait: 12,
      sleep: 2,
      wake: 4,
    })
    const line = (text: string) => trace.push(`${step}. t=${(vnow() / 1000).toFixed(3)}s ${text}`)
    switch (kind) {
      case 'mount':
        line(`${tab.label} start()`)
        poke(tab)
        tab.mounts.push(client.start())
        return 0
      case 'unmount': {
        const stop = tab.mounts.pop()
        line(`${tab.label} ${stop ? 'unmount (stop)' : 'unmount (nothing mounted)'}`)
        poke(tab)
        stop?.()
        return 0
      }
      case 'login': {
        const credentials = rng.pick([
          { username: 'ada', password: 'lovelace' },
          { username: 'bob', password: 'builder' },
          { username: 'ada', password: 'wrong' },
        ])
        line(`${tab.label} login(${credentials.username}/${credentials.password})`)
        poke(tab)
        tab.epoch += 1
        lastSessionOp = seq
        const login: { op: Op; record?: RequestRecord } = { op: undefined as unknown as Op }
        tab.logins.push(login)
        login.op = track(
          tab,
          'login()',
          client.login(credentials),
          () => {},
          (error) => {
            checkAuthError(`${tab.label} login()`, error)
            const { record } = login
            if (record?.token && client.getState().accessToken === record.token.token)
              violate(
                'failed-login-adopts-nothing',
                `${tab.label} login() rejected but its session was adopted`,
              )
            if (
              isAuthError(error) &&
              error.code === 'session_expired' &&
              record?.category === 'ok' &&
              record.settled === 'delivered' &&
              lastSessionOp === login.op.seq &&
              !tab.destroyed &&
              // A login that overlapped another (a double submit) may lose to it.
              !ops.some(
                (other) =>
                  other !== login.op &&
                  other.label === 'login()' &&
                  (other.settledAt ?? Infinity) >= login.op.at,
              )
            )
              violate(
                'login-wins-over-renewal',
                `${tab.label} login() was accepted by the server (${record.note}) but rejected with session_expired, with no logout or other sign-in since`,
              )
          },
        )
        return 0
      }
      case 'refresh':
        line(`${tab.label} refresh()`)
        poke(tab)
        tab.mayRenewSignedOut = true
        track(
          tab,
          'refresh()',
          client.refresh(),
          () => {},
          (error) => checkAuthError(`${tab.label} refresh()`, error),
        )
        return 0
      case 'getAccessToken': {
        const minValidity = rng.chance(0.7) ? undefined : rng.pick([0, 5_000, 1e9])
        line(
          `${tab.label} getAccessToken(${minValidity === undefined ? '' : `{ minValidity: ${minValidity} }`})`,
        )
        poke(tab)
        track(
          tab,
          'getAccessToken()',
          client.getAccessToken(minValidity === undefined ? {} : { minValidity }),
          (token) => {
            if (token === null) return
            if (typeof token !== 'string') {
              violate('token-is-string-or-null', `${tab.label} getAccessToken() resolved ${typeof token}`)
              return
            }
            if (tab.destroyed)
              violate(
                'nothing-after-destroy',
                `${tab.label} getAccessToken() resolved ${tokenName(token)} after destroy()`,
              )
            if (!server.tokens.get(token)?.wellFormed)
              violate(
                'no-garbage-adopted',
                `${tab.label} getAccessToken() resolved ${tokenName(token)}, malformed`,
              )
            const expiresAt = tab.expiries.get(token)
            if (expiresAt !== undefined && expiresAt <= Date.now())
              violate(
                'no-expired-token',
                `${tab.label} getAccessToken() resolved ${tokenName(token)}, expired ${Date.now() - expiresAt} ms ago`,
              )
          },
          (error) => checkAuthError(`${tab.label} getAccessToken()`, error),
        )
        return 0
      }
      case 'fetch':
      case 'fetchForeign': {
        const url =
          kind === 'fetchForeign'
            ? `${FOREIGN_ORIGIN}/collect`
            : rng.pick(['/api/items', `${ORIGIN}/api/me`, `${API_ORIGIN}/api/orders`])
        line(`${tab.label} fetch(${url})`)
        poke(tab)
        track(
          tab,
          `fetch(${url})`,
          client.fetch(url, { method: rng.pick(['GET', 'POST']) }),
          () => {},
          (error) => {
            if (isAuthError(error)) checkAuthError(`${tab.label} fetch()`, error)
            else if (!(error !== null && typeof error === 'object' && serverThrown.has(error)))
              violate('rejects-with-AuthError', `${tab.label} fetch(${url}) threw ${describe(error)}`)
          },
        )
        return 0
      }
      case 'logout': {
        const everywhere = rng.chance(0.3)
        line(`${tab.label} logout(${everywhere ? '{ everywhere: true }' : ''})`)
        poke(tab)
        lastSessionOp = seq
        // The other tabs hear of it only through an open channel: this tab's (it is started) and theirs.
        const told = crossTabOn && tab.mounts.length > 0 && !tab.destroyed
        for (const other of tabs)
          if (other === tab || (told && other.mounts.length > 0 && !other.destroyed)) {
            other.loggedOutAt = seq
            other.epoch += 1
          }
        track(
          tab,
          'logout()',
          client.logout({ everywhere }),
          () => {},
          (error) => violate('logout-never-rejects', `${tab.label} logout() rejected: ${describe(error)}`),
        )
        return 0
      }
      case 'setSession': {
        const sub = rng.pick(['user-ada', 'user-bob'])
        const drawn = rng.chance(0.85) ? server.tokenBody(sub) : null
        let body: unknown
        let note: string
        if (drawn) {
          body = JSON.parse(drawn.body)
          note = drawn.note
        } else {
          body = rng.pick([
            {},
            { access_token: 42 },
            { access_token: 'not-a-jwt', expires_in: 60 },
            { data: null },
          ])
          note = 'garbage body'
        }
        line(`${tab.label} setSession(${note})`)
        poke(tab)
        tab.epoch += 1
        lastSessionOp = seq
        try {
          client.setSession(body as Parameters<Client['setSession']>[0])
        } catch (error) {
          checkAuthError(`${tab.label} setSession()`, error)
        }
        return 0
      }
      case 'remount': {
        const slot = tabs.indexOf(tab)
        line(`${tab.label} destroy(), then a new client in its place, started`)
        tab.destroyed = true
        tab.epoch += 1
        client.destroy()
        const fresh = openTab(slot)
        fresh.mounts.push(fresh.client.start())
        return 0
      }
      case 'destroy':
        line(`${tab.label} destroy()`)
        tab.destroyed = true
        tab.epoch += 1
        lastSessionOp = seq
        client.destroy()
        return 0
      case 'wait': {
        const ms = rng.weighted({ short: 5, medium: 4, long: 2, veryLong: 1 })
        const delay = {
          short: rng.int(1, 500),
          medium: rng.int(500, 15_000),
          long: rng.int(15_000, 120_000),
          veryLong: rng.int(120_000, 1_200_000),
        }[ms]
        line(`wait ${delay} ms`)
        return delay
      }
      case 'sleep': {
        const jump = rng.pick([60_000, 600_000, 3_600_000, 86_400_000])
        const event = rng.pick(['visibilitychange', 'focus', 'online', 'pageshow'])
        line(`the laptop sleeps ${jump / 1000} s (the clock jumps, no timer fires), then ${event}`)
        vi.setSystemTime(Date.now() + jump)
        jumped += jump
        wokeAt = vnow()
        wake(event)
        return 0
      }
      case 'wake': {
        const event = rng.pick(['visibilitychange', 'focus', 'online', 'pageshow'])
        line(`${event} event`)
        wake(event)
        return 0
      }
    }
  }

  function wake(event: string) {
    for (const tab of tabs) poke(tab)
    if (event === 'visibilitychange') document.dispatchEvent(new Event('visibilitychange'))
    else window.dispatchEvent(new Event(event))
  }

  // ---- the invariants checked after every step
  function checkStates() {
    const now = Date.now()
    for (const tab of everyTab) {
      const s = tab.client.getState()
      const where = tab.label
      if (!statuses.has(s.status)) violate('state-well-formed', `${where} status is ${String(s.status)}`)
      const signedIn = s.status === 'authenticated'
      if (
        signedIn !== (s.accessToken !== null) ||
        signedIn !== (s.expiresAt !== null) ||
        signedIn !== (s.user != null)
      )
        violate(
          'state-well-formed',
          `${where} is ${s.status} with accessToken ${s.accessToken === null ? 'null' : 'set'}, expiresAt ${s.expiresAt}, user ${s.user == null ? 'null' : 'set'}`,
        )
      if (s.error !== null) checkAuthError(`${where} state.error`, s.error)
      if (tab.destroyed) {
        if (s.status === 'loading')
          violate('destroyed-settles', `${where} was destroyed and is still loading`)
        continue
      }
      if (tab.refreshingSince !== null && vnow() - tab.refreshingSince > 3 * requestTimeout + 2_000)
        violate(
          'refreshing-follows-flight',
          `${where} has been refreshing for ${vnow() - tab.refreshingSince} ms (requestTimeout ${requestTimeout})`,
        )
      // A login in flight is something in flight too: it re-arms the renewal when it settles.
      const loggingIn = ops.some((op) => op.tab === tab && !op.settled && op.label === 'login()')
      if (
        tab.mounts.length > 0 &&
        signedIn &&
        !s.refreshing &&
        !loggingIn &&
        (s.refreshAt === null || s.refreshAt < now)
      ) {
        // A timer armed before a sleep fires on the page's timer clock, which stood still meanwhile (browsers
        // count timers on a monotonic clock): if the wake-up re-check neither runs nor re-arms it, the renewal
        // (or the backoff retry) comes as late as the sleep was long. Reported apart from a renewal never armed.
        const armedBeforeSleep = wokeAt !== null && tab.refreshAtSince <= wokeAt
        violate(
          armedBeforeSleep ? 'wake-rearms-renewal' : 'renewal-armed',
          `${where} is signed in, nothing in flight, and refreshAt is ${s.refreshAt === null ? 'null' : `${now - s.refreshAt} ms in the past`} (token expires in ${(s.expiresAt as number) - now} ms${armedBeforeSleep ? `; armed before the laptop slept, woke ${vnow() - (wokeAt as number)} ms ago, error ${s.error?.code ?? null}` : ''})`,
        )
      }
      const refusal = tab.refusal
      if (refusal && tab.lastRefresh === refusal.record) {
        tab.refusal = null
        if (refusal.epoch === tab.epoch) {
          if (signedIn && refusal.token !== null && s.accessToken === refusal.token)
            violate(
              'refusal-ends-session',
              `${where}'s refresh was refused (${refusal.record.note}) and it kept ${tokenName(s.accessToken)}`,
            )
          if (
            refusal.unrestored &&
            (s.status === 'loading' || (s.status === 'unauthenticated' && s.reason === 'network'))
          )
            violate(
              'refusal-ends-session',
              `${where}'s restore was refused (${refusal.record.note}) and it is ${s.status} (reason ${s.reason}), retrying`,
            )
        }
      }
      if (signedIn && tab.loggedOutAt >= 0) {
        const issued = server.tokens.get(s.accessToken as string)
        if (issued && issued.seq < tab.loggedOutAt)
          violate(
            'logout-is-final',
            `${where} is signed in with ${tokenName(s.accessToken)}, from a call made before the logout at step ${tab.loggedOutAt}`,
          )
      }
    }
    for (const op of ops)
      if (!op.settled && vnow() - op.at > hangBound)
        violate(
          'no-hang',
          `${op.tab.label} ${op.label} (step ${op.seq}) has not settled after ${vnow() - op.at} ms`,
        )
  }

  async function advance(ms: number) {
    try {
      await vi.advanceTimersByTimeAsync(ms)
    } catch (error) {
      violate('no-uncaught-exception', `a timer or message handler threw ${describe(error)}`)
    }
  }

  // ---- the run
  const random = new Rng(rng.seed())
  vi.useFakeTimers({ now: START })
  vi.spyOn(Math, 'random').mockImplementation(random.next)
  vi.stubGlobal('BroadcastChannel', FuzzBroadcastChannel)
  const locks = installLockShim()
  const onUnhandled = (error: unknown) =>
    violate('no-uncaught-exception', `unhandled rejection or exception: ${describe(error)}`)
  const onWindowError = (event: ErrorEvent) =>
    violate('no-uncaught-exception', `uncaught in a listener: ${describe(event.error ?? event.message)}`)
  const saved = {
    unhandledRejection: process.rawListeners('unhandledRejection'),
    uncaughtException: process.rawListeners('uncaughtException'),
  }
  process.removeAllListeners('unhandledRejection').removeAllListeners('uncaughtException')
  process.on('unhandledRejection', onUnhandled).on('uncaughtException', onUnhandled)
  window.addEventListener('error', onWindowError)
  const consoleSpies = (['log', 'info', 'warn', 'error', 'debug'] as const).map((method) =>
    vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
      leakCheck(`console.${method}`, args)
    }),
  )
  let snapshot = ''
  try {
    for (let slot = 0; slot < Number(tabCount); slot += 1) {
      const tab = openTab(slot)
      if (rng.chance(0.85)) tab.mounts.push(tab.client.start())
    }
    trace.push(
      `0. t=0s ${tabs.map((tab) => `${tab.label}${tab.mounts.length ? ' started' : ''}`).join(', ')}`,
    )
    await advance(0)
    checkStates()
    const steps = rng.int(3, maxSteps)
    for (step = 1; step <= steps && !violation; step += 1) {
      seq += 1
      const tab = rng.pick(tabs)
      const wait = perform(tab)
      await advance(wait)
      if (!violation) await advance(rng.chance(0.5) ? 0 : rng.int(1, 300))
      if (!violation) checkStates()
    }
    // Nothing more is asked: every pending call settles within the bound.
    if (!violation) {
      trace.push(`end: wait ${hangBound} ms for every pending call to settle`)
      for (let waited = 0; waited <= hangBound && !violation; waited += 5_000) {
        await advance(5_000)
        checkStates()
      }
    }
  } finally {
    snapshot = everyTab
      .map((tab) => {
        const s = tab.client.getState()
        const now = Date.now()
        return (
          `  ${tab.label}${tab.destroyed ? ' (destroyed)' : ` (mounted ×${tab.mounts.length})`}: ${s.status}` +
          ` reason=${s.reason} accessToken=${tokenName(s.accessToken)}` +
          ` expiresAt=${s.expiresAt === null ? null : `now${s.expiresAt >= now ? '+' : ''}${s.expiresAt - now}ms`}` +
          ` refreshAt=${s.refreshAt === null ? null : `now${s.refreshAt >= now ? '+' : ''}${s.refreshAt - now}ms`}` +
          ` refreshing=${s.refreshing} error=${s.error ? s.error.code : null}`
        )
      })
      .join('\n')
    for (const tab of everyTab) tab.client.destroy()
    vi.clearAllTimers()
    vi.useRealTimers()
    window.removeEventListener('error', onWindowError)
    process.removeListener('unhandledRejection', onUnhandled).removeListener('uncaughtException', onUnhandled)
    for (const listener of saved.unhandledRejection) process.on('unhandledRejection', listener as () => void)
    for (const listener of saved.uncaughtException) process.on('uncaughtException', listener as () => void)
    for (const spy of consoleSpies) spy.mockRestore()
    vi.mocked(Math.random).mockRestore()
    vi.unstubAllGlobals()
    locks.uninstall()
    FuzzBroadcastChannel.reset()
  }
  const found = violation as Violation | null
  return {
    seed,
    steps: found ? found.step : step - 1,
    violation: found,
    trace: trace.map(redact),
    snapshot: redact(snapshot),
  }
}
