export type { AuthErrorCode, AuthErrorOptions } from './AuthError'
export { AuthError, isAuthError } from './AuthError'
export { createAuthClient } from './createAuthClient'
export { decodeToken } from './decodeToken'
export { parseTokenResponse } from './parseTokenResponse'
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
  GetAccessTokenOptions,
  JwtPayload,
  LogoutOptions,
  ParsedTokenResponse,
  Session,
  SignOutReason,
  TabInfo,
  TokenResponse,
  TransportContext,
} from './types'
