const warned = new Set<string>()

const isProduction = () =>
  typeof process === 'object' && (process as { env?: { NODE_ENV?: string } }).env?.NODE_ENV === 'production'

/**
 * A development-only console warning, prefixed and shown once. Callers never pass a token.
 *
 * Each call site also guards itself with `typeof process === 'object' && process.env.NODE_ENV !==
 * 'production'`, written out in place: bundlers replace that expression and drop the warning's text from
 * production bundles, which they do not do through an imported constant. The test is `=== 'object'` (what
 * reading `process.env` needs) rather than `!== 'undefined'`: esbuild rewrites the latter into a `<` comparison
 * it cannot prove free of side effects, and leaves that fragment behind at every call site.
 */
export function warnOnce(message: string): void {
  if (isProduction() || warned.has(message)) return
  warned.add(message)
  console.warn(`[react-jwt-session] ${message}`)
}
