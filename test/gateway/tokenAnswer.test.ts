// @vitest-environment node
import { createTestToken } from 'react-jwt-session/testing'
import { describe, expect, it } from 'vitest'
import { sessionBody, toTokenAnswer } from '../../src/gateway/tokenAnswer'

const now = 1_800_000_000_000

describe('toTokenAnswer', () => {
  it('a JWT: expires_in from the upstream, else exp - iat, else exp - now; the user from the claims', () => {
    const token = createTestToken({ sub: 'u1', jti: 'j' }, { expiresIn: 600, now: now - 100_000 })
    expect(toTokenAnswer({ accessToken: token, expiresIn: 300 }, now, undefined).expiresAt).toBe(
      now + 300_000,
    )
    const answer = toTokenAnswer({ accessToken: token }, now, undefined)
    expect(answer.expiresAt).toBe(now + 600_000)
    expect(answer.user).toEqual({ sub: 'u1' })
    expect(answer.opaque).toBe(false)
    const noIat = createTestToken({ iat: undefined, exp: now / 1000 + 50 })
    expect(toTokenAnswer({ accessToken: noIat }, now, undefined).expiresAt).toBe(now + 50_000)
  })

  it('refuses expired tokens, tokens without expiry, opaque tokens without expires_in, unsafe strings', () => {
    const bad = [
      { accessToken: createTestToken({}, { expiresIn: 0, now }) },
      { accessToken: createTestToken({ exp: undefined }) },
      { accessToken: createTestToken({}), expiresIn: 0 },
      { accessToken: createTestToken({}), expiresIn: Number.NaN },
      { accessToken: 'opaque-token' },
      { accessToken: 'has space', expiresIn: 60 },
      { accessToken: 'x'.repeat(20_000), expiresIn: 60 },
      { accessToken: 'a.b.c' },
      { accessToken: createTestToken({}), user: { big: 'x'.repeat(20_000) } },
      {} as { accessToken: string },
    ]
    for (const tokens of bad)
      expect(() => toTokenAnswer(tokens, now, undefined)).toThrow(
        expect.objectContaining({ code: 'bad_response' }),
      )
  })

  it('a user that is not JSON (cyclic, too deep) is a bad_response', () => {
    const cyclic: Record<string, unknown> = {}
    cyclic.self = cyclic
    let deep: unknown = {}
    for (let i = 0; i < 100_000; i++) deep = { deep }
    for (const user of [cyclic, deep, 10n]) {
      expect(() => toTokenAnswer({ accessToken: createTestToken({}), user }, now, undefined)).toThrow(
        expect.objectContaining({ code: 'bad_response' }),
      )
    }
  })

  it('a three-part string that is not a JWT is opaque, not refused, when it has expires_in', () => {
    expect(toTokenAnswer({ accessToken: 'a.b.c', expiresIn: 60 }, now, undefined).opaque).toBe(true)
  })

  it('an opaque token with expires_in: marked opaque, the user from the adapter', () => {
    const answer = toTokenAnswer(
      { accessToken: 'ya29.opaque', expiresIn: 3600, user: { sub: 'g' } },
      now,
      undefined,
    )
    expect(sessionBody(answer, now)).toEqual({
      access_token: 'ya29.opaque',
      expires_in: 3600,
      user: { sub: 'g' },
      access_token_format: 'opaque',
    })
  })

  it('getUser decides the user; a refresh without a user keeps the login one', () => {
    const token = createTestToken({ sub: 'u1' })
    const getUser = (tokens: { user?: unknown }, claims: unknown) => ({ from: tokens.user, claims })
    expect(toTokenAnswer({ accessToken: token }, now, getUser, { name: 'kept' }).user).toMatchObject({
      from: { name: 'kept' },
    })
    expect(toTokenAnswer({ accessToken: token }, now, undefined, { name: 'kept' }).user).toEqual({
      name: 'kept',
    })
    expect(() =>
      toTokenAnswer({ accessToken: token }, now, () => {
        throw new Error('app bug')
      }),
    ).toThrow(/getUser threw/)
  })

  it('sessionBody counts expires_in down from the absolute expiry', () => {
    const answer = toTokenAnswer({ accessToken: createTestToken({}), expiresIn: 900 }, now, undefined)
    expect(sessionBody(answer, now + 100_400).expires_in).toBe(800)
    expect(sessionBody(answer, now + 100_600).expires_in).toBe(799)
  })
})
