import {
  AuthError,
  type JwtPayload,
  type ParsedTokenResponse,
  parseTokenResponse,
} from 'react-jwt-session/core'
import { createTestToken } from 'react-jwt-session/testing'
import { describe, expect, it, vi } from 'vitest'
import { computeExpiry, createSession, deepEqual } from '../../src/core/createSession'

/** The auth server's clock: a whole second, so `iat` is exact. */
const SERVER_NOW = Date.UTC(2030, 0, 1, 12, 0, 0)
const iat = SERVER_NOW / 1000
const MINUTE = 60_000
const HOUR = 60 * MINUTE

const session = (
  body: unknown,
  receivedAt: number,
  getUser?: (claims: JwtPayload, body: unknown) => unknown,
) => createSession(body, receivedAt, parseTokenResponse, getUser)

function refusal(run: () => unknown): AuthError {
  try {
    run()
  } catch (error) {
    expect(error).toBeInstanceOf(AuthError)
    return error as AuthError
  }
  throw new Error('did not throw')
}

describe('refresh rule 1: expiry on the local clock', () => {
  const receivedAt = SERVER_NOW + 1234

  it('counts expires_in from receipt, over exp − iat', () => {
    const accessToken = createTestToken({ sub: 'u' }, { now: SERVER_NOW, expiresIn: 900 })
    const s = session({ access_token: accessToken, expires_in: 600 }, receivedAt)
    expect(s.lifetime).toBe(600_000)
    expect(s.expiresAt).toBe(receivedAt + 600_000)
  })

  it('counts expires_in given as a numeric string from receipt', () => {
    const accessToken = createTestToken({ sub: 'u' }, { now: SERVER_NOW, expiresIn: 900 })
    expect(session({ access_token: accessToken, expires_in: '300' }, receivedAt).expiresAt).toBe(
      receivedAt + 300_000,
    )
  })

  it('without expires_in, counts the token’s own lifetime exp − iat from receipt', () => {
    const accessToken = createTestToken({ sub: 'u' }, { now: SERVER_NOW, expiresIn: 900 })
    const s = session({ access_token: accessToken }, receivedAt)
    expect(s.lifetime).toBe(900_000)
    expect(s.expiresAt).toBe(receivedAt + 900_000)
  })

  it('counts an absolute jwt_token_expiry minus iat from receipt, over exp', () => {
    const accessToken = createTestToken({ sub: 'u' }, { now: SERVER_NOW, expiresIn: 900 })
    const s = session({ jwt_token: accessToken, jwt_token_expiry: SERVER_NOW + 5 * MINUTE }, receivedAt)
    expect(s.lifetime).toBe(5 * MINUTE)
    expect(s.expiresAt).toBe(receivedAt + 5 * MINUTE)
    const iso = new Date(SERVER_NOW + 10 * MINUTE).toISOString()
    expect(session({ jwt_token: accessToken, jwt_token_expiry: iso }, receivedAt).expiresAt).toBe(
      receivedAt + 10 * MINUTE,
    )
  })

  it('with nothing relative (no expires_in, no iat), takes exp as is', () => {
    const accessToken = createTestToken({ sub: 'u', iat: undefined }, { now: SERVER_NOW, expiresIn: 900 })
    const s = session({ access_token: accessToken }, receivedAt)
    expect(s.expiresAt).toBe(SERVER_NOW + 900_000)
    expect(s.lifetime).toBe(900_000 - 1234)
  })

  it('with nothing relative, takes jwt_token_expiry as is', () => {
    const accessToken = createTestToken({ sub: 'u', iat: undefined, exp: undefined }, { now: SERVER_NOW })
    const s = session({ jwt_token: accessToken, jwt_token_expiry: SERVER_NOW + HOUR }, receivedAt)
    expect(s.expiresAt).toBe(SERVER_NOW + HOUR)
    expect(s.lifetime).toBe(HOUR - 1234)
  })

  it('ignores an iat that is not a number (nothing relative to go on)', () => {
    const accessToken = createTestToken({ sub: 'u', iat: String(iat) }, { now: SERVER_NOW, expiresIn: 900 })
    expect(session({ access_token: accessToken }, receivedAt).expiresAt).toBe(SERVER_NOW + 900_000)
  })

  it.each([
    ['1 second', 1],
    ['15 minutes', 900],
    ['30 days', 30 * 86_400],
    ['365 days', 365 * 86_400],
  ])('gives an exact, finite expiry for a lifetime of %s', (_label, seconds) => {
    const accessToken = createTestToken({ sub: 'u' }, { now: SERVER_NOW, expiresIn: seconds })
    const viaClaims = session({ access_token: accessToken }, receivedAt)
    const viaExpiresIn = session({ access_token: accessToken, expires_in: seconds }, receivedAt)
    for (const s of [viaClaims, viaExpiresIn]) {
      expect(s.lifetime).toBe(seconds * 1000)
      expect(s.expiresAt).toBe(receivedAt + seconds * 1000)
    }
  })

  it('accepts a fractional expires_in', () => {
    const accessToken = createTestToken({ sub: 'u' }, { now: SERVER_NOW })
    expect(session({ access_token: accessToken, expires_in: 0.5 }, receivedAt).lifetime).toBe(500)
  })

  it('computeExpiry returns { expiresAt, lifetime }', () => {
    expect(computeExpiry({ accessToken: 't', expiresIn: 60 }, {}, 1000)).toStrictEqual({
      expiresAt: 61_000,
      lifetime: 60_000,
    })
    expect(computeExpiry({ accessToken: 't' }, { iat: 100, exp: 160 }, 5)).toStrictEqual({
      expiresAt: 60_005,
      lifetime: 60_000,
    })
    expect(computeExpiry({ accessToken: 't', expiresAt: 130_000 }, { iat: 100, exp: 160 }, 5)).toStrictEqual({
      expiresAt: 30_005,
      lifetime: 30_000,
    })
    expect(computeExpiry({ accessToken: 't' }, { exp: 160 }, 100_000)).toStrictEqual({
      expiresAt: 160_000,
      lifetime: 60_000,
    })
  })
})

describe('refresh rule 1: refused tokens → AuthError("bad_token")', () => {
  const receivedAt = SERVER_NOW

  it('refuses a token with no way to know its expiry', () => {
    const accessToken = createTestToken({ sub: 'u', exp: undefined }, { now: SERVER_NOW })
    const error = refusal(() => session({ access_token: accessToken }, receivedAt))
    expect(error.code).toBe('bad_token')
    expect(error.message).toBe('The access token has no expiry (no expires_in, exp or jwt_token_expiry).')
  })

  it.each([0, -1, '0', '-60', -0.001])('refuses expires_in = %j', (expiresIn) => {
    const accessToken = createTestToken({ sub: 'u' }, { now: SERVER_NOW, expiresIn: 900 })
    const error = refusal(() => session({ access_token: accessToken, expires_in: expiresIn }, receivedAt))
    expect(error.code).toBe('bad_token')
    expect(error.message).toBe('The access token is already expired.')
  })

  it.each([
    ['exp = iat', 0],
    ['exp < iat', -60],
  ])('refuses %s', (_label, expiresIn) => {
    const accessToken = createTestToken({ sub: 'u' }, { now: SERVER_NOW, expiresIn })
    expect(refusal(() => session({ access_token: accessToken }, receivedAt)).code).toBe('bad_token')
  })

  it('refuses a jwt_token_expiry at or before iat', () => {
    const accessToken = createTestToken({ sub: 'u' }, { now: SERVER_NOW, expiresIn: 900 })
    for (const at of [SERVER_NOW, SERVER_NOW - 1]) {
      expect(refusal(() => session({ jwt_token: accessToken, jwt_token_expiry: at }, receivedAt)).code).toBe(
        'bad_token',
      )
    }
  })

  it('refuses an absolute exp in the past (or now) when there is nothing relative', () => {
    const accessToken = createTestToken({ sub: 'u', iat: undefined }, { now: SERVER_NOW, expiresIn: 60 })
    expect(refusal(() => session({ access_token: accessToken }, SERVER_NOW + 60_000)).code).toBe('bad_token')
    expect(refusal(() => session({ access_token: accessToken }, SERVER_NOW + 61_000)).code).toBe('bad_token')
    expect(session({ access_token: accessToken }, SERVER_NOW + 59_000).lifetime).toBe(1000)
  })

  it('refuses an absolute jwt_token_expiry in the past when there is nothing relative', () => {
    const accessToken = createTestToken({ sub: 'u', iat: undefined, exp: undefined }, { now: SERVER_NOW })
    const body = { jwt: accessToken, jwt_token_expiry: new Date(SERVER_NOW - 1).toISOString() }
    expect(refusal(() => session(body, SERVER_NOW)).code).toBe('bad_token')
  })

  it.each([
    ['exp as a string', { exp: String(iat + 900) }],
    ['exp as null', { exp: null }],
    ['exp as an object', { exp: { seconds: iat + 900 } }],
    ['exp as a boolean', { exp: true }],
  ])('refuses a token with %s and nothing else', (_label, claims) => {
    const accessToken = createTestToken({ sub: 'u', ...claims }, { now: SERVER_NOW })
    expect(refusal(() => session({ access_token: accessToken }, receivedAt)).code).toBe('bad_token')
  })

  const custom = (parsed: Partial<Record<keyof ParsedTokenResponse, unknown>>) => () =>
    createSession({}, receivedAt, () => parsed as ParsedTokenResponse, undefined)
  const withLifetime = createTestToken({ sub: 'u' }, { now: SERVER_NOW, expiresIn: 900 })
  const withoutExpiry = createTestToken({ sub: 'u', iat: undefined, exp: undefined }, { now: SERVER_NOW })

  it.each([
    ['expiresIn NaN', { expiresIn: Number.NaN }],
    ['expiresIn Infinity', { expiresIn: Number.POSITIVE_INFINITY }],
    ['expiresIn -Infinity', { expiresIn: Number.NEGATIVE_INFINITY }],
    ['expiresIn a numeric string', { expiresIn: '900' }],
    ['expiresIn an empty string', { expiresIn: '' }],
    ['expiresIn a duration string', { expiresIn: '15m' }],
    ['expiresIn a boolean', { expiresIn: true }],
    ['expiresIn an array', { expiresIn: [900] }],
    ['expiresAt NaN', { expiresAt: Number.NaN }],
    ['expiresAt Infinity', { expiresAt: Number.POSITIVE_INFINITY }],
    ['expiresAt a numeric string', { expiresAt: String(SERVER_NOW + HOUR) }],
    ['expiresAt an ISO string', { expiresAt: new Date(SERVER_NOW + HOUR).toISOString() }],
    ['expiresAt a Date', { expiresAt: new Date(SERVER_NOW + HOUR) }],
  ])('refuses a custom parse that returns %s, even when the token has exp − iat', (_label, fields) => {
    for (const accessToken of [withLifetime, withoutExpiry]) {
      expect(refusal(custom({ accessToken, ...fields })).code).toBe('bad_token')
    }
  })

  it('treats null expiresIn / expiresAt from a custom parse as not given', () => {
    const s = createSession(
      {},
      receivedAt,
      () =>
        ({ accessToken: withLifetime, expiresIn: null, expiresAt: null }) as unknown as ParsedTokenResponse,
      undefined,
    )
    expect(s.lifetime).toBe(900_000)
    expect(refusal(custom({ accessToken: withoutExpiry, expiresIn: null })).code).toBe('bad_token')
  })

  it('falls back to exp − iat when expires_in in the JSON is not a number', () => {
    // The default parser drops a non-numeric expires_in, so the token's own lifetime decides.
    expect(session({ access_token: withLifetime, expires_in: 'soon' }, receivedAt).lifetime).toBe(900_000)
    expect(refusal(() => session({ access_token: withoutExpiry, expires_in: 'soon' }, receivedAt)).code).toBe(
      'bad_token',
    )
  })

  it('never puts the token in the refusal', () => {
    const accessToken = createTestToken({ sub: 'u' }, { now: SERVER_NOW, expiresIn: 0 })
    const error = refusal(() => session({ access_token: accessToken }, receivedAt))
    expect([error.message, JSON.stringify(error), error.stack].join()).not.toContain(
      accessToken.split('.')[1],
    )
  })
})

describe('refresh rule 1: a skewed client clock gives the same lifetime', () => {
  const skews = [-2 * HOUR, -HOUR, -5 * MINUTE, -1000, 0, 1000, 5 * MINUTE, HOUR, 2 * HOUR]

  it.each(skews)('client clock %i ms from the server: exp − iat', (skew) => {
    const accessToken = createTestToken({ sub: 'u' }, { now: SERVER_NOW, expiresIn: 900 })
    const clientNow = SERVER_NOW + skew
    const s = session({ access_token: accessToken }, clientNow)
    expect(s.lifetime).toBe(900_000)
    expect(s.expiresAt).toBe(clientNow + 900_000)
  })

  it.each(skews)('client clock %i ms from the server: expires_in', (skew) => {
    const accessToken = createTestToken({ sub: 'u' }, { now: SERVER_NOW, expiresIn: 900 })
    const clientNow = SERVER_NOW + skew
    const s = session({ access_token: accessToken, expires_in: 900 }, clientNow)
    expect(s.lifetime).toBe(900_000)
    expect(s.expiresAt).toBe(clientNow + 900_000)
  })

  it.each(skews)('client clock %i ms from the server: jwt_token_expiry − iat', (skew) => {
    const accessToken = createTestToken({ sub: 'u' }, { now: SERVER_NOW, expiresIn: 900 })
    const clientNow = SERVER_NOW + skew
    const body = { jwt_token: accessToken, jwt_token_expiry: new Date(SERVER_NOW + 900_000).toISOString() }
    const s = session(body, clientNow)
    expect(s.lifetime).toBe(900_000)
    expect(s.expiresAt).toBe(clientNow + 900_000)
  })

  it('a server clock with milliseconds still gives the exact lifetime', () => {
    const serverNow = SERVER_NOW + 999
    const accessToken = createTestToken({ sub: 'u' }, { now: serverNow, expiresIn: 900 })
    expect(session({ access_token: accessToken }, serverNow + 2 * HOUR).lifetime).toBe(900_000)
  })

  it('a client 2 h ahead refuses a token that has only an absolute exp (nothing relative to go on)', () => {
    const accessToken = createTestToken({ sub: 'u', iat: undefined }, { now: SERVER_NOW, expiresIn: 900 })
    expect(refusal(() => session({ access_token: accessToken }, SERVER_NOW + 2 * HOUR)).code).toBe(
      'bad_token',
    )
    expect(session({ access_token: accessToken }, SERVER_NOW - 2 * HOUR).lifetime).toBe(2 * HOUR + 900_000)
  })

  it('a token minted 2 h “in the past” by the server’s clock still lives its full lifetime', () => {
    const accessToken = createTestToken({ sub: 'u' }, { now: SERVER_NOW - 2 * HOUR, expiresIn: 900 })
    expect(session({ access_token: accessToken }, SERVER_NOW).expiresAt).toBe(SERVER_NOW + 900_000)
  })

  it('works with the default clock under fake timers', () => {
    vi.useFakeTimers({ now: SERVER_NOW + HOUR })
    try {
      const accessToken = createTestToken({ sub: 'u' }, { now: SERVER_NOW, expiresIn: 60 })
      expect(session({ access_token: accessToken }, Date.now()).expiresAt).toBe(SERVER_NOW + HOUR + 60_000)
    } finally {
      vi.useRealTimers()
    }
  })
})

describe('createSession: the result', () => {
  const accessToken = createTestToken(
    { sub: 'user-1', name: 'Ada', role: 'admin', nbf: iat, jti: 'at-1', iss: 'https://auth', aud: 'app' },
    { now: SERVER_NOW, expiresIn: 900 },
  )
  const claims = {
    iat,
    exp: iat + 900,
    sub: 'user-1',
    name: 'Ada',
    role: 'admin',
    nbf: iat,
    jti: 'at-1',
    iss: 'https://auth',
    aud: 'app',
  }

  it('returns the token, its expiry, lifetime, claims and user', () => {
    expect(session({ access_token: accessToken }, SERVER_NOW)).toStrictEqual({
      accessToken,
      expiresAt: SERVER_NOW + 900_000,
      lifetime: 900_000,
      claims,
      user: { sub: 'user-1', name: 'Ada', role: 'admin', iss: 'https://auth', aud: 'app' },
    })
  })

  it('default user: the claims without iat, exp, nbf, jti', () => {
    const user = session({ access_token: accessToken }, SERVER_NOW).user as Record<string, unknown>
    expect(Object.keys(user).sort()).toEqual(['aud', 'iss', 'name', 'role', 'sub'])
  })

  it('default user: the body’s user when present, as the same object', () => {
    const bodyUser = { id: 7, email: 'ada@example.com' }
    expect(session({ access_token: accessToken, user: bodyUser }, SERVER_NOW).user).toBe(bodyUser)
    expect(session({ data: { access_token: accessToken, user: bodyUser } }, SERVER_NOW).user).toBe(bodyUser)
  })

  it('default user: a null body user falls back to the claims', () => {
    expect(session({ access_token: accessToken, user: null }, SERVER_NOW).user).toStrictEqual({
      sub: 'user-1',
      name: 'Ada',
      role: 'admin',
      iss: 'https://auth',
      aud: 'app',
    })
  })

  it('custom getUser gets the claims and the raw body, and wins over the body’s user', () => {
    const body = { access_token: accessToken, user: { id: 7 }, extra: 'x' }
    const getUser = vi.fn((c: JwtPayload, b: unknown) => ({ id: c.sub, extra: (b as typeof body).extra }))
    const s = session(body, SERVER_NOW, getUser)
    expect(getUser).toHaveBeenCalledTimes(1)
    expect(getUser).toHaveBeenCalledWith(claims, body)
    expect(getUser.mock.calls[0]?.[1]).toBe(body)
    expect(s.user).toStrictEqual({ id: 'user-1', extra: 'x' })
  })

  it('custom getUser may return a primitive or null', () => {
    expect(session({ access_token: accessToken }, SERVER_NOW, (c) => c.sub).user).toBe('user-1')
    expect(session({ access_token: accessToken }, SERVER_NOW, () => null).user).toBeNull()
  })

  it('does not call getUser for a refused token', () => {
    const getUser = vi.fn()
    const expired = createTestToken({ sub: 'u' }, { now: SERVER_NOW, expiresIn: 0 })
    expect(refusal(() => session({ access_token: expired }, SERVER_NOW, getUser)).code).toBe('bad_token')
    expect(getUser).not.toHaveBeenCalled()
  })

  it('a getUser that throws becomes AuthError("bad_response") with the cause; an AuthError passes through', () => {
    const boom = new Error('no role claim')
    const error = refusal(() =>
      session({ access_token: accessToken }, SERVER_NOW, () => {
        throw boom
      }),
    )
    expect(error.code).toBe('bad_response')
    expect(error.cause).toBe(boom)
    const own = new AuthError('invalid_credentials', 'Not allowed here.')
    expect(
      refusal(() =>
        session({ access_token: accessToken }, SERVER_NOW, () => {
          throw own
        }),
      ),
    ).toBe(own)
  })
})

describe('createSession: malformed answers', () => {
  it('a body without a token → bad_response', () => {
    expect(refusal(() => session({ expires_in: 900 }, SERVER_NOW)).code).toBe('bad_response')
    expect(refusal(() => session('<html>oops</html>', SERVER_NOW)).code).toBe('bad_response')
    expect(refusal(() => session(null, SERVER_NOW)).code).toBe('bad_response')
  })

  it('a token that is not a JWT → bad_token', () => {
    expect(refusal(() => session({ access_token: 'opaque-token-value' }, SERVER_NOW)).code).toBe('bad_token')
  })

  it('a custom parse that throws → bad_response with the cause; an AuthError it throws passes through', () => {
    const boom = new TypeError('body.data is undefined')
    const error = refusal(() =>
      createSession(
        {},
        SERVER_NOW,
        () => {
          throw boom
        },
        undefined,
      ),
    )
    expect(error.code).toBe('bad_response')
    expect(error.cause).toBe(boom)
    const own = new AuthError('bad_token', 'mine')
    expect(
      refusal(() =>
        createSession(
          {},
          SERVER_NOW,
          () => {
            throw own
          },
          undefined,
        ),
      ),
    ).toBe(own)
  })

  it.each([
    ['null', null],
    ['a string', 'token'],
    ['no accessToken', { expiresIn: 60 }],
    ['a numeric accessToken', { accessToken: 42 }],
  ])('a custom parse returning %s → bad_response', (_label, parsed) => {
    const error = refusal(() =>
      createSession({}, SERVER_NOW, () => parsed as unknown as ParsedTokenResponse, undefined),
    )
    expect(error.code).toBe('bad_response')
    expect(error.message).toBe('parseTokenResponse returned no accessToken.')
  })

  it('a custom parse gets the raw body', () => {
    const body = { nested: { t: createTestToken({ sub: 'u' }, { now: SERVER_NOW }) } }
    const parse = vi.fn((b: unknown) => ({ accessToken: (b as typeof body).nested.t, expiresIn: 30 }))
    expect(createSession(body, SERVER_NOW, parse, undefined).expiresAt).toBe(SERVER_NOW + 30_000)
    expect(parse).toHaveBeenCalledWith(body)
  })
})

describe('deepEqual', () => {
  it.each([
    [1, 1],
    ['a', 'a'],
    [null, null],
    [undefined, undefined],
    [Number.NaN, Number.NaN],
    [{}, {}],
    [[], []],
    [
      { a: 1, b: [1, { c: 'x' }] },
      { b: [1, { c: 'x' }], a: 1 },
    ],
    [
      { roles: ['a', 'b'], org: { id: 1, tags: [] } },
      { org: { tags: [], id: 1 }, roles: ['a', 'b'] },
    ],
    [new Date(5), new Date(5)],
    [{ at: new Date(5) }, { at: new Date(5) }],
  ])('equal: %j and %j', (a, b) => {
    expect(deepEqual(a, b)).toBe(true)
    expect(deepEqual(b, a)).toBe(true)
  })

  it.each([
    [1, 2],
    [1, '1'],
    [0, -0],
    [null, undefined],
    [null, {}],
    [{}, []],
    [{ 0: 'a' }, ['a']],
    [{ length: 0 }, []],
    [
      [1, 2],
      [2, 1],
    ],
    [[1], [1, 1]],
    [{ a: 1 }, { a: 1, b: 2 }],
    [{ a: undefined }, { b: undefined }],
    [{ a: undefined }, {}],
    [{ a: { b: 1 } }, { a: { b: 2 } }],
    [{ a: [1, { c: 'x' }] }, { a: [1, { c: 'y' }] }],
    [new Date(5), new Date(6)],
    [{ at: new Date(5) }, { at: new Date(6) }],
    [new Date(5), {}],
    [new Date(Number.NaN), new Date(0)],
  ])('not equal: %j and %j', (a, b) => {
    expect(deepEqual(a, b)).toBe(false)
    expect(deepEqual(b, a)).toBe(false)
  })

  it('is true for the same object', () => {
    const user = { id: 1 }
    expect(deepEqual(user, user)).toBe(true)
  })

  it('says a user is unchanged across a silent refresh (default user from the claims)', () => {
    const first = session(
      { access_token: createTestToken({ sub: 'u', name: 'Ada' }, { now: SERVER_NOW, expiresIn: 900 }) },
      SERVER_NOW,
    )
    const second = session(
      {
        access_token: createTestToken(
          { sub: 'u', name: 'Ada', jti: 'next' },
          { now: SERVER_NOW + 14 * MINUTE, expiresIn: 900 },
        ),
      },
      SERVER_NOW + 14 * MINUTE,
    )
    expect(first.user).not.toBe(second.user)
    expect(deepEqual(first.user, second.user)).toBe(true)
    expect(deepEqual(first.claims, second.claims)).toBe(false)
  })

  it('compares deeply nested objects', () => {
    const deep = (n: number): unknown => (n === 0 ? { leaf: true } : { child: deep(n - 1) })
    expect(deepEqual(deep(200), deep(200))).toBe(true)
    expect(deepEqual(deep(200), deep(199))).toBe(false)
  })
})
