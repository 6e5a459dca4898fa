export type { AuthWrapper, AuthWrapperOptions } from './createAuthWrapper'
export { createAuthWrapper } from './createAuthWrapper'
