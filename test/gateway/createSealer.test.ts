// @vitest-environment node
import { describe, expect, it } from 'vitest'
import { checkSecrets, createSealer, fromBase64Url, toBase64Url } from '../../src/gateway/createSealer'

const A = 'secret-a-secret-a-secret-a-secret-a!'
const B = 'secret-b-secret-b-secret-b-secret-b!'

describe('createSealer', () => {
  it('seals and opens a value for one purpose; nothing of it is readable', async () => {
    const sealer = createSealer([A])
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
    const sealer = createSealer([A])
    const sealed = await sealer.seal({ r: 'x' }, 'tx', 60)
    expect(await sealer.open(sealed, '__Host-session')).toBeNull()
    expect(await sealer.open(sealed, 'tx')).not.toBeNull()
  })

  it('refuses every tampered byte, a foreign key, garbage and an expired seal', async () => {
    let clock = 1_000_000_000_000
    const sealer = createSealer([A], () => clock)
    const sealed = await sealer.seal({ r: 'x' }, 'p', 60)
    const [kid, body] = sealed.split('.') as [string, string]
    const bytes = fromBase64Url(body) as Uint8Array
    for (let index = 0; index < bytes.length; index++) {
      const copy = bytes.slice()
      copy[index] = (copy[index] as number) ^ 1
      expect(await sealer.open(`${kid}.${toBase64Url(copy)}`, 'p')).toBeNull()
    }
    expect(await createSealer([B], () => clock).open(sealed, 'p')).toBeNull()
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
    const old = await createSealer([B]).seal({ r: 'x' }, 'p', 60)
    const rotated = createSealer([A, B])
    expect(await rotated.open(old, 'p')).toMatchObject({ value: { r: 'x' }, current: false })
    const fresh = await rotated.seal({ r: 'x' }, 'p', 60)
    expect(await createSealer([A]).open(fresh, 'p')).toMatchObject({ current: true })
    expect(await createSealer([B]).open(fresh, 'p')).toBeNull()
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
