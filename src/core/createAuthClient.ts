import { createStore } from 'zustand/vanilla'
import { AuthError } from './AuthError'
import { validToken, whenSettled } from './accessToken'
import { createAuthRequest } from './authRequest'
import { initialState, restoreFailed, signedOut, unrestored } from './authState'
import { createAuthFetch } from './createAuthFetch'
import { createEmitter } from './createEmitter'
import { type SessionWithLifetime, sessionOf } from './createSession'
import { isRefusal, toAuthError } from './httpTransport'
import { randomId } from './randomId'
import { createRenewalTimer } from './renewalTimer'
import { renewSession } from './renewSession'
import { resolveOptions } from './resolveOptions'
import { createSingleFlight } from './singleFlight'
import { createTabChannel } from './tabChannel'
import { type Cancel, noop } from './timers'
import { createTransitions } from './transitions'
import type {
  AuthClient,
  AuthClientOptions,
  AuthEventMap,
  AuthState,
  Credentials,
  GetAccessTokenOptions,
  LogoutOptions,
  RegisteredCredentials,
  RegisteredUser,
  Session,
} from './types'
import { listenForWakeUp } from './wakeUp'
import { warnOnce } from './warnOnce'
import { withRefreshLock } from './withLock'

/**
 * Creates the auth client: the session store, the silent refresh, the cross-tab sync and `client.fetch`.
 * Nothing starts until `start()` (so it is safe to create during render or on the server).
 *
 * @example
 * const client = createAuthClient<{ sub: string; name: string }>({ apiOrigins: ['https://api.example.com'] })
 * client.start()
 */
export function createAuthClient<User = RegisteredUser>(
  options: AuthClientOptions<User> = {},
): AuthClient<User> {
  const { now, transport, channel, makeSession, writeHint, requestTimeout, ...config } =
    resolveOptions(options)
  const { on, emit } = createEmitter<AuthEventMap<User>>()
  const tabId = randomId()
  const [initial, lifetime] = initialState(options.initialSession, makeSession, config.hasSession())
  const store = createStore<AuthState<User>>()(() => initial)
  const get = store.getState
  /** `refreshing` and `refreshAt` follow the flight and the timer; written only when they change. */
  const put = <K extends 'refreshing' | 'refreshAt'>(key: K, value: AuthState<User>[K]) => {
    if (get()[key] !== value) store.setState({ [key]: value } as Partial<AuthState<User>>)
  }
  const flight = createSingleFlight<Session<User> | null>((busy) => put('refreshing', busy))
  const { run, stale, drop, generation } = flight
  const call = createAuthRequest(requestTimeout, now, flight, (event) => emit('request', event))
  const { arm, retry } = createRenewalTimer(
    now,
    () => background(),
    (at) => put('refreshAt', at),
  )
  const tabs: ReturnType<typeof createTabChannel<User>> = createTabChannel<User>(
    channel,
    tabId,
    emit,
    () => transitions.shared(),
    (session, cause) => adoptShared(session, cause),
    (reason) => (get().status === 'authenticated' || unrestored(get())) && signOut(reason),
    () => get().status !== 'authenticated' && background(),
  )

  let mounts = 0
  let started = false
  let destroyed = false
  let stopListening: Cancel = noop

  const currentSession = () => sessionOf(get())
  const margin = () => config.margin(transitions.lifetime())
  const isDue = (s: AuthState<User>) => s.expiresAt !== null && s.expiresAt - now() <= margin()
  const transitions = createTransitions(store, lifetime, {
    emit,
    now,
    drop,
    arm,
    // While the client runs: `start()` arms the timer, the last stop disarms it.
    renewalAt: (expiresAt, ms) => (mounts ? expiresAt - config.margin(ms) : null),
    writeHint,
    post: tabs.post,
  })
  const { adopt, signOut, fail, adoptShared } = transitions
  const schedule = () => {
    const session = currentSession()
    arm(session && session.expiresAt - margin())
  }
  const background = () => void refresh().catch(noop)

  const refresh = (): Promise<Session<User> | null> => (destroyed ? Promise.resolve(null) : run(renew))

  const renew = (gen: number) =>
    renewSession<User>({
      get,
      stale: () => stale(gen),
      isDue,
      locked,
      askTabs: () => tabs.ask(false),
      request: () => call('refresh', (signal) => transport.refresh({ signal }).then(makeSession)),
      adopt: (session) => adopt(session, 'local', 'refresh'),
      signOut,
      fail,
      retry: () => mounts && retry(),
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
    if (++mounts === 1) {
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
      if (!--mounts) stop()
    }
  }

  async function restore() {
    if (get().status !== 'loading') return
    const gen = generation()
    // A new tab first asks the open tabs; it calls the server only if none hands the session over.
    await tabs.ask(true)
    if (!stale(gen) && get().status === 'loading') await refresh().catch(noop)
  }

  function stop() {
    arm(null)
    // Each cleanup is safe to run twice (the last unmount, then destroy()).
    stopListening()
    tabs.close()
  }

  async function login(credentials: RegisteredCredentials): Promise<Session<User>> {
    // Sentences in development only (the guard in place, so bundlers drop them); production shows the code.
    if (destroyed)
      throw new AuthError(
        'network',
        typeof process !== 'undefined' && process.env.NODE_ENV !== 'production'
          ? 'The auth client was destroyed.'
          : undefined,
      )
    // A login supersedes whatever refresh is in flight (it may carry the previous user's cookie).
    drop()
    const gen = generation()
    try {
      // Under the refresh lock: a renewal still in flight in any tab would otherwise land after the login
      // and leave the previous user's refresh cookie behind the new user's session.
      const session = await locked(() =>
        call('login', (signal) => transport.login(credentials as Credentials, { signal }).then(makeSession)),
      )
      if (stale(gen))
        throw new AuthError(
          'session_expired',
          typeof process !== 'undefined' && process.env.NODE_ENV !== 'production'
            ? 'Signed out while the login was in flight.'
            : undefined,
        )
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
    // Terminal: destroyed before the restore, it ends signed out (no reason), so pending calls settle, never hang.
    if (get().status === 'loading') store.setState(signedOut(null))
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
      getAccessToken,
      refresh,
      apiOrigins: config.apiOrigins,
    }),
    on,
    getTabInfo: () => ({ id: tabId, kind: tabs.kind(), name: channel }),
    destroy,
  }
}
