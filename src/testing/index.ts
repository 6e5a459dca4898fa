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
