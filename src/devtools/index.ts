'use client'

export type { AuthDevtoolsProps, DevtoolsPosition } from './AuthDevtools'
export { AuthDevtools } from './developmentOnly'
