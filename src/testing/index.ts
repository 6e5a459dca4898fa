export type { TestAuthClientOptions } from './createTestAuthClient'
export { createTestAuthClient } from './createTestAuthClient'
export type {
  RecordedRequest,
  TestAuthServer,
  TestAuthServerOptions,
  TestAuthServerStats,
  TestFault,
  TestFaultOptions,
  TestUser,
} from './createTestAuthServer'
export { createTestAuthServer } from './createTestAuthServer'
export type { TestTokenOptions } from './createTestToken'
export { createTestToken } from './createTestToken'
export type { PublicTestRoute, TestRouteContext, TestRouteHandler, TestRoutes } from './testRoutes'
