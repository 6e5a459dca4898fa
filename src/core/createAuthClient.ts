import { createStore } from 'zustand/vanilla'
import { AuthError } from './AuthError'
import { validToken, whenSettled } from './accessToken'
import { createAuthRequest } from './authRequest'
import { initialState, restoreFailed, signedOut, subjectOf, unrestored } from './authState'
import { createAuthFetch } from './createAuthFetch'
import { createEmitter } from './createEmitter'
import { deepEqual, type SessionWithLifetime, sessionOf } from './createSession'
import { randomId, type SharedSession, withRefreshLock } from './crossTab'
import { isRefusal, toAuthError } from './httpTransport'
import { createRenewalTimer } from './renewalTimer'
import { renewSession } from './renewSession'
import { resolveOptions } from './resolveOptions'
import { createSingleFlight } from './singleFlight'
import { createTabChannel } from './tabChannel'
import { type Cancel, noop } from './timers'
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
} from './types'
import { listenForWakeUp } from './wakeUp'
import { warnOnce } from './warnOnce'

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
  let [initial, lifetime] = initialState(options.initialSession, makeSession, config.hasSession())
  const store = createStore<AuthState<User>>()(() => initial)
  const get = store.getState
  const set = (partial: Partial<AuthState<User>>) => store.setState(partial)
  /** `refreshing` and `refreshAt` follow the flight and the timer; written only when they change. */
  const put = <K extends 'refreshing' | 'refreshAt'>(key: K, value: AuthState<User>[K]) => {
    if (get()[key] !== value) set({ [key]: value } as Partial<AuthState<User>>)
  }
  const flight = createSingleFlight<Session<User> | null>((busy) => put('refreshing', busy))
  const { run, stale, drop, generation } = flight
  const call = createAuthRequest(requestTimeout, now, flight, (event) => emit('request', event))
  const { arm, retry } = createRenewalTimer(
    now,
    () => background(),
    (at) => put('refreshAt', at),
  )
  const tabs = createTabChannel<User>(channel, tabId, {
    emit,
    shared: () => {
      const session = currentSession()
      // With its lifetime, so the other tab schedules the same renewal.
      return session && session.expiresAt > now() ? { ...session, lifetime } : null
    },
    onSession: adoptShared,
    onLogout: (reason) => {
      if (get().status === 'authenticated' || unrestored(get())) signOut(reason)
    },
    onSignin: () => {
      if (get().status !== 'authenticated') background()
    },
  })

  let mounts = 0
  let started = false
  let destroyed = false
  let stopListening: Cancel = noop

  const currentSession = () => sessionOf(get())
  const margin = () => config.margin(lifetime)
  const isDue = (s: AuthState<User>) => s.expiresAt !== null && s.expiresAt - now() <= margin()
  /** When the renewal of a token expiring at `expiresAt` is due; null while the client is not running. */
  const renewalAt = (expiresAt: number | null) => (mounts && expiresAt !== null ? expiresAt - margin() : null)
  const schedule = () => arm(get().status === 'authenticated' ? renewalAt(get().expiresAt) : null)
  const background = () => void refresh().catch(noop)

  // The named transitions: every store write but `refreshing` and `refreshAt` goes through these three.

  /**
   * Signed in with `session`: `from` says whether this tab got it from the server or another tab, `cause`
   * whether it is a sign-in (login, `setSession`) or a renewal (the restore at start included).
   */
  function adopt(
    session: SessionWithLifetime<User> | SharedSession<User>,
    from: 'local' | 'tab',
    cause: 'signin' | 'refresh',
  ) {
    const previous = get()
    let signedIn = previous.status === 'authenticated'
    if (signedIn && subjectOf(previous.claims) !== subjectOf(session.claims)) {
      // Another user: drop the old one completely (and so its query cache) before adopting the new one.
      signOut(from === 'tab' ? 'other-tab' : 'logout')
      signedIn = false
    }
    const { lifetime: ms, ...fields } = session
    lifetime = ms
    set({
      ...fields,
      status: 'authenticated',
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
    if (local && cause === 'signin') emit('signin', { session: current, source: 'this-tab' })
    else if (signedIn) emit('refresh', { session: current, source: local ? 'this-tab' : 'other-tab' })
    else
      emit('signin', {
        session: current,
        source: cause === 'refresh' && unrestored(previous) ? 'restore' : 'other-tab',
      })
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
    if (tell) tabs.post(reason === 'idle' ? { type: 'logout', reason } : { type: 'logout' })
    if (was && reason !== 'no-session') emit('signout', { reason, error })
    if (error) emit('error', { error })
  }

  /** A passing failure: the session (if any) is kept and `error` says why; `partial` is a failed restore. */
  function fail(error: AuthError, partial?: AuthState<User>) {
    set({ ...partial, error })
    emit('error', { error })
  }

  function adoptShared(session: SharedSession<User>, cause: 'signin' | 'refresh') {
    const s = get()
    const sameUser = s.status === 'authenticated' && subjectOf(s.claims) === subjectOf(session.claims)
    // A renewal only continues a session this tab holds or is still restoring; one that reaches a tab signed
    // out, or holding another user, raced a logout or a sign-in elsewhere (refresh rule 5). Never go back.
    if (session.expiresAt <= now() || (cause === 'refresh' && !sameUser && !unrestored(s))) return
    if (!sameUser || (s.expiresAt as number) < session.expiresAt) adopt(session, 'tab', cause)
  }

  function refresh(): Promise<Session<User> | null> {
    return destroyed ? Promise.resolve(null) : run(renew)
  }

  const renew = (gen: number) =>
    renewSession<User>({
      get,
      stale: () => stale(gen),
      isDue,
      locked,
      askTabs: () => tabs.ask(false),
      request: () => call('refresh', (signal) => transport.refresh({ signal }).then(makeSession)),
      adopt: (session) => {
        adopt(session, 'local', 'refresh')
        tabs.post({ type: 'session', cause: 'refresh', session })
      },
      signOut,
      fail,
      retry: () => mounts && retry(),
      destroyed: () => destroyed,
    })

  const locked = <T>(task: () => Promise<T>): Promise<T> =>
    channel === null ? task() : withRefreshLock(channel, requestTimeout, task)

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
        if (s.status === 'authenticated' ? isDue(s) || (online && s.error !== null) : restoreFailed(s))
          background()
      })
      tabs.open()
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
    await tabs.ask(true)
    if (!destroyed && !stale(gen) && get().status === 'loading') await refresh().catch(noop)
  }

  function stop() {
    arm(null)
    stopListening()
    stopListening = noop
    tabs.close()
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
    tabs.post({ type: 'session', cause: 'signin', session })
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

  async function getAccessToken({ minValidity }: GetAccessTokenOptions = {}): Promise<string | null> {
    if (started) await whenSettled(store)
    return destroyed ? null : validToken(get, now, minValidity ?? margin(), refresh)
  }

  function destroy() {
    if (destroyed) return
    destroyed = true
    drop()
    mounts = 0
    stop()
    tabs.end()
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
    setSession: (tokenResponse) => signIn(makeSession(tokenResponse)),
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
    getTabInfo: () => ({ id: tabId, kind: tabs.kind() }),
    destroy,
  }
}
