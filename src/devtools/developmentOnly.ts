import { AuthDevtools as Devtools } from './AuthDevtools'

/**
 * `<AuthDevtools>`, or nothing in a production build: bundlers replace `process.env.NODE_ENV`, and the
 * panel's code is then dropped from the bundle. Import `react-jwt-session/devtools/production` to keep it.
 */
export const AuthDevtools: typeof Devtools = process.env.NODE_ENV === 'production' ? () => null : Devtools
