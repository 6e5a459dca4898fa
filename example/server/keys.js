// @ts-check
import { createHash, generateKeyPairSync } from 'node:crypto'

/**
 * @typedef {object} SigningKeys
 * @property {'ES256'} alg
 * @property {string} kid RFC 7638 thumbprint of the public key
 * @property {import('node:crypto').KeyObject} privateKey
 * @property {import('node:crypto').KeyObject} publicKey
 * @property {{ kty: 'EC', crv: 'P-256', x: string, y: string, kid: string, alg: 'ES256', use: 'sig' }} publicJwk
 */

/**
 * Generates the ES256 (P-256) key pair that signs access tokens. Synchronous on purpose, so
 * `createAuthServer` can return a ready server without a start-up promise; the key pair is the
 * same one `jose.generateKeyPair('ES256')` would make, and jose accepts Node's KeyObjects.
 * @returns {SigningKeys}
 */
export function createSigningKeys() {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' })
  const jwk = publicKey.export({ format: 'jwk' })
  const x = String(jwk.x)
  const y = String(jwk.y)
  // RFC 7638: the required members in lexicographic order, no whitespace.
  const canonical = JSON.stringify({ crv: 'P-256', kty: 'EC', x, y })
  const kid = createHash('sha256').update(canonical).digest('base64url')
  return {
    alg: 'ES256',
    kid,
    privateKey,
    publicKey,
    publicJwk: { kty: 'EC', crv: 'P-256', x, y, kid, alg: 'ES256', use: 'sig' },
  }
}
