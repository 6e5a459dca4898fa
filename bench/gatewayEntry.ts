// What bench/run.mjs needs for the gateway section, compiled by esbuild from the sources.
export { createSessionGateway } from '../src/gateway/createSessionGateway'
export { simplejwt } from '../src/gateway/presets/simplejwt'
export { createTestToken } from '../src/testing/createTestToken'
