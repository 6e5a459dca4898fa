// The storage-event cross-tab channel, for browsers without BroadcastChannel: opt-in, so it costs the other
// entries nothing. `createAuthClient({ crossTab: { fallback: storageEvents } })`.
export type { CrossTabFallback } from '../core/types'
export { storageEvents } from './storageEvents'
