export { createSessionGateway } from './createSessionGateway'
export type { GatewayErrorCode } from './gatewayAnswers'
export { memoryStore } from './memoryStore'
export type { CookieOptions } from './sessionCookie'
export type { GatewayErrorEvent, SessionGateway, SessionGatewayOptions } from './sessionGatewayOptions'
export type { GatewaySession, GetUser } from './tokenAnswer'
export type {
  AuthorizeResult,
  GatewayStore,
  SealedExtras,
  UpstreamAdapter,
  UpstreamContext,
  UpstreamTokens,
} from './types'
