// What an app that imports the idle timeout bundles: the React entry and `react-jwt-session/idle`.
export * from '../../src/idle/index'
export * from '../../src/index'
