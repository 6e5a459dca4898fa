/**
 * Sealing: authenticated encryption of what the gateway keeps outside its memory (the refresh-token cookie,
 * the redirect transaction cookie, the store's shared answers).
 *
 * AES-256-GCM with a key derived from each secret by HKDF, once. Where the runtime hands out `node:crypto`
 * (Node 20.16+ / 22.3+), its synchronous cipher seals; elsewhere (Deno, Bun, Workers, older Node) WebCrypto does.
 * Both write the same bytes, so a value sealed by one opens with the other. In Node each WebCrypto call is a job
 * sent to libuv's thread pool and back, and for a cookie of a few hundred bytes the hand-off costs more than the
 * AES: measured by `npm run bench -- gateway` on the 2-core benchmark machine (Node 20.20), a bare seal + open
 * pair runs about 45,000 times per CPU second with `node:crypto` against 7,000–17,000 with WebCrypto, and the
 * switch alone took a whole refresh through the gateway (one open, one seal) from 1,700–2,100 to 2,800–3,500
 * refreshes per CPU second.
 *
 * A sealed value reads `{kid}.{base64url(iv ‖ ciphertext ‖ tag)}`. The `kid` names the secret that sealed it,
 * so a value sealed under a previous secret still opens (and the caller re-seals it under the current one).
 * The purpose (the cookie's name, `flight`, …) is the AES-GCM additional data: a value sealed for one cookie
 * does not open as another. The expiry is inside the ciphertext: an old value cannot be replayed past it.
 */

const encoder = new TextEncoder()
const decoder = new TextDecoder()

/** Shortest secret accepted, in bytes of its UTF-8 encoding. */
export const MIN_SECRET_BYTES = 32

const SECRET_HELP =
  'Make one with `openssl rand -base64 32` (or `node -e "console.log(crypto.randomBytes(32).toString(\'base64url\'))"`) ' +
  'and pass it from an environment variable, e.g. `secret: process.env.SESSION_SECRET`.'

/** The secrets option as a list `[current, ...previous]`, checked; throws a sentence saying how to make one. */
export function checkSecrets(secret: unknown): string[] {
  const list = Array.isArray(secret) ? secret : [secret]
  if (list.length === 0 || list.some((item) => typeof item !== 'string' || item === '')) {
    throw new TypeError(
      `createSessionGateway needs a \`secret\` (a string of at least 32 bytes). ${SECRET_HELP}`,
    )
  }
  for (const [index, item] of (list as string[]).entries()) {
    const bytes = encoder.encode(item).length
    if (bytes < MIN_SECRET_BYTES) {
      const which = list.length > 1 ? `secret[${index}]` : 'The secret'
      throw new TypeError(
        `${which} is ${bytes} bytes long; createSessionGateway needs at least ${MIN_SECRET_BYTES}. ${SECRET_HELP}`,
      )
    }
  }
  return list as string[]
}

// base64url without padding, by table, on Uint8Array only: no Buffer (every runtime), and no btoa + three regex
// passes over each cookie (a measurable share of a refresh). The text is written as ASCII bytes and decoded in one
// go: one flat string, where appending four characters at a time built a rope of a few hundred pieces, which a
// rotation kept for its reuse interval then carried from one garbage collection to the next.
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
const CODES = encoder.encode(ALPHABET)
const VALUES = new Int16Array(128).fill(-1)
for (let i = 0; i < ALPHABET.length; i++) VALUES[ALPHABET.charCodeAt(i)] = i

export function toBase64Url(bytes: Uint8Array): string {
  const out = new Uint8Array(Math.ceil((bytes.length * 4) / 3))
  let at = 0
  let i = 0
  for (; i + 2 < bytes.length; i += 3) {
    const n = ((bytes[i] as number) << 16) | ((bytes[i + 1] as number) << 8) | (bytes[i + 2] as number)
    out[at++] = CODES[n >> 18] as number
    out[at++] = CODES[(n >> 12) & 63] as number
    out[at++] = CODES[(n >> 6) & 63] as number
    out[at++] = CODES[n & 63] as number
  }
  const rest = bytes.length - i
  if (rest > 0) {
    const n = ((bytes[i] as number) << 16) | (rest === 2 ? (bytes[i + 1] as number) << 8 : 0)
    out[at++] = CODES[n >> 18] as number
    out[at++] = CODES[(n >> 12) & 63] as number
    if (rest === 2) out[at++] = CODES[(n >> 6) & 63] as number
  }
  return decoder.decode(out.subarray(0, at))
}

/** The bytes of a base64url text (no padding), or `null` for anything else. */
export function fromBase64Url(text: string): Uint8Array<ArrayBuffer> | null {
  if (text.length % 4 === 1) return null
  const bytes = new Uint8Array(Math.floor((text.length * 3) / 4))
  let bits = 0
  let buffer = 0
  let at = 0
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i)
    const value = code < 128 ? (VALUES[code] as number) : -1
    if (value < 0) return null
    buffer = (buffer << 6) | value
    bits += 6
    if (bits >= 8) {
      bits -= 8
      bytes[at++] = (buffer >> bits) & 0xff
    }
  }
  return bytes
}

// Random bytes are drawn from the system 4 KB at a time and handed out in copies: a `getRandomValues` call has a
// fixed cost (in Node, a trip into OpenSSL) several times that of making 16 bytes, and a refresh takes two draws
// (an IV and a flight id). Node's `crypto.randomUUID` keeps a cache the same way.
const POOL_BYTES = 4096
let pool = new Uint8Array(0)
let poolUsed = 0

/** `count` (at most 4,096) random bytes from the runtime's CSPRNG; each byte is handed out once. */
export function randomBytes(count: number): Uint8Array<ArrayBuffer> {
  if (poolUsed + count > pool.length) {
    pool = crypto.getRandomValues(new Uint8Array(POOL_BYTES))
    poolUsed = 0
  }
  const bytes = pool.slice(poolUsed, poolUsed + count)
  pool.fill(0, poolUsed, poolUsed + count)
  poolUsed += count
  return bytes
}

/** A random id: 16 bytes, base64url. */
export const randomId = () => toBase64Url(randomBytes(16))

type Bytes = Uint8Array<ArrayBuffer>

/**
 * AES-256-GCM under one derived key. `encrypt` answers `iv ‖ ciphertext ‖ tag` with a fresh random IV; `decrypt`
 * takes that layout back and answers the plaintext, or `null` when the tag does not verify (tampered, another
 * key, other additional data). Either may answer synchronously.
 */
interface AesGcmKey {
  encrypt(plaintext: string, additionalData: Bytes): Uint8Array | Promise<Uint8Array>
  decrypt(sealed: Bytes, additionalData: Bytes): string | null | Promise<string | null>
}

/** An `AesGcmKey` that answers in the call. */
interface SyncAesGcmKey extends AesGcmKey {
  encrypt(plaintext: string, additionalData: Bytes): Bytes
  decrypt(sealed: Bytes, additionalData: Bytes): string | null
}

/**
 * Which AES-GCM implementation seals: `node`, the runtime's synchronous `node:crypto` cipher (WebCrypto where it
 * does not seal and open a first value), or `webcrypto`, `crypto.subtle` (every Fetch-API runtime). Both read
 * and write the same values.
 */
export type AesEngine = 'node' | 'webcrypto'

const IV_BYTES = 12
const TAG_BYTES = 16

type NodeCrypto = typeof import('node:crypto')

/**
 * `node:crypto`, where the runtime hands it out without a static import (which would stop the gateway entry from
 * loading or bundling where there is none): `process.getBuiltinModule`, Node 20.16+ / 22.3+ (and the runtimes
 * that copy it). `undefined` elsewhere, or when what it hands out lacks the calls used here.
 */
function nodeCrypto(): NodeCrypto | undefined {
  const process = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process
  if (typeof process?.getBuiltinModule !== 'function') return undefined
  let module: Partial<NodeCrypto> | undefined
  try {
    module = process.getBuiltinModule('node:crypto') as Partial<NodeCrypto> | undefined
  } catch {
    return undefined
  }
  const complete =
    typeof module?.createCipheriv === 'function' &&
    typeof module.createDecipheriv === 'function' &&
    typeof module.createSecretKey === 'function'
  return complete ? (module as NodeCrypto) : undefined
}

/** `node` where the runtime has `node:crypto`, else `webcrypto`. */
export const preferredEngine = (): AesEngine => (nodeCrypto() ? 'node' : 'webcrypto')

// Each WebCrypto call is a job handed to a worker thread and back (in Node: libuv's pool): for a cookie of a few
// hundred bytes that hand-off costs more than the AES work itself. Node's cipher does the same work in the call.
function nodeKey(node: NodeCrypto, bytes: Uint8Array): SyncAesGcmKey {
  const key = node.createSecretKey(bytes)
  return {
    encrypt(plaintext, additionalData) {
      const iv = randomBytes(IV_BYTES)
      const cipher = node.createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES })
      cipher.setAAD(additionalData)
      const body = cipher.update(plaintext, 'utf8')
      const rest = cipher.final()
      const out = new Uint8Array(IV_BYTES + body.length + rest.length + TAG_BYTES)
      out.set(iv)
      out.set(body, IV_BYTES)
      out.set(rest, IV_BYTES + body.length)
      out.set(cipher.getAuthTag(), out.length - TAG_BYTES)
      return out
    },
    decrypt(sealed, additionalData) {
      const decipher = node.createDecipheriv('aes-256-gcm', key, sealed.subarray(0, IV_BYTES), {
        authTagLength: TAG_BYTES,
      })
      decipher.setAAD(additionalData)
      decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES))
      const body = decipher.update(sealed.subarray(IV_BYTES, sealed.length - TAG_BYTES))
      try {
        // Checks the tag (GCM is a stream mode: `final` gives no more bytes). Nothing of `body` is read before.
        decipher.final()
      } catch {
        return null
      }
      return decoder.decode(body)
    },
  }
}

/**
 * The `node:crypto` key for `bytes`, once it has sealed and opened a value: a runtime that imitates `node:crypto`
 * without its AES-GCM (or with a different one) gets WebCrypto instead of failing every request.
 */
function workingNodeKey(bytes: Uint8Array): AesGcmKey | undefined {
  const node = nodeCrypto()
  if (!node) return undefined
  try {
    const key = nodeKey(node, bytes)
    const additionalData = encoder.encode('check')
    return key.decrypt(key.encrypt('{"check":true}', additionalData), additionalData) === '{"check":true}'
      ? key
      : undefined
  } catch {
    return undefined
  }
}

async function webCryptoKey(bytes: Bytes): Promise<AesGcmKey> {
  const key = await crypto.subtle.importKey('raw', bytes, 'AES-GCM', false, ['encrypt', 'decrypt'])
  return {
    async encrypt(plaintext, additionalData) {
      const iv = randomBytes(IV_BYTES)
      const sealed = new Uint8Array(
        await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData }, key, encoder.encode(plaintext)),
      )
      const out = new Uint8Array(IV_BYTES + sealed.length)
      out.set(iv)
      out.set(sealed, IV_BYTES)
      return out
    },
    async decrypt(sealed, additionalData) {
      try {
        const plaintext = await crypto.subtle.decrypt(
          { name: 'AES-GCM', iv: sealed.subarray(0, IV_BYTES), additionalData },
          key,
          sealed.subarray(IV_BYTES),
        )
        return decoder.decode(plaintext)
      } catch {
        return null
      }
    },
  }
}

interface DerivedKey {
  kid: string
  key: AesGcmKey
}

const SALT = encoder.encode('react-jwt-session gateway v1')

/** The secret's key and key id, by HKDF (WebCrypto: once per secret, whichever engine then uses the key). */
async function deriveKey(secret: string, engine: AesEngine): Promise<DerivedKey> {
  const base = await crypto.subtle.importKey('raw', encoder.encode(secret), 'HKDF', false, ['deriveBits'])
  const hkdf = (info: string) => ({ name: 'HKDF', hash: 'SHA-256', salt: SALT, info: encoder.encode(info) })
  // The bits WebCrypto's `deriveKey(…, { name: 'AES-GCM', length: 256 })` would import: the same key either way.
  const bytes = new Uint8Array(await crypto.subtle.deriveBits(hkdf('seal'), base, 256))
  const key = (engine === 'node' && workingNodeKey(bytes)) || (await webCryptoKey(bytes))
  bytes.fill(0) // both engines keep their own copy
  // The key id is derived too, in a separate HKDF branch: it says which secret sealed a value and reveals
  // nothing about the key. 6 bytes: secrets in rotation are a handful, so a collision is not a concern.
  const kid = toBase64Url(new Uint8Array(await crypto.subtle.deriveBits(hkdf('kid'), base, 48)))
  return { kid, key }
}

/** A sealed value opened: what was sealed, and whether the current secret sealed it (else: re-seal). */
export interface Opened<T> {
  value: T
  current: boolean
  /** When the seal expires (epoch seconds). */
  expiresAt: number
}

/** The largest sealed value `open` looks at: bounds the work an attacker's cookie can cause. */
const MAX_SEALED_LENGTH = 64 * 1024

export interface Sealer {
  /** Seals `value` (JSON) for `purpose`, valid for `ttlSeconds` from `now`. */
  seal(value: unknown, purpose: string, ttlSeconds: number): Promise<string>
  /** The value sealed for `purpose`, or `null` when tampered, sealed by an unknown secret, for another purpose, or expired. */
  open<T = unknown>(sealed: string, purpose: string): Promise<Opened<T> | null>
}

/**
 * Makes the sealer for `secrets` (`[current, ...previous]`, already checked). Keys are derived on first use,
 * once; `now` is the clock in ms. `engine` is for tests, which seal with one and open with the other.
 */
export function createSealer(
  secrets: readonly string[],
  now: () => number = Date.now,
  engine: AesEngine = preferredEngine(),
): Sealer {
  let keys: Promise<DerivedKey[]> | undefined
  const getKeys = () => {
    keys ??= Promise.all(secrets.map((secret) => deriveKey(secret, engine)))
    return keys
  }

  return {
    async seal(value, purpose, ttlSeconds) {
      const [current] = await getKeys()
      const { kid, key } = current as DerivedKey
      // `x`: the seal's own expiry in epoch seconds, inside the ciphertext.
      const plaintext = JSON.stringify({ x: Math.floor(now() / 1000) + ttlSeconds, v: value })
      return `${kid}.${toBase64Url(await key.encrypt(plaintext, encoder.encode(purpose)))}`
    },

    async open<T>(sealed: string, purpose: string): Promise<Opened<T> | null> {
      if (typeof sealed !== 'string' || sealed.length > MAX_SEALED_LENGTH) return null
      const dot = sealed.indexOf('.')
      if (dot < 1) return null
      const all = await getKeys()
      const index = all.findIndex((candidate) => candidate.kid === sealed.slice(0, dot))
      if (index < 0) return null
      const bytes = fromBase64Url(sealed.slice(dot + 1))
      if (bytes === null || bytes.length < IV_BYTES + TAG_BYTES) return null
      // `null`: tampered, or sealed for another purpose.
      const plaintext = await (all[index] as DerivedKey).key.decrypt(bytes, encoder.encode(purpose))
      if (plaintext === null) return null
      let body: { x?: unknown; v?: unknown }
      try {
        body = JSON.parse(plaintext)
      } catch {
        return null
      }
      if (typeof body?.x !== 'number' || body.x * 1000 <= now()) return null
      return { value: body.v as T, current: index === 0, expiresAt: body.x }
    },
  }
}
