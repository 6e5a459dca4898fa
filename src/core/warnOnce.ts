const warned = new Set<string>()

const isProduction = () =>
  typeof process === 'object' && (process as { env?: { NODE_ENV?: string } }).env?.NODE_ENV === 'production'

/**
 * A development-only console warning, prefixed and shown once. Callers never pass a token.
 *
 * Each call site also guards itself with `process.env.NODE_ENV !== 'production'`, written out in place, as React
 * and TanStack Query do: every bundler replaces that expression (Vite, webpack, Next.js, esbuild, Parcel), so a
 * development build shows the warning even where the page has no `process` at all, and a production build drops
 * its text. Guarding it with `typeof process` too would hide every warning in Vite's and webpack's development
 * builds, whose pages have no `process`.
 */
export function warnOnce(message: string): void {
  if (isProduction() || warned.has(message)) return
  warned.add(message)
  console.warn(`[react-jwt-session] ${message}`)
}
