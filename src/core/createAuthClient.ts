import { createStore } from 'zustand/vanilla'
import { AuthError } from './AuthError'
import { validToken, whenSettled } from './accessToken'
import { createAuthRequest } from './authRequest'
import { initialState, renewable, restoreFailed, signedOut } from './authState'
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

/** How long before its expiry a token is tried once more, however long the server asked to pause. */
const LAST_ATTEMPT_BEFORE_EXPIRY = 1000

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
  const follow = <K extends 'refreshing' | 'refreshAt'>(key: K, value: AuthState<User>[K]) => {
    if (get()[key] !== value) store.setState({ [key]: value } as Partial<AuthState<User>>)
  }
  const flight = createSingleFlight<Session<User> | null>((busy) => follow('refreshing', busy))
  const { run, stale, drop, generation } = flight
  const sendAuthRequest = createAuthRequest(requestTimeout, now, flight, (event) => emit('request', event))
  const timer = createRenewalTimer(
    now,
    () => renewInBackground(),
    (at) => follow('refreshAt', at),
  )
  const tabs: ReturnType<typeof createTabChannel<User>> = createTabChannel<User>(
    channel,
    tabId,
    emit,
    () => transitions.shared(),
    (session, cause, since) => adoptShared(session, cause, since),
    // A logout anywhere ends a login in flight here too, even in a tab that is signed out; a renewal refused
    // elsewhere does not: the login the server accepts replaces the session that was refused.
    (reason, refused) => {
      if (refused && signingIn) return
      if (renewable(get())) signOut(reason)
      else drop()
    },
    () => get().status !== 'authenticated' && renewInBackground(),
  )

  let mounts = 0
  /** Logins in flight. */
  let signingIn = 0
  let started = false
  let destroyed = false
  let stopListening: Cancel = noop
  const currentSession = () => sessionOf(get())
  const margin = (): number => config.margin(transitions.lifetime())
  /** When the renewal of a token expiring at `expiresAt` is due: the one place that computes it. */
  const renewalTime = (expiresAt: number): number => expiresAt - margin()
  /** Whether a renewal is due: the token's renewal time has come, or the retry armed after a failure has. */
  const isDue = (s: AuthState<User>) =>
    s.expiresAt !== null &&
    now() >= Math.min(renewalTime(s.expiresAt), s.refreshAt ?? Number.POSITIVE_INFINITY)
  const transitions = createTransitions(store, lifetime, {
    emit,
    now,
    drop,
    arm: timer.arm,
    // While the client runs: `start()` arms the timer, the last stop disarms it.
    renewalAt: (expiresAt) => (mounts ? renewalTime(expiresAt) : null),
    writeHint,
    post: tabs.post,
  })
  const { adopt, signOut, fail, adoptShared } = transitions
  const renewInBackground = () => void refresh().catch(noop)

  /**
   * The next attempt after a passing failure: the backoff, or later when the server said when to come back
   * (`Retry-After`), but still before the token expires, so a session is not lost to a long pause.
   */
  function retryLater(error: AuthError) {
    if (!mounts) return
    const lastAttempt = (get().expiresAt ?? Infinity) - LAST_ATTEMPT_BEFORE_EXPIRY
    timer.retry(Math.min((error.retryAfter ?? 0) * 1000, lastAttempt - now()))
  }

  const refresh = (): Promise<Session<User> | null> => (destroyed ? Promise.resolve(null) : run(renew))

  const renew = (gen: number) =>
    renewSession<User>({
      get,
      stale: () => stale(gen),
      isDue,
      locked,
      askTabs: () => tabs.ask(false),
      request: () => sendAuthRequest('refresh', (signal) => transport.refresh({ signal }).then(makeSession)),
      adopt: (session) => adopt(session, 'local', 'refresh'),
      signOut,
      fail,
      retry: retryLater,
    }).then((session) =>
      // Dropped by a login (or a sign-in): its callers follow the flight that replaced it, so none of them
      // gets the token that was being renewed.
      stale(gen) ? (flight.pending() ?? session) : session,
    )

  const locked = <T>(task: () => Promise<T>): Promise<T> =>
    channel === null ? task() : withRefreshLock(channel.name, requestTimeout, task)

  function start(): () => void {
    if (destroyed) {
      if (process.env.NODE_ENV !== 'production') {
        warnOnce('start() was called on a destroyed client; create a new client instead.')
      }
      return noop
    }
    if (++mounts === 1) {
      stopListening = listenForWakeUp((online) => {
        const s = get()
        if (s.status === 'authenticated' ? isDue(s) || (online && s.error !== null) : restoreFailed(s))
          renewInBackground()
        // Not due yet: timers stand still while a laptop sleeps, so the one armed is armed again from the clock.
        else timer.rearm()
      })
      tabs.open()
      const s = get()
      // Retried only while there is a session to keep or restore: an error left by a logout whose server
      // call failed must not renew (and so bring back) the session the user ended.
      if (s.error !== null && renewable(s)) timer.retry()
      else timer.arm(s.expiresAt === null ? null : renewalTime(s.expiresAt))
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
    timer.arm(null)
    // Each cleanup is safe to run twice (the last unmount, then destroy()).
    stopListening()
    tabs.close()
  }

  /** A destroyed client sends nothing: a call reaching the network after `destroy()` rejects instead. */
  function ensureAlive() {
    // The sentence is for development; production shows the code.
    if (destroyed)
      throw new AuthError(
        'network',
        process.env.NODE_ENV !== 'production' ? 'The auth client was destroyed.' : undefined,
      )
  }

  async function login(credentials: RegisteredCredentials): Promise<Session<User>> {
    ensureAlive()
    // A login supersedes whatever refresh is in flight (it may carry the previous user's cookie) and becomes
    // the flight itself: a renewal asked for meanwhile gets the login's session.
    const droppedRenewal = get().refreshing
    drop()
    const gen = generation()
    const attempt = signInWith(credentials, gen)
    void run(
      () =>
        attempt.catch(() => {
          // The login failed: the renewal it dropped (or one now due) still runs, so silent renewal goes on.
          if (stale(gen) || !renewable(get()) || !(droppedRenewal || isDue(get()))) return currentSession()
          follow('refreshing', true)
          return renew(gen)
        }),
      false,
    ).catch(noop)
    signingIn++
    try {
      return await attempt
    } catch (thrown) {
      // A login before the restore at start ever asked the server: there was no session to find.
      if (get().status === 'loading' && !stale(gen) && !droppedRenewal) signOut('no-session')
      // The login call's own 401 means wrong credentials, never "refresh and retry".
      throw toAuthError(thrown, 'login')
    } finally {
      signingIn--
    }
  }

  async function signInWith(credentials: RegisteredCredentials, gen: number): Promise<Session<User>> {
    const since = now()
    // Under the refresh lock: a renewal still in flight in any tab would otherwise land after the login
    // and leave the previous user's refresh cookie behind the new user's session.
    // Destroyed while waiting for the lock: nothing is sent.
    const session = await locked(() => {
      ensureAlive()
      return sendAuthRequest('login', (signal) =>
        transport.login(credentials as Credentials, { signal }).then(makeSession),
      )
    })
    if (stale(gen))
      throw new AuthError(
        'session_expired',
        process.env.NODE_ENV !== 'production' ? 'Signed out while the login was in flight.' : undefined,
      )
    return signIn(session, since)
  }

  /** `since`: when the call that got `session` began (a tab that signed out after it will not adopt it). */
  function signIn(session: SessionWithLifetime<User>, since = now()): Session<User> {
    drop()
    adopt(session, 'local', 'signin', since)
    return currentSession() as Session<User>
  }

  async function logout({ everywhere = false, reason = 'logout' }: LogoutOptions = {}): Promise<void> {
    // Memory first, synchronously: whatever the network does next, this tab is signed out now.
    signOut(reason, null, true)
    if (destroyed) return
    const gen = generation()
    try {
      await sendAuthRequest('logout', (signal) => transport.logout({ everywhere }, { signal }))
    } catch (error) {
      // A 4xx means there was no server session left to end; only an unreachable server is worth reporting.
      if (!isRefusal(error as AuthError) && !stale(gen)) fail(error as AuthError)
    }
  }

  async function getAccessToken({ minValidity }: GetAccessTokenOptions = {}): Promise<string | null> {
    if (started) await whenSettled(store)
    if (destroyed) return null
    const token = await validToken(get, now, minValidity ?? margin(), refresh).catch((error) => {
      if (!destroyed) throw error
    })
    // Destroyed while the token was being renewed: no token (nor failure) leaves a destroyed client.
    return destroyed ? null : (token as string | null)
  }

  function destroy() {
    if (destroyed) return
    destroyed = true
    drop()
    mounts = 0
    stop()
    tabs.end()
    // Pending calls wait for the state to settle: a client destroyed while loading ends signed out, with a
    // reason of its own (not a sign-out: nothing is emitted or told to the other tabs).
    if (get().status === 'loading') store.setState(signedOut('destroyed'))
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
    getTabInfo: () => ({ id: tabId, kind: tabs.kind(), name: channel?.name ?? null }),
    destroy,
  }
}
