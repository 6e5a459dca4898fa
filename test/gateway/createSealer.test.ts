// @vitest-environment node
import { afterEach, describe, expect, it, vi } from 'vitest'
import {
  type AesEngine,
  checkSecrets,
  createSealer,
  fromBase64Url,
  preferredEngine,
  randomBytes,
  randomId,
  toBase64Url,
} from '../../src/gateway/createSealer'

const A = 'secret-a-secret-a-secret-a-secret-a!'
const B = 'secret-b-secret-b-secret-b-secret-b!'
const ENGINES: AesEngine[] = ['node', 'webcrypto']
const other = (engine: AesEngine): AesEngine => (engine === 'node' ? 'webcrypto' : 'node')

// Values sealed by the WebCrypto-only sealer of the previous release, at 2027-01-15T08:00:00Z for 60 s: cookies
// already in browsers must keep opening, whichever engine the gateway now seals with.
const KNOWN = {
  secrets: ['known-answer-secret-known-answer-secret', 'previous-secret-previous-secret-previous'],
  at: 1_800_000_000_000,
  current:
    'Jyaxr3Da.llJ4xrbjiV_YIee3yx5CsJYiEtHjdUZT8GVkf4Ma07Igvb3-p-cII4PbDSjLO6nWEJviVndsc5ACBFYssZazuAPTzbFXWq5JFWUALDgH5yPhIcWqG11ACKk3Z5YCyoM9a8vCIqqtyQ',
  previous: '_FfpNur4.hngebGEBhsr312XdUTvoip4cDMnzVIeLshzrk7Lt5_9rvLzm7AXBZe1HeeIwLQV6_i_aJCfG4uHhRkAB',
}

describe.each(ENGINES)('createSealer with the %s engine', (engine) => {
  it('opens the values the previous release sealed, each under its own secret', async () => {
    const sealer = createSealer(KNOWN.secrets, () => KNOWN.at, engine)
    expect(await sealer.open(KNOWN.current, '__Host-session')).toEqual({
      value: { r: 'refresh-token', f: 'flight', u: { name: 'Zoë' } },
      current: true,
      expiresAt: KNOWN.at / 1000 + 60,
    })
    expect(await sealer.open(KNOWN.previous, '__Host-session')).toMatchObject({
      value: { r: 'old' },
      current: false,
    })
    expect(await sealer.open(KNOWN.current, 'tx')).toBeNull()
    expect(
      await createSealer(KNOWN.secrets, () => KNOWN.at + 60_000, engine).open(
        KNOWN.current,
        '__Host-session',
      ),
    ).toBeNull()
  })

  it(`interoperates: what it seals opens with the ${other(engine)} engine, and the other way round`, async () => {
    const mine = createSealer([A, B], Date.now, engine)
    const theirs = createSealer([A, B], Date.now, other(engine))
    // Each is the engine it says: only the WebCrypto one calls crypto.subtle per value.
    const subtleEncrypt = vi.spyOn(crypto.subtle, 'encrypt')
    await mine.seal({ r: 'x' }, 'p', 60)
    const mineCalls = subtleEncrypt.mock.calls.length
    await theirs.seal({ r: 'x' }, 'p', 60)
    expect([mineCalls > 0, subtleEncrypt.mock.calls.length > mineCalls]).toEqual(
      engine === 'webcrypto' ? [true, false] : [false, true],
    )
    subtleEncrypt.mockRestore()
    const value = { r: 'refresh-token-value', f: 'flight', u: { name: 'Zoë 🦊', roles: ['a', 'b'] } }
    for (const [from, to] of [
      [mine, theirs],
      [theirs, mine],
    ] as const) {
      const sealed = await from.seal(value, '__Host-session', 60)
      expect(await to.open(sealed, '__Host-session')).toMatchObject({ value, current: true })
      expect(await to.open(sealed, 'flight')).toBeNull()
    }
    // A value sealed under the previous secret by one engine opens with the other, marked for re-sealing.
    const old = await createSealer([B], Date.now, other(engine)).seal({ r: 'x' }, 'p', 60)
    expect(await mine.open(old, 'p')).toMatchObject({ value: { r: 'x' }, current: false })
  })

  it('seals and opens a value for one purpose; nothing of it is readable', async () => {
    const sealer = createSealer([A], Date.now, engine)
    const sealed = await sealer.seal({ r: 'refresh-token-value' }, '__Host-session', 60)
    expect(sealed).toMatch(/^[\w-]{8}\.[\w-]+$/)
    expect(sealed).not.toContain('refresh')
    expect(atob(sealed.split('.')[1]?.replace(/-/g, '+').replace(/_/g, '/') ?? '')).not.toContain('refresh')
    const opened = await sealer.open(sealed, '__Host-session')
    expect(opened).toMatchObject({ value: { r: 'refresh-token-value' }, current: true })
    // Two seals of one value differ (a fresh IV each time).
    expect(await sealer.seal({ r: 'refresh-token-value' }, '__Host-session', 60)).not.toBe(sealed)
  })

  it('is bound to its purpose: a value sealed for one cookie does not open as another', async () => {
    const sealer = createSealer([A], Date.now, engine)
    const sealed = await sealer.seal({ r: 'x' }, 'tx', 60)
    expect(await sealer.open(sealed, '__Host-session')).toBeNull()
    expect(await sealer.open(sealed, 'tx')).not.toBeNull()
  })

  it('refuses every tampered byte, a foreign key, garbage and an expired seal', async () => {
    let clock = 1_000_000_000_000
    const sealer = createSealer([A], () => clock, engine)
    const sealed = await sealer.seal({ r: 'x' }, 'p', 60)
    const [kid, body] = sealed.split('.') as [string, string]
    const bytes = fromBase64Url(body) as Uint8Array
    for (let index = 0; index < bytes.length; index++) {
      const copy = bytes.slice()
      copy[index] = (copy[index] as number) ^ 1
      expect(await sealer.open(`${kid}.${toBase64Url(copy)}`, 'p')).toBeNull()
    }
    // Cut short: a shorter tag, or the tag alone.
    for (const cut of [1, 4, bytes.length - 12 - 16, bytes.length - 12]) {
      expect(
        await sealer.open(`${kid}.${toBase64Url(bytes.subarray(0, bytes.length - cut))}`, 'p'),
      ).toBeNull()
    }
    expect(await createSealer([B], () => clock, engine).open(sealed, 'p')).toBeNull()
    // Another secret's value relabelled with this secret's kid: the tag does not verify.
    const foreign = (await createSealer([B], () => clock, engine).seal({ r: 'x' }, 'p', 60)).split('.')[1]
    expect(await sealer.open(`${kid}.${foreign}`, 'p')).toBeNull()
    for (const garbage of [
      '',
      '.',
      'abc',
      `${kid}.`,
      `${kid}.!!!`,
      `${kid}.${'A'.repeat(100_000)}`,
      'x'.repeat(70_000),
    ]) {
      expect(await sealer.open(garbage, 'p')).toBeNull()
    }
    expect(await sealer.open(sealed, 'p')).not.toBeNull()
    clock += 60_000
    expect(await sealer.open(sealed, 'p')).toBeNull()
  })

  it('opens values sealed under a previous secret and says they want re-sealing', async () => {
    const old = await createSealer([B], Date.now, engine).seal({ r: 'x' }, 'p', 60)
    const rotated = createSealer([A, B], Date.now, engine)
    expect(await rotated.open(old, 'p')).toMatchObject({ value: { r: 'x' }, current: false })
    const fresh = await rotated.seal({ r: 'x' }, 'p', 60)
    expect(await createSealer([A], Date.now, engine).open(fresh, 'p')).toMatchObject({ current: true })
    expect(await createSealer([B], Date.now, engine).open(fresh, 'p')).toBeNull()
  })
})

describe('createSealer', () => {
  afterEach(() => {
    vi.unstubAllGlobals()
  })

  it('seals with node:crypto where the runtime hands it out, else with WebCrypto', async () => {
    expect(preferredEngine()).toBe('node')
    // A runtime without process.getBuiltinModule (Node before 20.16, Workers without nodejs_compat, browsers).
    vi.stubGlobal('process', { ...process, getBuiltinModule: undefined })
    expect(preferredEngine()).toBe('webcrypto')
    const sealer = createSealer([A])
    const sealed = await sealer.seal({ r: 'x' }, 'p', 60)
    expect(await sealer.open(sealed, 'p')).toMatchObject({ value: { r: 'x' } })
    // One whose node:crypto lacks the AES-GCM calls.
    vi.stubGlobal('process', { ...process, getBuiltinModule: () => ({ webcrypto: crypto }) })
    expect(preferredEngine()).toBe('webcrypto')
    vi.stubGlobal('process', undefined)
    expect(preferredEngine()).toBe('webcrypto')
  })

  it('a node:crypto that cannot seal and open AES-GCM is left for WebCrypto, and values still interoperate', async () => {
    const real = process.getBuiltinModule('node:crypto')
    const imitations = [
      {
        ...real,
        createCipheriv: () => {
          throw new Error('aes-256-gcm is not supported')
        },
      },
      // One whose cipher answers without sealing anything.
      {
        ...real,
        createCipheriv: (...args: Parameters<typeof real.createCipheriv>) => {
          const cipher = real.createCipheriv(...args)
          return Object.assign(cipher, { update: () => new Uint8Array(0) })
        },
      },
    ]
    const sealed = await createSealer([A], Date.now, 'node').seal({ r: 'x' }, 'p', 60)
    for (const imitation of imitations) {
      vi.stubGlobal('process', { ...process, getBuiltinModule: () => imitation })
      expect(preferredEngine()).toBe('node')
      const subtleEncrypt = vi.spyOn(crypto.subtle, 'encrypt')
      const sealer = createSealer([A])
      const fresh = await sealer.seal({ r: 'y' }, 'p', 60)
      expect(subtleEncrypt).toHaveBeenCalled()
      subtleEncrypt.mockRestore()
      vi.unstubAllGlobals()
      expect(await sealer.open(sealed, 'p')).toMatchObject({ value: { r: 'x' } })
      expect(await createSealer([A], Date.now, 'node').open(fresh, 'p')).toMatchObject({ value: { r: 'y' } })
    }
  })

  it('random bytes: every draw fresh, across the refills of the pool they come from', () => {
    const ids = Array.from({ length: 1000 }, randomId)
    expect(new Set(ids).size).toBe(1000)
    expect(ids.every((id) => /^[\w-]{22}$/.test(id))).toBe(true)
    const draws = Array.from({ length: 400 }, () => randomBytes(12))
    expect(draws.every((bytes) => bytes.length === 12)).toBe(true)
    expect(new Set(draws.map(toBase64Url)).size).toBe(400)
    // A copy: what one caller does with its bytes is not what the next one gets.
    const first = randomBytes(16)
    first.fill(0)
    expect(randomBytes(16).some((byte) => byte !== 0)).toBe(true)
  })

  it('checks secrets', () => {
    expect(checkSecrets(A)).toEqual([A])
    expect(checkSecrets([A, B])).toEqual([A, B])
    for (const bad of [undefined, '', [], [A, ''], 42, 'x'.repeat(31)]) {
      expect(() => checkSecrets(bad)).toThrow(/openssl rand -base64 32/)
    }
  })

  it('base64url: what Node encodes, round-trips every byte and every length, refuses other alphabets', () => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => i)
    expect(fromBase64Url(toBase64Url(all))).toEqual(all)
    for (let length = 0; length < 40; length++) {
      const bytes = crypto.getRandomValues(new Uint8Array(length))
      const text = toBase64Url(bytes)
      expect(text).toBe(Buffer.from(bytes).toString('base64url'))
      expect(fromBase64Url(text)).toEqual(bytes)
    }
    for (const bad of ['a+b/', 'abc=', 'a', 'ab\u00e9c', 'ab c']) expect(fromBase64Url(bad)).toBeNull()
  })
})
