export type { AuthErrorCode, AuthErrorOptions } from './AuthError'
export { AuthError, isAuthError } from './AuthError'
export { createAuthClient } from './createAuthClient'
export { decodeToken } from './decodeToken'
export { parseTokenResponse } from './parseTokenResponse'
export { safeReturnTo } from './safeReturnTo'
export type {
  AuthClient,
  AuthClientOptions,
  AuthEndpoints,
  AuthEventListener,
  AuthEventMap,
  AuthEventType,
  AuthState,
  AuthStatus,
  AuthTransport,
  Credentials,
  CrossTabFallback,
  GetAccessTokenOptions,
  JwtPayload,
  LogoutOptions,
  ParsedTokenResponse,
  Register,
  RegisteredClaims,
  RegisteredCredentials,
  RegisteredUser,
  Session,
  SignOutReason,
  TabInfo,
  TokenResponse,
  TransportContext,
} from './types'
