// What bench/run.mjs needs in Node, compiled by esbuild from the sources (no `npm run build` needed).
export { createAuthClient } from '../src/core/index'
export { createTestAuthServer } from '../src/testing/index'
export { createCookieJarFetch } from '../test/integrations/cookieJarFetch'
