import { createStore } from 'zustand/vanilla'
import { AuthError } from './AuthError'
import { signedOut, subjectOf, unrestored } from './authState'
import { createAuthFetch } from './createAuthFetch'
import { createEmitter } from './createEmitter'
import { deepEqual, type SessionWithLifetime, sessionOf } from './createSession'
import {
  type Outgoing,
  openTabSync,
  randomId,
  type SharedSession,
  type TabMessage,
  type TabSync,
  withRefreshLock,
} from './crossTab'
import { isRefusal, isRevocation, toAuthError } from './httpTransport'
import { createRenewalTimer } from './renewalTimer'
import { resolveOptions } from './resolveOptions'
import { createSingleFlight } from './singleFlight'
import { createTabPeers } from './tabPeers'
import { type Cancel, noop, withTimeout } from './timers'
import type {
  AuthClient,
  AuthClientOptions,
  AuthEventMap,
  AuthState,
  Credentials,
  GetAccessTokenOptions,
  LogoutOptions,
  Session,
  SignOutReason,
  TokenResponse,
} from './types'
import { listenForWakeUp } from './wakeUp'
import { warnOnce } from './warnOnce'

type Adoptable<User> = SessionWithLifetime<User> | SharedSession<User>

/**
 * Creates the auth client: the session store, the silent refresh, the cross-tab sync and `client.fetch`.
 * Nothing starts until `start()` (so it is safe to create during render or on the server).
 *
 * @example
 * const client = createAuthClient<{ sub: string; name: string }>({ apiOrigins: ['https://api.example.com'] })
 * client.start()
 */
export function createAuthClient<User = unknown>(options: AuthClientOptions<User> = {}): AuthClient<User> {
  const { now, transport, channel, makeSession, writeHint, requestTimeout, ...config } =
    resolveOptions(options)
  const { on, emit } = createEmitter<AuthEventMap<User>>()
  const tabId = randomId()
  const { heard, answered, ask, asking, end } = createTabPeers<User>()

  let lifetime = 0
  let initial: AuthState<User> = { ...signedOut<User>(null), status: 'loading' }
  if (options.initialSession) {
    try {
      const { lifetime: ms, ...session } = makeSession(options.initialSession)
      lifetime = ms
      initial = { ...initial, ...session, status: 'authenticated' }
    } catch (error) {
      // Each warning is gated here, not only inside warnOnce, so production bundles drop its text.
      if (typeof process !== 'undefined' && process.env.NODE_ENV !== 'production') {
        warnOnce(`initialSession was not used: ${(error as Error).message}`)
      }
    }
  } else if (!config.hasSession()) {
    initial = signedOut('no-session')
  }
  const store = createStore<AuthState<User>>()(() => initial)
  const get = store.getState
  const set = (partial: Partial<AuthState<User>>) => store.setState(partial)
  /** Writes one field only when it changes, so subscribers are not woken for nothing. */
  const put = <K extends 'refreshing' | 'refreshAt'>(key: K, value: AuthState<User>[K]) => {
    if (get()[key] !== value) set({ [key]: value } as Partial<AuthState<User>>)
  }
  const { run, stale, drop, generation } = createSingleFlight<Session<User> | null>((busy) =>
    put('refreshing', busy),
  )
  const { arm, retry } = createRenewalTimer(
    now,
    () => background(),
    (at) => put('refreshAt', at),
  )

  let mounts = 0
  let started = false
  let destroyed = false
  let stopListening: Cancel = noop
  let sync: TabSync<User> | null = null

  const currentSession = () => sessionOf(get())
  /** The session as another tab receives it: with its lifetime, so that tab schedules the same renewal. */
  const sharedSession = (): SharedSession<User> | null => {
    const session = currentSession()
    return session && { ...session, lifetime }
  }
  const margin = () => config.margin(lifetime)
  const isDue = (s: AuthState<User>) => s.expiresAt !== null && s.expiresAt - now() <= margin()
  /** When the renewal of a token expiring at `expiresAt` is due; null while the client is not running. */
  const renewalAt = (expiresAt: number | null) => (mounts && expiresAt !== null ? expiresAt - margin() : null)
  const schedule = () => arm(get().status === 'authenticated' ? renewalAt(get().expiresAt) : null)
  const background = () => void refresh().catch(noop)

  // --- the named transitions: every store write but `refreshing` and `refreshAt` goes through these ---

  /**
   * Signed in with `session`: `from` says whether this tab got it from the server or another tab, `cause`
   * whether it is a sign-in (login, `setSession`) or a renewal (the restore at start included).
   */
  function adopt(session: Adoptable<User>, from: 'local' | 'tab', cause: 'signin' | 'refresh') {
    const previous = get()
    const restoring = unrestored(previous)
    let signedIn = previous.status === 'authenticated'
    if (signedIn && subjectOf(previous.claims) !== subjectOf(session.claims)) {
      // Another user: drop the old one completely (and so its query cache) before adopting the new one.
      signOut(from === 'tab' ? 'other-tab' : 'logout')
      signedIn = false
    }
    const { lifetime: ms, ...fields } = session
    lifetime = ms
    set({
      status: 'authenticated',
      ...fields,
      // Structural sharing: a silent refresh does not change `user`, so its readers do not re-render.
      user: previous.user !== null && deepEqual(previous.user, session.user) ? previous.user : session.user,
      refreshAt: renewalAt(session.expiresAt),
      error: null,
      reason: null,
    })
    writeHint(true)
    schedule()
    const current = currentSession() as Session<User>
    const local = from === 'local'
    if (signedIn && !(local && cause === 'signin')) {
      emit('refresh', { session: current, source: local ? 'this-tab' : 'other-tab' })
    } else {
      const source =
        local && cause === 'signin' ? 'this-tab' : cause === 'refresh' && restoring ? 'restore' : 'other-tab'
      emit('signin', { session: current, source })
    }
  }

  /** Signed out: whatever is in flight is dropped, and (`tell`) the other tabs follow. */
  function signOut(reason: SignOutReason, error: AuthError | null = null, tell = false) {
    const s = get()
    // A first visit finding no session, or a loading client, was never signed in: not a sign-out.
    const was = s.status === 'authenticated' || (s.status !== 'loading' && s.reason === 'network')
    drop()
    set(signedOut(reason, error))
    arm(null)
    writeHint(false)
    if (tell) post(reason === 'idle' ? { type: 'logout', reason } : { type: 'logout' })
    if (was && reason !== 'no-session') emit('signout', { reason, error })
    if (error) emit('error', { error })
  }

  /** A passing failure: the session (if any) is kept, `error` says why; `partial` is the restore failing. */
  function fail(error: AuthError, partial?: AuthState<User>) {
    set({ ...partial, error })
    emit('error', { error })
  }

  // --- refresh ---

  function refresh(): Promise<Session<User> | null> {
    return destroyed ? Promise.resolve(null) : run(renew)
  }

  async function renew(gen: number): Promise<Session<User> | null> {
    const meant = get().accessToken
    const initialCall = get().status === 'loading'
    // Another tab renewed while this one waited: use its token, do not replay the cookie.
    const skip = () =>
      stale(gen) || (get().accessToken !== meant && get().accessToken !== null && !isDue(get()))
    try {
      return await locked(async () => {
        if (skip()) return currentSession()
        // The tab that renewed before shared its session before releasing the lock, but that message and
        // the lock grant travel separately and the grant can win (a task, or seconds for a thawed tab).
        await askTabs(false)
        if (skip()) return currentSession()
        const session = await call('refresh', (signal) => transport.refresh({ signal }).then(makeSession))
        if (stale(gen)) return currentSession()
        adopt(session, 'local', 'refresh')
        // Shared while still holding the lock, so the next tab to take it already has the new token.
        share('refresh')
        return currentSession()
      })
    } catch (thrown) {
      const error = toAuthError(thrown, 'refresh')
      if (stale(gen) || destroyed) return currentSession()
      if (isRefusal(error)) {
        const s = get()
        if (s.status === 'authenticated') signOut(isRevocation(error) ? 'revoked' : 'expired', error, true)
        // A refused *initial* refresh means there was no session to restore: not an error.
        else if (initialCall || unrestored(s)) signOut('no-session')
        return null
      }
      // Network, timeout, 5xx, 408, 429, malformed answer: keep the session and retry with backoff.
      fail(error, initialCall ? signedOut<User>('network') : undefined)
      if (mounts) retry()
      throw error
    }
  }

  const locked = <T>(task: () => Promise<T>): Promise<T> =>
    channel === null ? task() : withRefreshLock(channel, requestTimeout, task)

  /** One auth request, bounded by `requestTimeout` and reported as a `request` event when it settles. */
  async function call<T>(kind: 'login' | 'refresh' | 'logout', task: (signal: AbortSignal) => Promise<T>) {
    const gen = generation()
    const started = now()
    const report = (outcome: AuthEventMap['request']['outcome'], error: AuthError | null = null) =>
      emit('request', {
        kind,
        outcome: stale(gen) ? 'dropped' : outcome,
        duration: now() - started,
        error,
      })
    try {
      const result = await withTimeout(task, requestTimeout, () => new AuthError('timeout'))
      report('ok')
      return result
    } catch (thrown) {
      const error = toAuthError(thrown, kind)
      report(isRefusal(error) ? 'refused' : 'failed', error)
      throw error
    }
  }

  // --- cross-tab ---

  /** Posts to the other tabs, and reports what actually travelled (the storage fallback carries less). */
  function post(message: Outgoing<User>) {
    const type = sync?.post(message)
    if (type) emit('message', { direction: 'out', type, peer: message.type === 'answer' ? message.to : null })
  }

  // Called right after `adopt`, so the store holds the session (with the kept `user` object).
  function share(cause: 'signin' | 'refresh') {
    const session = sharedSession()
    if (session) post({ type: 'session', cause, session })
  }

  /** Asks the open tabs for their session (see TabPeers.ask); each answer is adopted if it is fresher. */
  const askTabs = (anyone: boolean) =>
    sync?.kind === 'broadcast'
      ? ask(
          anyone,
          () => post({ type: 'ask' }),
          (session) => adoptShared(session, 'refresh'),
        )
      : Promise.resolve()

  function onTabMessage(message: TabMessage<User>) {
    if (destroyed || (message.type === 'answer' && message.to !== tabId)) return
    const broadcast = sync?.kind === 'broadcast'
    if (broadcast) heard(message.from)
    emit('message', { direction: 'in', type: message.type, peer: broadcast ? message.from : null })
    const s = get()
    if (message.type === 'logout') {
      if (s.status === 'authenticated' || unrestored(s))
        signOut(message.reason === 'idle' ? 'idle' : 'other-tab')
    } else if (message.type === 'session') adoptShared(message.session, message.cause)
    // Storage fallback: no token travels, so this tab renews with the (shared) cookie itself.
    else if (message.type === 'signin') {
      if (s.status !== 'authenticated') background()
    } else if (message.type === 'ask') {
      const session = sharedSession()
      if (session && session.expiresAt > now()) post({ type: 'answer', to: message.from, session })
    } else answered(message.session, message.from)
  }

  function adoptShared(session: SharedSession<User>, cause: 'signin' | 'refresh') {
    const s = get()
    const sameUser = s.status === 'authenticated' && subjectOf(s.claims) === subjectOf(session.claims)
    if (session.expiresAt <= now()) return
    // A renewal only continues a session this tab holds or is still restoring. One that reaches a tab signed
    // out, or holding another user, is a refresh that raced a logout or a sign-in elsewhere (refresh rule 5).
    if (cause === 'refresh' && !sameUser && !unrestored(s)) return
    if (sameUser && (s.expiresAt as number) >= session.expiresAt) return
    adopt(session, 'tab', cause)
  }

  // --- lifecycle and public actions ---

  function start(): () => void {
    if (destroyed) {
      if (typeof process !== 'undefined' && process.env.NODE_ENV !== 'production') {
        warnOnce('start() was called on a destroyed client; create a new client instead.')
      }
      return noop
    }
    mounts += 1
    if (mounts === 1) {
      stopListening = listenForWakeUp((online) => {
        const s = get()
        if (
          s.status === 'authenticated'
            ? isDue(s) || (online && s.error !== null)
            : unrestored(s) && s.status !== 'loading'
        )
          background()
      })
      if (channel !== null) sync = openTabSync<User>(channel, onTabMessage, tabId)
      // Restarted while a question waits (StrictMode unmounts and mounts again at once): the old channel is
      // closed, so ask again on the new one; the original wait still bounds it.
      if (asking()) post({ type: 'ask' })
      if (get().error !== null) retry()
      else schedule()
    }
    if (!started) {
      started = true
      void restore()
    }
    let stopped = false
    return () => {
      if (stopped) return
      stopped = true
      mounts -= 1
      if (!mounts) stop()
    }
  }

  async function restore() {
    if (get().status !== 'loading') return
    const gen = generation()
    // A new tab first asks the open tabs; it calls the server only if none hands the session over.
    await askTabs(true)
    if (!destroyed && !stale(gen) && get().status === 'loading') await refresh().catch(noop)
  }

  function stop() {
    arm(null)
    stopListening()
    stopListening = noop
    sync?.close()
    sync = null
  }

  async function login(credentials: Credentials): Promise<Session<User>> {
    if (destroyed) throw new AuthError('network', 'The auth client was destroyed.')
    // A login supersedes whatever refresh is in flight (it may carry the previous user's cookie).
    drop()
    const gen = generation()
    try {
      // Under the refresh lock: a renewal still in flight in any tab would otherwise land after the login
      // and leave the previous user's refresh cookie behind the new user's session.
      const session = await locked(() =>
        call('login', (signal) => transport.login(credentials, { signal }).then(makeSession)),
      )
      if (stale(gen)) throw new AuthError('session_expired', 'Signed out while the login was in flight.')
      return signIn(session)
    } catch (thrown) {
      // The login call's own 401 means wrong credentials, never "refresh and retry".
      if (get().status === 'loading' && !stale(gen)) signOut('no-session')
      throw toAuthError(thrown, 'login')
    }
  }

  function signIn(session: SessionWithLifetime<User>): Session<User> {
    drop()
    adopt(session, 'local', 'signin')
    share('signin')
    return currentSession() as Session<User>
  }

  async function logout({ everywhere = false, reason = 'logout' }: LogoutOptions = {}): Promise<void> {
    // Memory first, synchronously: whatever the network does next, this tab is signed out now.
    signOut(reason, null, true)
    if (destroyed) return
    const gen = generation()
    try {
      await call('logout', (signal) => transport.logout({ everywhere }, { signal }))
    } catch (error) {
      // A 4xx means there was no server session left to end; only an unreachable server is worth reporting.
      if (!isRefusal(error as AuthError) && !stale(gen)) fail(error as AuthError)
    }
  }

  /** Resolves once the state is not `loading` (at once when nothing was started to end it). */
  const settled = () =>
    new Promise<void>((resolve) => {
      const check = () => {
        if (get().status === 'loading' && started) return
        unsubscribe()
        resolve()
      }
      const unsubscribe = store.subscribe(check)
      check()
    })

  async function getAccessToken({ minValidity }: GetAccessTokenOptions = {}): Promise<string | null> {
    await settled()
    const session = destroyed ? null : currentSession()
    if (session === null) return null
    const remaining = session.expiresAt - now()
    if (remaining > (minValidity ?? margin())) return session.accessToken
    const { error } = get()
    // The server is unreachable and a retry is scheduled: use the token while it lasts, else say why.
    if (error !== null && remaining <= 0) throw error
    try {
      return error !== null ? session.accessToken : ((await refresh())?.accessToken ?? null)
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
    drop()
    mounts = 0
    stop()
    end()
    // Terminal: a client destroyed before its session was restored ends signed out (no reason), so every
    // pending and later getAccessToken()/fetch() settles instead of waiting for a restore that never comes.
    if (get().status === 'loading') set(signedOut(null))
  }

  return {
    store,
    getState: get,
    subscribe: store.subscribe,
    start,
    login,
    setSession: (tokenResponse: TokenResponse) => signIn(makeSession(tokenResponse)),
    logout,
    refresh,
    getAccessToken,
    fetch: createAuthFetch({
      getFetch: config.getFetch,
      getState: get,
      getAccessToken: () => getAccessToken(),
      refresh,
      apiOrigins: config.apiOrigins,
    }),
    on,
    getTabInfo: () => ({ id: tabId, kind: sync?.kind ?? 'none' }),
    destroy,
  }
}
