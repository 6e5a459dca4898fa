export type { RefreshOnServerOptions, RefreshOnServerResult } from './refreshOnServer'
export { refreshOnServer } from './refreshOnServer'
