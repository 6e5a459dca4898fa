export declare const JWT_RESOURCE: string

export interface ProviderOptions {
  /** 0 (default): a free port. */
  port?: number
  /** The provider's host name. @default 'localhost' (the app runs on 127.0.0.1: another site) */
  host?: string
  clientId?: string
  clientSecret?: string
  redirectUris: string[]
  postLogoutRedirectUris?: string[]
  /** Seconds. @default 60 */
  accessTokenTtl?: number
  /** `opaque` (oidc-provider's default) or `jwt` (through a resource indicator). @default 'opaque' */
  accessTokenFormat?: 'opaque' | 'jwt'
  log?: boolean
}

export interface TestProvider {
  issuer: string
  clientId: string
  clientSecret: string
  /** What the provider's token endpoint did. */
  stats: {
    authorizationCodeGrants: number
    refreshGrants: number
    refusedGrants: number
    revocations: number
  }
  /** Every refresh token the provider issued, in order. */
  refreshTokens: string[]
  /** RFC 7662 introspection at the provider: is this token still active? */
  isActive(token: string): Promise<boolean>
  close(): Promise<void>
}

export declare function startProvider(options: ProviderOptions): Promise<TestProvider>
