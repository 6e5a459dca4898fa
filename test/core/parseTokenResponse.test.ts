import { AuthError, parseTokenResponse } from 'react-jwt-session/core'
import { createTestToken } from 'react-jwt-session/testing'
import { describe, expect, it } from 'vitest'

const NOW = Date.UTC(2030, 0, 1, 12, 0, 0)
const token = createTestToken({ sub: 'user-1' }, { now: NOW, expiresIn: 900 })
const other = createTestToken({ sub: 'user-2' }, { now: NOW, expiresIn: 900 })

function refusal(body: unknown): AuthError {
  try {
    parseTokenResponse(body)
  } catch (error) {
    expect(error).toBeInstanceOf(AuthError)
    return error as AuthError
  }
  throw new Error('parseTokenResponse did not throw')
}

const tokenFields = ['access_token', 'accessToken', 'jwt_token', 'jwt', 'token'] as const

describe('parseTokenResponse: where the token is', () => {
  it.each(tokenFields)('reads %s at top level', (field) => {
    expect(parseTokenResponse({ [field]: token })).toStrictEqual({ accessToken: token })
  })

  it.each(tokenFields)('reads %s under data', (field) => {
    expect(parseTokenResponse({ data: { [field]: token } })).toStrictEqual({ accessToken: token })
  })

  it('prefers the fields in the documented order: access_token, accessToken, jwt_token, jwt, token', () => {
    const all = { token: 'e', jwt: 'd', jwt_token: 'c', accessToken: 'b', access_token: 'a' }
    expect(parseTokenResponse(all).accessToken).toBe('a')
    const { access_token: _a, ...noA } = all
    expect(parseTokenResponse(noA).accessToken).toBe('b')
    const { accessToken: _b, ...noB } = noA
    expect(parseTokenResponse(noB).accessToken).toBe('c')
    const { jwt_token: _c, ...noC } = noB
    expect(parseTokenResponse(noC).accessToken).toBe('d')
    const { jwt: _d, ...noD } = noC
    expect(parseTokenResponse(noD).accessToken).toBe('e')
  })

  it('takes the top-level token over one under data', () => {
    expect(parseTokenResponse({ access_token: token, data: { access_token: other } }).accessToken).toBe(token)
  })

  it('skips a token field that is not a string and looks under data', () => {
    expect(parseTokenResponse({ token: 42, data: { jwt: other } }).accessToken).toBe(other)
    expect(parseTokenResponse({ access_token: null, token: token }).accessToken).toBe(token)
  })

  it('ignores unrelated fields (refresh_token, token_type, id_token)', () => {
    expect(
      parseTokenResponse({ refresh_token: 'rt', token_type: 'Bearer', id_token: other, access_token: token }),
    ).toStrictEqual({ accessToken: token })
  })
})

describe('parseTokenResponse: the lifetime', () => {
  it.each([
    ['expires_in', 900, 900],
    ['expires_in', '900', 900],
    ['expires_in', ' 60 ', 60],
    ['expires_in', '0.5', 0.5],
    ['expiresIn', 3600, 3600],
    ['expiresIn', '3600', 3600],
    ['expires_in', 0, 0],
    ['expires_in', -1, -1],
    ['expires_in', '-30', -30],
  ])('reads %s = %j as %j seconds', (field, value, seconds) => {
    expect(parseTokenResponse({ access_token: token, [field]: value })).toStrictEqual({
      accessToken: token,
      expiresIn: seconds,
    })
  })

  it.each([
    ['expires_in', '900', 900],
    ['expiresIn', 120, 120],
  ])('reads %s under data', (field, value, seconds) => {
    expect(parseTokenResponse({ data: { accessToken: token, [field]: value } })).toStrictEqual({
      accessToken: token,
      expiresIn: seconds,
    })
  })

  it('prefers expires_in over expiresIn, and falls back to expiresIn when expires_in is null', () => {
    expect(parseTokenResponse({ token, expires_in: 10, expiresIn: 20 }).expiresIn).toBe(10)
    expect(parseTokenResponse({ token, expires_in: null, expiresIn: 20 }).expiresIn).toBe(20)
  })

  it.each([
    ['a word', 'soon'],
    ['an empty string', ''],
    ['blanks', '   '],
    ['a duration with a unit', '15m'],
    ['null', null],
    ['a boolean', true],
    ['an object', { seconds: 900 }],
    ['an overflowing numeric string', '1e400'],
  ])('leaves expiresIn out when expires_in is %s', (_label, value) => {
    expect(parseTokenResponse({ access_token: token, expires_in: value })).toStrictEqual({
      accessToken: token,
    })
  })

  it('reads jwt_token_expiry as an ISO date', () => {
    expect(
      parseTokenResponse({ jwt_token: token, jwt_token_expiry: '2030-01-01T12:15:00.000Z' }),
    ).toStrictEqual({
      accessToken: token,
      expiresAt: Date.UTC(2030, 0, 1, 12, 15, 0),
    })
    expect(
      parseTokenResponse({ jwt_token: token, jwt_token_expiry: '2030-01-01T13:15:00+01:00' }).expiresAt,
    ).toBe(Date.UTC(2030, 0, 1, 12, 15, 0))
  })

  it('reads jwt_token_expiry as epoch ms, a number or a numeric string', () => {
    const at = NOW + 15 * 60_000
    expect(parseTokenResponse({ jwt_token: token, jwt_token_expiry: at })).toStrictEqual({
      accessToken: token,
      expiresAt: at,
    })
    expect(parseTokenResponse({ jwt_token: token, jwt_token_expiry: String(at) }).expiresAt).toBe(at)
  })

  it('reads jwt_token_expiry under data', () => {
    expect(
      parseTokenResponse({ data: { jwt_token: token, jwt_token_expiry: '2030-01-01T12:15:00Z' } }),
    ).toStrictEqual({ accessToken: token, expiresAt: Date.UTC(2030, 0, 1, 12, 15, 0) })
  })

  it('keeps both expires_in and jwt_token_expiry when both are sent', () => {
    expect(
      parseTokenResponse({ jwt_token: token, expires_in: 900, jwt_token_expiry: NOW + 900_000 }),
    ).toStrictEqual({ accessToken: token, expiresIn: 900, expiresAt: NOW + 900_000 })
  })

  it('leaves expiresAt out for a jwt_token_expiry that is not a date', () => {
    for (const value of ['never', '', null, {}, true]) {
      expect(parseTokenResponse({ jwt_token: token, jwt_token_expiry: value })).toStrictEqual({
        accessToken: token,
      })
    }
  })
})

describe('parseTokenResponse: the user', () => {
  const ada = { id: 1, name: 'Ada' }
  const bob = { id: 2, name: 'Bob' }

  it('reads user at top level', () => {
    expect(parseTokenResponse({ access_token: token, user: ada })).toStrictEqual({
      accessToken: token,
      user: ada,
    })
  })

  it('keeps the identity of the user object', () => {
    expect(parseTokenResponse({ access_token: token, user: ada }).user).toBe(ada)
  })

  it('reads user under data', () => {
    expect(parseTokenResponse({ data: { jwt: token, user: ada } })).toStrictEqual({
      accessToken: token,
      user: ada,
    })
  })

  it('reads a top-level user when the token is under data', () => {
    expect(parseTokenResponse({ data: { jwt: token }, user: ada })).toStrictEqual({
      accessToken: token,
      user: ada,
    })
  })

  it('prefers the user beside the token', () => {
    expect(parseTokenResponse({ data: { jwt: token, user: ada }, user: bob }).user).toBe(ada)
  })

  it('keeps a user that is not an object as sent (getUser decides what to do with it)', () => {
    expect(parseTokenResponse({ token, user: 'ada' }).user).toBe('ada')
    expect(parseTokenResponse({ token, user: 0 }).user).toBe(0)
  })

  it('has no user key when the answer has none', () => {
    expect(Object.keys(parseTokenResponse({ token, expires_in: 60 })).sort()).toEqual([
      'accessToken',
      'expiresIn',
    ])
  })
})

describe('parseTokenResponse: not a token response → AuthError("bad_response")', () => {
  it.each([
    ['null', null],
    ['undefined', undefined],
    ['an HTML page', '<!doctype html><title>502 Bad Gateway</title><h1>Bad Gateway</h1>'],
    ['a bare token string', token],
    ['a number', 200],
    ['a boolean', true],
    ['an array', [{ access_token: token }]],
    ['an empty object', {}],
    ['an OAuth error body', { error: 'invalid_grant', error_description: 'Refresh token expired' }],
    ['an id_token only', { id_token: token, expires_in: 900 }],
    ['an empty token', { access_token: '' }],
    ['a token that is a number', { access_token: 12345 }],
    ['a token that is an object', { access_token: { value: token } }],
    ['data that is null', { data: null }],
    ['data that is a string', { data: token }],
    ['data that is an array', { data: [{ access_token: token }] }],
    ['a token two levels deep', { data: { data: { access_token: token } } }],
    ['a GraphQL error answer', { data: null, errors: [{ message: 'Unauthorized' }] }],
  ])('%s', (_label, body) => {
    const error = refusal(body)
    expect(error.code).toBe('bad_response')
    expect(error.status).toBeUndefined()
  })

  it('says whether the answer was not an object or had no token', () => {
    expect(refusal('<html>').message).toBe('The token response is not a JSON object.')
    expect(refusal({}).message).toBe('The token response has no access token.')
  })

  it('never puts the body or a token in the error', () => {
    const error = refusal({ id_token: token, data: { note: token } })
    const text = [error.message, error.stack ?? '', JSON.stringify(error), String(error.cause)].join('\n')
    expect(text).not.toContain(token)
    expect(text).not.toContain(token.split('.')[1])
  })
})
