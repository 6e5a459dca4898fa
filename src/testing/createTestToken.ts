export interface TestTokenOptions {
  /** Seconds from `now` to `exp`. @default 900 */
  expiresIn?: number
  /** The issue time, epoch ms. @default Date.now() */
  now?: number
}

const base64url = (text: string) => {
  const bytes = new TextEncoder().encode(text)
  let binary = ''
  for (const byte of bytes) binary += String.fromCharCode(byte)
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}

/**
 * An unsigned, JWT-shaped token for tests and stories: `iat` and `exp` are set from `now` and
 * `expiresIn`; `claims` may override them (pass `exp: undefined` for a token without expiry).
 *
 * @example
 * const token = createTestToken({ sub: 'user-1', name: 'Ada' }, { expiresIn: 60 })
 */
export function createTestToken(
  claims: Record<string, unknown> = {},
  options: TestTokenOptions = {},
): string {
  const iat = Math.floor((options.now ?? Date.now()) / 1000)
  const payload = { iat, exp: iat + (options.expiresIn ?? 900), ...claims }
  const header = { alg: 'none', typ: 'JWT' }
  return `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(payload))}.${base64url('unsigned test token')}`
}
