import { decodeToken } from 'react-jwt-session/core'
import { createTestToken } from 'react-jwt-session/testing'
import { afterEach, describe, expect, it, vi } from 'vitest'

const NOW = Date.UTC(2030, 0, 1, 12, 0, 0)

/** Decodes one base64url segment without the package's own decoder. */
const part = (token: string, index: number): unknown => {
  const segment = token.split('.')[index] ?? ''
  const base64 = segment.replace(/-/g, '+').replace(/_/g, '/')
  const bytes = Uint8Array.from(atob(base64 + '='.repeat((4 - (base64.length % 4)) % 4)), (c) =>
    c.charCodeAt(0),
  )
  const text = new TextDecoder().decode(bytes)
  return index === 2 ? text : JSON.parse(text)
}

afterEach(() => {
  vi.useRealTimers()
})

describe('createTestToken', () => {
  it('is three base64url segments with no padding', () => {
    const token = createTestToken({ sub: 'user-1' }, { now: NOW })
    expect(token.split('.')).toHaveLength(3)
    expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/)
  })

  it('has an unsigned JWT header and a signature segment that says what it is', () => {
    const token = createTestToken({}, { now: NOW })
    expect(part(token, 0)).toEqual({ alg: 'none', typ: 'JWT' })
    expect(part(token, 2)).toBe('unsigned test token')
  })

  it('sets iat from now (whole seconds, floored) and exp = iat + expiresIn', () => {
    expect(part(createTestToken({ sub: 'a' }, { now: NOW, expiresIn: 60 }), 1)).toEqual({
      sub: 'a',
      iat: NOW / 1000,
      exp: NOW / 1000 + 60,
    })
    expect(part(createTestToken({}, { now: NOW + 999, expiresIn: 1 }), 1)).toEqual({
      iat: NOW / 1000,
      exp: NOW / 1000 + 1,
    })
  })

  it('defaults to a 900 s lifetime', () => {
    expect(part(createTestToken({}, { now: NOW }), 1)).toEqual({ iat: NOW / 1000, exp: NOW / 1000 + 900 })
  })

  it('defaults now to Date.now(), so fake timers control it', () => {
    vi.useFakeTimers({ now: NOW + 5_500 })
    expect(part(createTestToken(), 1)).toEqual({ iat: NOW / 1000 + 5, exp: NOW / 1000 + 905 })
  })

  it('accepts a lifetime of 0 or a negative one (an already expired token)', () => {
    expect(part(createTestToken({}, { now: NOW, expiresIn: 0 }), 1)).toEqual({
      iat: NOW / 1000,
      exp: NOW / 1000,
    })
    expect(part(createTestToken({}, { now: NOW, expiresIn: -60 }), 1)).toEqual({
      iat: NOW / 1000,
      exp: NOW / 1000 - 60,
    })
  })

  it('lets claims override iat and exp, and remove them with undefined', () => {
    expect(part(createTestToken({ iat: 1, exp: 2 }, { now: NOW }), 1)).toEqual({ iat: 1, exp: 2 })
    expect(part(createTestToken({ exp: undefined }, { now: NOW }), 1)).toEqual({ iat: NOW / 1000 })
    expect(part(createTestToken({ iat: undefined, exp: undefined }, { now: NOW }), 1)).toEqual({})
  })

  it('keeps every claim: nested objects, arrays, numbers, unicode', () => {
    const claims = {
      sub: 'user-ü',
      name: 'Zoë 名前 🚀',
      roles: ['admin', 'editor'],
      org: { id: 7, flags: { beta: true } },
      aud: ['a', 'b'],
      nbf: 0,
    }
    expect(part(createTestToken(claims, { now: NOW }), 1)).toEqual({
      ...claims,
      iat: NOW / 1000,
      exp: NOW / 1000 + 900,
    })
  })

  it('is what decodeToken reads back', () => {
    const token = createTestToken({ sub: 'user-1', name: 'Ada' }, { now: NOW, expiresIn: 120 })
    expect(decodeToken(token)).toEqual({ sub: 'user-1', name: 'Ada', iat: NOW / 1000, exp: NOW / 1000 + 120 })
  })

  it('is deterministic, and differs when the claims or the time differ', () => {
    const a = createTestToken({ sub: 'a' }, { now: NOW })
    expect(createTestToken({ sub: 'a' }, { now: NOW })).toBe(a)
    expect(createTestToken({ sub: 'b' }, { now: NOW })).not.toBe(a)
    expect(createTestToken({ sub: 'a' }, { now: NOW + 1000 })).not.toBe(a)
    expect(createTestToken({ sub: 'a', jti: '1' }, { now: NOW })).not.toBe(
      createTestToken({ sub: 'a', jti: '2' }, { now: NOW }),
    )
  })
})
