'use client'

export type { IdleWarningProps } from './IdleWarning'
export { IdleWarning } from './IdleWarning'
export type { IdleSnapshot } from './idleRegistry'
export type { IdleTimeoutOptions } from './idleTimeout'
export { idleTimeout } from './idleTimeout'
export type { UseIdleResult } from './useIdle'
export { useIdle } from './useIdle'
