// What an app that supports browsers without BroadcastChannel bundles: the React entry and
// `react-jwt-session/storage-events`.
export * from '../../src/index'
export * from '../../src/storageEvents/index'
