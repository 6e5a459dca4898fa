// What an app that ships the devtools bundles: the React entry and `react-jwt-session/devtools/production`
// (the development build's `/devtools` is nothing in production).
export * from '../../src/devtools/production'
export * from '../../src/index'
