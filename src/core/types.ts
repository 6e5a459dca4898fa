import type { JwtPayload } from 'jwt-decode'
import type { StoreApi } from 'zustand/vanilla'
import type { AuthError } from './AuthError'
import type { TabSync } from './tabProtocol'

export type { JwtPayload }

/**
 * The app's own types, registered once for the whole program (TanStack Router's pattern). Empty here;
 * an app fills it by module augmentation, and every hook, component, event and `createAuthClient()` then
 * uses those types without a type parameter at each call site:
 *
 * @example
 * declare module 'react-jwt-session' {
 *   interface Register {
 *     user: { id: string; name: string }
 *     claims: { role: 'admin' | 'member' }
 *     credentials: { username: string; password: string }
 *   }
 * }
 */
// biome-ignore lint/suspicious/noEmptyInterface: apps fill it by module augmentation
export interface Register {}

/** The registered `user` type, else `unknown`. The default of every `User` type parameter. */
export type RegisteredUser = Register extends { user: infer User } ? User : unknown

/** The registered `claims` type with the standard JWT claims, else `JwtPayload`. */
export type RegisteredClaims = Register extends { claims: infer Claims } ? Claims & JwtPayload : JwtPayload

/** The registered `credentials` type (what `login()` takes), else any object. */
export type RegisteredCredentials = Register extends { credentials: infer Given } ? Given : Credentials

export type AuthStatus = 'loading' | 'authenticated' | 'unauthenticated'

/**
 * Why the user is signed out. `null` while signed in or loading. `'network'`: the session could not be
 * checked at start (server unreachable) and is retried in the background; `'destroyed'`: the client was
 * destroyed before its session was restored.
 */
export type SignOutReason =
  | 'logout'
  | 'expired'
  | 'revoked'
  | 'other-tab'
  | 'no-session'
  | 'network'
  | 'idle'
  | 'destroyed'

export interface AuthState<User = RegisteredUser> {
  status: AuthStatus
  user: User | null
  claims: RegisteredClaims | null
  /** Held in memory only: never written to storage, the URL or the console. */
  accessToken: string | null
  /** Epoch ms on the local clock. */
  expiresAt: number | null
  /** When the next silent renewal is due (epoch ms, local clock); `null` when none is scheduled. */
  refreshAt: number | null
  refreshing: boolean
  /** The last failure; cleared by the next success. */
  error: AuthError | null
  reason: SignOutReason | null
}

/** A signed-in session as the client holds it. */
export interface Session<User = RegisteredUser> {
  accessToken: string
  /** Epoch ms on the local clock. */
  expiresAt: number
  claims: RegisteredClaims
  user: User
}

/** What `parseTokenResponse` extracts from a server's answer. */
export interface ParsedTokenResponse {
  accessToken: string
  /** Seconds the token is valid for, counted from receipt. */
  expiresIn?: number
  /** Absolute expiry (epoch ms, server clock), e.g. from `jwt_token_expiry`. */
  expiresAt?: number
  /** The user object, when the server sends one. */
  user?: unknown
}

/** A server's token answer, as sent: `{ access_token, expires_in, user }` and the other default shapes. */
export type TokenResponse = unknown

export interface Credentials {
  [field: string]: unknown
}

/**
 * Replaces the default HTTP calls. Each method resolves with the server's parsed body.
 * Signal "the session is over" by throwing `AuthError('session_expired' | 'invalid_credentials')` or an
 * error with a 4xx `status`; any other throw counts as a network failure.
 */
export interface AuthTransport {
  login(credentials: Credentials, context?: TransportContext): Promise<TokenResponse>
  refresh(context?: TransportContext): Promise<TokenResponse>
  logout(options: { everywhere: boolean }, context?: TransportContext): Promise<unknown>
}

/** Passed to each transport call: `signal` aborts when `requestTimeout` passes. */
export interface TransportContext {
  signal?: AbortSignal
}

export interface AuthEndpoints {
  /** @default '/auth/login' */
  login: string
  /** @default '/auth/refresh' */
  refresh: string
  /** @default '/auth/logout' */
  logout: string
  /** @default '/auth/logout-all' */
  logoutEverywhere: string
}

/**
 * A channel between tabs for browsers without BroadcastChannel: `storageEvents` from
 * `react-jwt-session/storage-events`. Opens on `name` and hands every message it hears to `receive`;
 * `undefined` when it cannot open here.
 */
export type CrossTabFallback = (
  name: string,
  receive: (data: unknown) => void,
  id: string,
) => TabSync<unknown> | undefined

export interface AuthClientOptions<User = RegisteredUser> {
  /** URLs of the auth endpoints (POST, JSON, `credentials: 'include'`). */
  endpoints?: Partial<AuthEndpoints>
  /** Replaces the default HTTP calls (GraphQL mutations, SDKs, fakes). */
  transport?: AuthTransport
  /** Reads the access token and its expiry from a server answer. @default understands the common shapes */
  parseTokenResponse?: (body: TokenResponse) => ParsedTokenResponse
  /** Builds the app's user. @default the body's `user`, else the claims without `iat`, `exp`, `nbf`, `jti` */
  getUser?: (claims: RegisteredClaims, body: TokenResponse) => User
  /** How long before expiry the refresh starts, in ms. @default min(60_000, 20% of the token's lifetime) */
  refreshMargin?: number
  /**
   * One session across the tabs of a browser. `{ name }` names the channel and lock; `{ fallback }` is how
   * tabs talk where BroadcastChannel is missing (Safari before 15.4): pass `storageEvents` from
   * `react-jwt-session/storage-events` to carry sign-in and sign-out there too.
   * @default true
   */
  crossTab?: boolean | { name?: string; fallback?: CrossTabFallback }
  /** Further origins `client.fetch` may send the token to; the page's own origin always qualifies. @default [] */
  apiOrigins?: string[]
  /** The fetch implementation, for tests. @default the global fetch, looked up at call time */
  fetch?: typeof fetch
  /** The clock, in epoch ms, for tests. @default Date.now */
  now?: () => number
  /**
   * What the server found when it rendered the page (SSR hand-off). A token response: the client starts
   * authenticated. `null`: the server checked and there is no session, so the client starts signed out
   * (`reason: 'no-session'`) and makes no refresh call. Left out (`undefined`): unknown, the client restores
   * the session itself at `start()`.
   * @default undefined
   */
  initialSession?: TokenResponse | null
  /** Auth calls are aborted after this many ms. @default 10_000 */
  requestTimeout?: number
  /**
   * Extra headers on the default transport's auth requests (login, refresh, logout): a CSRF token for Django,
   * Laravel or Rails. A function is called for each request, so it can read a cookie that changed. Not used
   * with a custom `transport`, and never sent by `client.fetch`.
   * @default {}
   * @example headers: () => ({ 'X-CSRFToken': readCookie('csrftoken') ?? '' })
   */
  headers?: Record<string, string> | (() => Record<string, string>)
  /**
   * Keep a non-secret "has a session" flag (a boolean, never a token) in localStorage and skip the
   * initial refresh for visitors who never signed in (or signed out). Without it, every anonymous page load
   * makes that refresh call and the server refuses it with a 401, which the browser logs in red in the
   * console (harmless, and no script can hide it); with it, such visitors cost no request and see no gate.
   * The flag is read when the client is created, so with server rendering the browser's first render can
   * differ from the server's (signed out instead of the gate): leave it off for server-rendered pages.
   * @default false
   */
  sessionHint?: boolean
}

export interface GetAccessTokenOptions {
  /** The token must stay valid at least this long, in ms. @default the refresh margin */
  minValidity?: number
}

export interface LogoutOptions {
  /** Revoke every refresh token of the user on the server (every device). @default false */
  everywhere?: boolean
  /**
   * Why the user is signed out, for add-ons that sign out for their own cause: the other tabs then sign
   * out with the same reason (`'idle'`) instead of `'other-tab'`. @default 'logout'
   */
  reason?: 'logout' | 'idle'
}

/** What each event of `client.on` carries. */
export interface AuthEventMap<User = RegisteredUser> {
  /** A transition into a signed-in session: login/`setSession`, restored at start, or adopted from a tab. */
  signin: { session: Session<User>; source: 'this-tab' | 'other-tab' | 'restore' }
  /** A transition from signed in to signed out (never for a client that was not signed in). */
  signout: { reason: SignOutReason; error: AuthError | null }
  /** A renewed token adopted while signed in as the same user. */
  refresh: { session: Session<User>; source: 'this-tab' | 'other-tab' }
  /** A new failure set in `error`. */
  error: { error: AuthError }
  /** Diagnostics (devtools, monitoring): every auth request this tab made, when it settled. */
  request: {
    kind: 'login' | 'refresh' | 'logout'
    /** `dropped`: the answer arrived after a logout or a newer session and was thrown away. */
    outcome: 'ok' | 'refused' | 'failed' | 'dropped'
    /** Milliseconds, measured with the client's `now`. */
    duration: number
    error: AuthError | null
  }
  /** Diagnostics: every cross-tab message this tab sent or received (never carries the token itself). */
  message: {
    direction: 'in' | 'out'
    type: 'session' | 'logout' | 'ask' | 'answer' | 'signin'
    peer: string | null
  }
}

export type AuthEventType = keyof AuthEventMap

export type AuthEventListener<T extends AuthEventType, User = RegisteredUser> = (
  event: AuthEventMap<User>[T],
) => void

/** This tab as the cross-tab layer sees it. */
export interface TabInfo {
  /** Made when the client is created; other tabs see it as the `peer` of this tab's messages. */
  id: string
  /** How messages travel: `none` before `start()`, with `crossTab: false`, or with no channel at all. */
  kind: 'broadcast' | 'storage' | 'none'
  /**
   * The cross-tab channel and lock name (`crossTab.name`, default `'react-jwt-session'`), `null` with
   * `crossTab: false`. Add-ons that talk between tabs (the idle timeout) derive their own channel from it.
   */
  name: string | null
}

export interface AuthClient<User = RegisteredUser> {
  /** The zustand vanilla store holding `AuthState`. */
  readonly store: StoreApi<AuthState<User>>
  getState(): AuthState<User>
  subscribe(listener: (state: AuthState<User>, previous: AuthState<User>) => void): () => void
  /**
   * Restores the session (one silent refresh, or a hand-off from another tab) and starts the timers and
   * listeners. Idempotent: only the first call ever makes the initial request. Returns a function that
   * stops the timers and listeners again; they stay on while any `start()` has not been stopped.
   */
  start(): () => void
  login(credentials: RegisteredCredentials): Promise<Session<User>>
  setSession(tokenResponse: TokenResponse): Session<User>
  logout(options?: LogoutOptions): Promise<void>
  /**
   * Renews the access token now (single-flight in the tab, serialized across tabs). Resolves with the
   * new session, or `null` when signed out; rejects with `AuthError` on a network or server failure
   * (the session is kept and retried).
   */
  refresh(): Promise<Session<User> | null>
  getAccessToken(options?: GetAccessTokenOptions): Promise<string | null>
  fetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response>
  /**
   * Subscribes to an event; returns the unsubscribe function. Listeners run after the store is updated; a
   * listener that throws breaks neither the client nor the other listeners (in development the error is
   * reported with `console.error`, once per listener).
   */
  on<T extends AuthEventType>(type: T, listener: AuthEventListener<T, User>): () => void
  /** This tab's id and how its messages travel to the other tabs. */
  getTabInfo(): TabInfo
  /**
   * Ends the client for good: timers, listeners and channels are removed, pending and later
   * `getAccessToken()`/`fetch()` calls settle (`null` or a rejection), nothing is requested any more.
   */
  destroy(): void
}
