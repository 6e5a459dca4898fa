'use client'

// The same panel, rendered in production builds too (a staging site, a support session).
export type { AuthDevtoolsProps, DevtoolsPosition } from './AuthDevtools'
export { AuthDevtools } from './AuthDevtools'
