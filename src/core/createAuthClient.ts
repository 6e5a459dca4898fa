import { createStore } from 'zustand/vanilla'
import { AuthError } from './AuthError'
import { createAuthFetch } from './createAuthFetch'
import { createEmitter } from './createEmitter'
import { createSession, deepEqual, type SessionWithLifetime, sessionOf } from './createSession'
import {
  type Outgoing,
  openTabSync,
  randomId,
  type SharedSession,
  safeLocalStorage,
  type TabMessage,
  type TabSync,
  withRefreshLock,
} from './crossTab'
import { createHttpTransport, defaultEndpoints, isRefusal, isRevocation, toAuthError } from './httpTransport'
import { parseTokenResponse as parseTokenResponseDefault } from './parseTokenResponse'
import { backoffDelay, type Cancel, noop, scheduleAt, withTimeout } from './timers'
import type {
  AuthClient,
  AuthClientOptions,
  AuthEventMap,
  AuthState,
  Credentials,
  GetAccessTokenOptions,
  JwtPayload,
  LogoutOptions,
  Session,
  SignOutReason,
  TokenResponse,
} from './types'
import { warnOnce } from './warnOnce'

/** How long a new tab waits for an open tab to hand over the session before it calls the server. */
export const HANDOFF_WAIT = 100

const signedOut = <User>(reason: SignOutReason | null, error: AuthError | null = null): AuthState<User> => ({
  status: 'unauthenticated',
  user: null,
  claims: null,
  accessToken: null,
  expiresAt: null,
  refreshAt: null,
  refreshing: false,
  error,
  reason,
})

const subjectOf = (claims: JwtPayload | null) => claims?.sub

/**
 * Creates the auth client: the session store, the silent refresh, the cross-tab sync and `client.fetch`.
 * Nothing starts until `start()` (so it is safe to create during render or on the server).
 *
 * @example
 * const client = createAuthClient<{ sub: string; name: string }>({ apiOrigins: ['https://api.example.com'] })
 * client.start()
 */
export function createAuthClient<User = unknown>(options: AuthClientOptions<User> = {}): AuthClient<User> {
  const now = options.now ?? Date.now
  const requestTimeout = options.requestTimeout ?? 10_000
  const parse = options.parseTokenResponse ?? parseTokenResponseDefault
  const getFetch = (): typeof fetch => options.fetch ?? globalThis.fetch
  const transport =
    options.transport ??
    createHttpTransport({ endpoints: { ...defaultEndpoints, ...options.endpoints }, getFetch })
  const channelName =
    options.crossTab === false
      ? null
      : ((typeof options.crossTab === 'object' ? options.crossTab.name : undefined) ?? 'react-jwt-session')
  const hintKey = `${channelName ?? 'react-jwt-session'}:has-session`

  const makeSession = (body: TokenResponse) => createSession<User>(body, now(), parse, options.getUser)

  let lifetime = 0
  let initial: AuthState<User> = { ...signedOut<User>(null), status: 'loading' }
  if (options.initialSession) {
    try {
      const session = makeSession(options.initialSession)
      lifetime = session.lifetime
      initial = { ...initial, ...sessionFields(session), status: 'authenticated' }
    } catch (error) {
      // Each warning is gated here, not only inside warnOnce, so production bundles drop its text.
      if (typeof process !== 'undefined' && process.env.NODE_ENV !== 'production') {
        warnOnce(`initialSession was not used: ${(error as Error).message}`)
      }
    }
  } else if (options.sessionHint && readHint() === false) {
    initial = signedOut('no-session')
  }
  const store = createStore<AuthState<User>>()(() => initial)
  const get = store.getState
  const events = createEmitter<AuthEventMap<User>>()
  const emit = events.emit
  const tabId = randomId()

  const set = (partial: Partial<AuthState<User>>) => store.setState(partial)

  /** Records a failure in the store and reports it. */
  function fail(error: AuthError, partial?: Partial<AuthState<User>>) {
    set({ ...partial, error })
    emit('error', { error })
  }

  // Bumped whenever the session is dropped or replaced: a result that arrives for an older generation is
  // thrown away (refresh rule 5), so a refresh that races a logout can never bring the session back.
  let generation = 0
  let inflight: Promise<Session<User> | null> | null = null
  let restoring = false
  let mounts = 0
  let destroyed = false
  let attempt = 0
  let cancelTimer: Cancel = noop
  let stopListening: Cancel = noop
  let sync: TabSync<User> | null = null
  let handoff: ((session: SharedSession<User> | null) => void) | null = null
  // The other tabs this one has heard from, and who answered its last question (see askForFresher).
  const peers = new Set<string>()
  let onAnswer: ((session: SharedSession<User>, from: string) => void) | null = null

  function readHint(): boolean | undefined {
    const value = safeLocalStorage()?.getItem(hintKey)
    return value === null || value === undefined ? false : value === '1'
  }
  function writeHint(hasSession: boolean) {
    if (!options.sessionHint) return
    try {
      if (hasSession) safeLocalStorage()?.setItem(hintKey, '1')
      else safeLocalStorage()?.removeItem(hintKey)
    } catch {
      // Storage blocked: the next visit just makes the refresh call.
    }
  }

  // The session as store fields: the lifetime is this client's business, not part of the state.
  function sessionFields({ lifetime, ...fields }: SessionWithLifetime<User>): Session<User> {
    return fields
  }

  const currentSession = () => sessionOf(get())

  /** The session as another tab receives it: with its lifetime, so that tab schedules the same renewal. */
  function sharedSession(): SharedSession<User> | null {
    const session = currentSession()
    return session && { ...session, lifetime }
  }

  function margin(): number {
    const wanted = options.refreshMargin ?? Math.min(60_000, lifetime * 0.2)
    // A margin as long as the token would refresh in a loop; never renew more often than every half lifetime.
    if (wanted > lifetime / 2) {
      if (
        options.refreshMargin !== undefined &&
        typeof process !== 'undefined' &&
        process.env.NODE_ENV !== 'production'
      ) {
        warnOnce(
          `refreshMargin (${options.refreshMargin} ms) is more than half the token lifetime (${lifetime} ms); using half the lifetime.`,
        )
      }
      return lifetime / 2
    }
    return Math.max(0, wanted)
  }

  const isDue = (s: AuthState<User>) => s.expiresAt !== null && s.expiresAt - now() <= margin()

  function dropInflight() {
    generation += 1
    inflight = null
  }

  // --- timers ---------------------------------------------------------------------------------------------

  /**
   * One renewal timer at a time: whatever is armed next replaces (and cancels) the previous one, and the
   * store's `refreshAt` says when it fires.
   */
  function replaceTimer(at: number | null = null) {
    cancelTimer()
    cancelTimer = at === null ? noop : scheduleAt(at, now, background)
    if (get().refreshAt !== at) set({ refreshAt: at })
  }

  /** When the renewal of a token expiring at `expiresAt` is due, or `null` while nothing may be scheduled. */
  const renewalAt = (expiresAt: number | null) =>
    mounts === 0 || destroyed || expiresAt === null ? null : expiresAt - margin()

  function schedule() {
    const s = get()
    replaceTimer(s.status === 'authenticated' ? renewalAt(s.expiresAt) : null)
  }

  function scheduleRetry() {
    if (mounts === 0 || destroyed) return replaceTimer()
    replaceTimer(now() + backoffDelay(attempt))
    attempt += 1
  }

  function background() {
    refresh().catch(noop)
  }

  // --- state transitions ----------------------------------------------------------------------------------

  /**
   * Adopts a session: `from` says whether this tab got it from the server or from another tab, `cause`
   * whether it is a sign-in (login, `setSession`) or a renewal (which includes the restore at start).
   */
  function adopt(
    session: SessionWithLifetime<User> | SharedSession<User>,
    from: 'local' | 'tab',
    cause: 'signin' | 'refresh',
  ) {
    const previous = get()
    const restoring =
      previous.status === 'loading' ||
      (previous.status === 'unauthenticated' && previous.reason === 'network')
    let signedIn = previous.status === 'authenticated'
    if (signedIn && subjectOf(previous.claims) !== subjectOf(session.claims)) {
      // Another user: drop the old one completely (and so its query cache) before adopting the new one.
      signOut(from === 'tab' ? 'other-tab' : 'logout', null, false)
      signedIn = false
    }
    lifetime = session.lifetime
    attempt = 0
    const kept = get().user
    set({
      status: 'authenticated',
      ...sessionFields(session),
      // Structural sharing: a silent refresh does not change `user`, so its readers do not re-render.
      user: kept !== null && deepEqual(kept, session.user) ? kept : session.user,
      refreshAt: renewalAt(session.expiresAt),
      error: null,
      reason: null,
    })
    writeHint(true)
    schedule()
    const current = currentSession() as Session<User>
    if (signedIn && !(from === 'local' && cause === 'signin')) {
      emit('refresh', { session: current, source: from === 'local' ? 'this-tab' : 'other-tab' })
    } else {
      const local = from === 'local' && cause === 'signin'
      const source = local ? 'this-tab' : cause === 'refresh' && restoring ? 'restore' : 'other-tab'
      emit('signin', { session: current, source })
    }
  }

  /** Posts to the other tabs, and reports what actually travels (the storage fallback carries less). */
  function post(message: Outgoing<User>) {
    if (!sync) return
    sync.post(message)
    const type =
      sync.kind === 'broadcast' || message.type === 'logout'
        ? message.type
        : message.type === 'session' && message.cause === 'signin'
          ? 'signin'
          : null
    if (type && sync.kind !== 'none') {
      emit('message', { direction: 'out', type, peer: message.type === 'answer' ? message.to : null })
    }
  }

  // Called right after `adopt`, so the store holds the session (with the kept `user` object).
  function share(cause: 'signin' | 'refresh') {
    const session = sharedSession()
    if (session) post({ type: 'session', cause, session })
  }

  function signOut(reason: SignOutReason, error: AuthError | null, tellOtherTabs: boolean) {
    const s = get()
    // Signed in, or restoring a session the server could not be asked about: a first visit is not a sign-out.
    const was = s.status === 'authenticated' || (s.status !== 'loading' && s.reason === 'network')
    dropInflight()
    attempt = 0
    set(signedOut(reason, error))
    replaceTimer()
    writeHint(false)
    if (tellOtherTabs) post(reason === 'idle' ? { type: 'logout', reason } : { type: 'logout' })
    if (was && reason !== 'no-session') emit('signout', { reason, error })
    if (error) emit('error', { error })
  }

  /** One auth request, bounded by `requestTimeout` and reported as a `request` event when it settles. */
  async function call<T>(
    kind: 'login' | 'refresh' | 'logout',
    task: (signal: AbortSignal) => Promise<T>,
  ): Promise<T> {
    const gen = generation
    const started = now()
    const report = (outcome: AuthEventMap['request']['outcome'], error: AuthError | null) =>
      emit('request', { kind, outcome, duration: now() - started, error })
    try {
      const result = await withTimeout(task, requestTimeout, () => new AuthError('timeout'))
      report(gen === generation ? 'ok' : 'dropped', null)
      return result
    } catch (thrown) {
      const error = toAuthError(thrown, kind)
      report(gen !== generation ? 'dropped' : isRefusal(error) ? 'refused' : 'failed', error)
      throw error
    }
  }

  // --- refresh ----------------------------------------------------------------------------------------------

  function refresh(): Promise<Session<User> | null> {
    if (destroyed) return Promise.resolve(null)
    if (inflight) return inflight
    const run = renew()
    inflight = run
    if (!get().refreshing) set({ refreshing: true })
    const settle = () => {
      if (inflight !== run) return
      inflight = null
      if (get().refreshing) set({ refreshing: false })
    }
    run.then(settle, settle)
    return run
  }

  async function renew(): Promise<Session<User> | null> {
    const gen = generation
    const meant = get().accessToken
    const initialCall = get().status === 'loading'
    try {
      return await locked(async () => {
        // Another tab renewed while this one waited for the lock: use its token, do not replay the cookie.
        const renewedElsewhere = () => {
          const s = get()
          return s.accessToken !== null && s.accessToken !== meant && !isDue(s)
        }
        if (gen !== generation || renewedElsewhere()) return currentSession()
        await askForFresher()
        if (gen !== generation || renewedElsewhere()) return currentSession()
        const session = await call('refresh', (signal) => transport.refresh({ signal }).then(makeSession))
        if (gen !== generation) return currentSession()
        adopt(session, 'local', 'refresh')
        // Shared while still holding the lock, so the next tab to take it already has the new token.
        share('refresh')
        return currentSession()
      })
    } catch (thrown) {
      const error = toAuthError(thrown, 'refresh')
      if (gen !== generation || destroyed) return currentSession()
      if (isRefusal(error)) {
        if (get().status === 'authenticated') {
          signOut(isRevocation(error) ? 'revoked' : 'expired', error, true)
        } else if (initialCall || get().reason === 'network') {
          // A refused *initial* refresh means there was no session to restore: not an error.
          signOut('no-session', null, false)
        }
        return null
      }
      // Network, timeout, 5xx, 408, 429, malformed answer: keep the session and retry with backoff.
      fail(error, initialCall ? signedOut<User>('network') : {})
      scheduleRetry()
      throw error
    }
  }

  function locked<T>(task: () => Promise<T>): Promise<T> {
    return channelName === null ? task() : withRefreshLock(channelName, requestTimeout, task)
  }

  // --- cross-tab ----------------------------------------------------------------------------------------------

  function onTabMessage(message: TabMessage<User>) {
    if (destroyed || (message.type === 'answer' && message.to !== sync?.id)) return
    if (sync?.kind === 'broadcast') peers.add(message.from)
    emit('message', {
      direction: 'in',
      type: message.type,
      peer: sync?.kind === 'broadcast' ? message.from : null,
    })
    switch (message.type) {
      case 'logout':
        if (get().status !== 'unauthenticated' || get().reason === 'network')
          signOut(message.reason === 'idle' ? 'idle' : 'other-tab', null, false)
        return
      case 'session':
        adoptShared(message.session, message.cause)
        return
      case 'signin':
        // Storage fallback: no token travels, so this tab renews with the (shared) cookie itself.
        if (get().status !== 'authenticated') background()
        return
      case 'ask': {
        const session = sharedSession()
        if (session && session.expiresAt > now()) post({ type: 'answer', to: message.from, session })
        return
      }
      case 'answer':
        ;(handoff ?? onAnswer)?.(message.session, message.from)
        return
    }
  }

  function adoptShared(session: SharedSession<User>, cause: 'signin' | 'refresh') {
    const s = get()
    if (session.expiresAt <= now()) return
    const sameUser = subjectOf(s.claims) === subjectOf(session.claims)
    // A renewal only continues a session this tab holds or is still restoring. One that reaches a tab signed
    // out, or holding another user, is a refresh that raced a logout or a sign-in elsewhere (refresh rule 5).
    const restoring = s.status === 'loading' || (s.status === 'unauthenticated' && s.reason === 'network')
    if (cause === 'refresh' && !restoring && !(s.status === 'authenticated' && sameUser)) return
    if (s.status === 'authenticated' && sameUser && s.expiresAt !== null && s.expiresAt >= session.expiresAt)
      return
    adopt(session, 'tab', cause)
  }

  function askOpenTabs(): Promise<SharedSession<User> | null> {
    const channel = sync
    if (channel?.kind !== 'broadcast') return Promise.resolve(null)
    return new Promise((resolve) => {
      const timer = setTimeout(() => answer(null), HANDOFF_WAIT)
      const answer = (session: SharedSession<User> | null) => {
        clearTimeout(timer)
        handoff = null
        resolve(session)
      }
      handoff = answer
      post({ type: 'ask' })
    })
  }

  /**
   * Called holding the lock with the token this tab meant to renew. The tab that renewed before shared its
   * session before releasing the lock, but that message and the lock grant travel separately and the grant
   * can win: by a task, or by seconds for a tab thawed from a freeze. So ask the tabs this one knows; one
   * sender's messages stay in order, so a fresher session lands before its sender's answer. Ends when every
   * known tab has answered, or after HANDOFF_WAIT; the silent ones are not waited for again until they speak.
   */
  function askForFresher(): Promise<void> {
    const channel = sync
    if (channel?.kind !== 'broadcast' || !peers.size) return Promise.resolve()
    const waiting = new Set(peers)
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer)
        onAnswer = null
        for (const id of waiting) peers.delete(id)
        resolve()
      }
      const timer = setTimeout(done, HANDOFF_WAIT)
      onAnswer = (session, from) => {
        adoptShared(session, 'refresh')
        waiting.delete(from)
        if (!waiting.size) done()
      }
      post({ type: 'ask' })
    })
  }

  async function restore() {
    if (get().status !== 'loading') return
    const gen = generation
    const handed = await askOpenTabs()
    // A login (or a session from another tab) got there first: restoring now would overwrite it.
    if (destroyed || gen !== generation || get().status !== 'loading') return
    if (handed && handed.expiresAt > now()) {
      adopt(handed, 'tab', 'refresh')
      return
    }
    await refresh().catch(noop)
  }

  // --- lifecycle ------------------------------------------------------------------------------------------------

  function listen(): Cancel {
    if (typeof window === 'undefined') return noop
    const recheck = () => {
      const s = get()
      if (s.status === 'authenticated' ? isDue(s) : s.reason === 'network') background()
    }
    const onVisible = () => {
      if (document.visibilityState === 'visible') recheck()
    }
    const onOnline = () => {
      const s = get()
      if (s.error !== null || s.reason === 'network' || (s.status === 'authenticated' && isDue(s)))
        background()
    }
    const listeners: [EventTarget, string, () => void][] = [
      [window, 'focus', recheck],
      [window, 'pageshow', recheck],
      [window, 'online', onOnline],
      [document, 'visibilitychange', onVisible],
    ]
    for (const [target, type, listener] of listeners) target.addEventListener(type, listener)
    return () => {
      for (const [target, type, listener] of listeners) target.removeEventListener(type, listener)
    }
  }

  function start(): () => void {
    if (destroyed) {
      if (typeof process !== 'undefined' && process.env.NODE_ENV !== 'production') {
        warnOnce('start() was called on a destroyed client; create a new client instead.')
      }
      return noop
    }
    mounts += 1
    if (mounts === 1) {
      stopListening = listen()
      if (channelName !== null) sync = openTabSync<User>(channelName, onTabMessage, tabId)
      // Restarted while still waiting for a hand-off (StrictMode unmounts and mounts again at once): the old
      // channel is closed, so ask again on the new one; the original wait still bounds it.
      if (handoff) post({ type: 'ask' })
      if (get().error !== null) scheduleRetry()
      else schedule()
    }
    if (!restoring) {
      restoring = true
      void restore()
    }
    let stopped = false
    return () => {
      if (stopped) return
      stopped = true
      mounts -= 1
      if (mounts === 0) stop()
    }
  }

  function stop() {
    replaceTimer()
    stopListening()
    stopListening = noop
    sync?.close()
    sync = null
  }

  // --- public actions -------------------------------------------------------------------------------------------

  async function login(credentials: Credentials): Promise<Session<User>> {
    if (destroyed) throw new AuthError('network', 'The auth client was destroyed.')
    // A login supersedes whatever refresh is in flight (it may carry the previous user's cookie).
    dropInflight()
    const gen = generation
    try {
      // Under the refresh lock: a renewal still in flight in any tab would otherwise land after the login
      // and leave the previous user's refresh cookie behind the new user's session.
      const session = await locked(() =>
        call('login', (signal) => transport.login(credentials, { signal }).then(makeSession)),
      )
      if (gen !== generation)
        throw new AuthError('session_expired', 'Signed out while the login was in flight.')
      adopt(session, 'local', 'signin')
      share('signin')
      return currentSession() as Session<User>
    } catch (thrown) {
      // The login call's own 401 means wrong credentials, never "refresh and retry".
      const error = toAuthError(thrown, 'login')
      if (get().status === 'loading' && gen === generation) set(signedOut('no-session'))
      throw error
    }
  }

  function setSession(tokenResponse: TokenResponse): Session<User> {
    const session = makeSession(tokenResponse)
    dropInflight()
    adopt(session, 'local', 'signin')
    share('signin')
    return currentSession() as Session<User>
  }

  async function logout({ everywhere = false, reason = 'logout' }: LogoutOptions = {}): Promise<void> {
    // Memory first, synchronously: whatever the network does next, this tab is signed out now.
    signOut(reason, null, true)
    if (destroyed) return
    const gen = generation
    try {
      await call('logout', (signal) => transport.logout({ everywhere }, { signal }))
    } catch (thrown) {
      const error = thrown as AuthError
      // A 4xx means there was no server session left to end; only an unreachable server is worth reporting.
      if (!isRefusal(error) && gen === generation && get().status === 'unauthenticated') fail(error)
    }
  }

  function settled(): Promise<void> {
    if (get().status !== 'loading' || !restoring) return Promise.resolve()
    return new Promise((resolve) => {
      const unsubscribe = store.subscribe((s) => {
        if (s.status !== 'loading') {
          unsubscribe()
          resolve()
        }
      })
    })
  }

  async function getAccessToken({ minValidity }: GetAccessTokenOptions = {}): Promise<string | null> {
    await settled()
    const session = destroyed ? null : currentSession()
    if (session === null) return null
    const remaining = session.expiresAt - now()
    if (remaining > (minValidity ?? margin())) return session.accessToken
    const { error } = get()
    if (error !== null) {
      // The server is unreachable and a retry is scheduled: use the token while it lasts, else say why.
      if (remaining > 0) return session.accessToken
      throw error
    }
    try {
      return (await refresh())?.accessToken ?? null
    } catch (error) {
      // The renewal failed but the token still lasts a while: better than no token.
      const current = currentSession()
      if (current && current.expiresAt > now()) return current.accessToken
      throw error
    }
  }

  function destroy() {
    if (destroyed) return
    destroyed = true
    dropInflight()
    mounts = 0
    stop()
    handoff?.(null)
  }

  const client: AuthClient<User> = {
    store,
    getState: get,
    subscribe: store.subscribe,
    start,
    login,
    setSession,
    logout,
    refresh,
    getAccessToken,
    fetch: createAuthFetch({
      getFetch,
      getState: get,
      getAccessToken: () => getAccessToken(),
      refresh,
      apiOrigins: options.apiOrigins ?? [],
    }),
    on: events.on,
    getTabInfo: () => ({ id: tabId, kind: sync?.kind ?? 'none' }),
    destroy,
  }
  return client
}
