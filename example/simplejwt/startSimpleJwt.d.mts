export declare const SIMPLEJWT_PYTHON: string
export declare const SIMPLEJWT_INSTALL: string

/** Why the server cannot start on this machine (with the command that fixes it), or `null` when it can. */
export declare function simpleJwtMissing(): string | null

/** What `GET /__stats` of the test server counts. */
export interface SimpleJwtStats {
  /** Successful `POST /api/token/`. */
  logins: number
  loginFailures: number
  /** Successful `POST /api/token/refresh/` (each one rotated the refresh token). */
  refreshes: number
  /** Refused `POST /api/token/refresh/`, for any reason. */
  refreshRefusals: number
  /** Refused because the refresh token was blacklisted: a replay of a rotated token. */
  blacklisted: number
  /** Successful `POST /api/token/blacklist/` (logout). */
  blacklists: number
  /** Every refresh token the server issued (with `recordTokens`), so a test can look for them where they must not be. */
  refreshTokens: string[]
}

export interface SimpleJwtServer {
  /** `http://127.0.0.1:<port>`; SimpleJWT's endpoints are under `/api/token/`. */
  url: string
  /** Everything the server printed. */
  output: string[]
  stats(): Promise<SimpleJwtStats>
  /** Stops the server and removes its database. */
  close(): Promise<void>
}

export interface StartSimpleJwtOptions {
  /** Access-token lifetime, seconds. @default 300 */
  accessTtl?: number
  /** Refresh-token lifetime, seconds. @default 86400 */
  refreshTtl?: number
  /** @default 0 (a free port) */
  port?: number
  /** How long to wait for the server to be ready. @default 30000 */
  timeoutMs?: number
  /** Test only: `stats()` lists every refresh token issued. Never in the example. @default false */
  recordTokens?: boolean
}

/** Starts the SimpleJWT test server; throws with the apt command when the Debian package is missing. */
export declare function startSimpleJwt(options?: StartSimpleJwtOptions): Promise<SimpleJwtServer>
