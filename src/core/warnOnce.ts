const warned = new Set<string>()

const isProduction = () =>
  typeof process !== 'undefined' &&
  (process as { env?: { NODE_ENV?: string } }).env?.NODE_ENV === 'production'

/** A development-only console warning, prefixed and shown once. Callers never pass a token. */
export function warnOnce(message: string): void {
  if (isProduction() || warned.has(message)) return
  warned.add(message)
  console.warn(`[react-jwt-session] ${message}`)
}
