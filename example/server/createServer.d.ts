// Types for createServer.js (plain JavaScript, so Node 20 runs it without a build step).
import type { KeyObject } from 'node:crypto'
import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import type { JWTPayload } from 'jose'

export declare const REFRESH_COOKIE: 'rjs_refresh'
export declare const FINGERPRINT_COOKIE: 'rjs_fgp'

export interface Item {
  id: string
  title: string
  done: boolean
}

/** An account as configured: credentials plus what goes into the access token. */
export interface UserRecord {
  username: string
  password: string
  /** The token's `sub`. @default the username */
  id?: string
  /** @default the username */
  name?: string
  /** @default 'member' */
  role?: string
  /** What `GET /api/items` returns for this user. */
  items?: Item[]
}

/** The user as the API shows it: login/refresh body and `GET /api/me`. */
export interface PublicUser {
  id: string
  username: string
  name: string
  role: string
}

export interface AuthServerOptions {
  /** Access token lifetime in seconds. @default env `ACCESS_TTL`, else 900 */
  accessTtl?: number | undefined
  /** Refresh token lifetime in seconds, renewed by every rotation. @default 604800 (7 days) */
  refreshTtl?: number | undefined
  /** Directory served to GET requests, with `index.html` for app routes outside /api and /auth. */
  staticDir?: string | undefined
  /**
   * `Path` of the refresh cookie. `/` lets server-rendered pages see it (SSR with `refreshOnServer`); the
   * default keeps it to the auth endpoints.
   * @default '/auth'
   */
  refreshCookiePath?: string | undefined
  /** Called before the built-in routes; return true when it answered the request. */
  extraRoutes?:
    | ((req: IncomingMessage, res: ServerResponse, url: URL) => boolean | Promise<boolean>)
    | undefined
  /** Add `Secure` to the cookies. @default false */
  secureCookies?: boolean | undefined
  /** Request and security-event log; never receives a token. @default console.log */
  log?: ((line: string) => void) | false | undefined
  /** The clock in epoch ms, for tests. @default Date.now */
  now?: (() => number) | undefined
  /**
   * Seconds during which a refresh token that was already exchanged may be exchanged again: it gets a
   * fresh token of the same family instead of revoking the family. Covers two honest clients racing with
   * one cookie (a server-rendered page renewing while a tab's renewal is in flight; a tab closed after the
   * server rotated the cookie but before the browser stored it). After the interval a replay is treated as
   * theft. @default 0
   */
  reuseInterval?: number | undefined
  /** Accounts. @default alice / alice-password (admin) and bob / bob-password (member) */
  users?: UserRecord[] | undefined
  /** Failed logins allowed per username within the window before 429. @default 5 in 300 s */
  loginRateLimit?: { maxFailures?: number | undefined; windowSeconds?: number | undefined } | undefined
}

export interface AuthServerStats {
  logins: number
  refreshes: number
  reuseDetections: number
  /** Replays answered because they came within `reuseInterval`. */
  reusesAllowed: number
  logouts: number
  failedLogins: number
}

export interface SigningKeys {
  alg: 'ES256'
  /** RFC 7638 thumbprint of the public key; the `kid` of every access token. */
  kid: string
  privateKey: KeyObject
  publicKey: KeyObject
  publicJwk: { kty: 'EC'; crv: 'P-256'; x: string; y: string; kid: string; alg: 'ES256'; use: 'sig' }
}

export interface AuthServer {
  server: Server
  /**
   * Answers one request exactly as `server` does, for mounting the auth routes (`/auth/*`, `/api/*`,
   * `/.well-known/jwks.json`) in another Node server on the same origin, e.g. a framework's custom server.
   */
  handle(req: IncomingMessage, res: ServerResponse): void
  /** Starts listening (port 0, the default, picks a free port). Can be called again after `close()`. */
  listen(port?: number, host?: string): Promise<{ url: string }>
  /** Stops listening and drops open connections; sessions, users and keys survive. */
  close(): Promise<void>
  /** Live counters. */
  stats: AuthServerStats
  /** The configured accounts, with their passwords (demo credentials). */
  users: Array<Required<Omit<UserRecord, 'items'>>>
  /** Revokes every session. Returns how many were live. */
  revokeAll(): number
  keys: SigningKeys
  /** The signed-in user of a request, checked exactly like `/api/*`, or null. For `extraRoutes`. */
  authenticate(req: IncomingMessage): Promise<{ user: PublicUser; claims: JWTPayload } | null>
}

export declare function createAuthServer(options?: AuthServerOptions): AuthServer
