import { AuthError, decodeToken } from 'react-jwt-session/core'
import { createTestToken } from 'react-jwt-session/testing'
import { describe, expect, it } from 'vitest'

const NOW = Date.UTC(2030, 0, 1, 12, 0, 0)

/** base64url of a UTF-8 string, to build JWT-shaped inputs with a chosen payload. */
const segment = (text: string) =>
  btoa(String.fromCharCode(...new TextEncoder().encode(text)))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '')

const header = segment(JSON.stringify({ alg: 'none', typ: 'JWT' }))
const withPayload = (payload: string) => `${header}.${segment(payload)}.${segment('signature')}`

/** Runs `decodeToken` and returns what it threw; fails the test when it did not throw. */
function thrownBy(input: unknown): unknown {
  try {
    decodeToken(input)
  } catch (error) {
    return error
  }
  throw new Error('decodeToken did not throw')
}

/** Every place an `AuthError` could leak text: message, stack, cause, JSON, String(). */
const everyText = (error: AuthError) =>
  [
    error.message,
    error.stack ?? '',
    String(error),
    JSON.stringify(error),
    JSON.stringify(error.cause ?? null),
  ].join('\n')

describe('decodeToken: valid tokens', () => {
  it('returns the claims of a token minted by createTestToken', () => {
    const token = createTestToken({ sub: 'user-1', name: 'Ada', role: 'admin' }, { now: NOW, expiresIn: 60 })
    expect(decodeToken(token)).toEqual({
      sub: 'user-1',
      name: 'Ada',
      role: 'admin',
      iat: NOW / 1000,
      exp: NOW / 1000 + 60,
    })
  })

  it('keeps nested, array and unicode claims', () => {
    const claims = { sub: 'ü-1', name: 'Zoë 名前 🚀', roles: ['a', 'b'], org: { id: 7, tags: [] } }
    const token = createTestToken(claims, { now: NOW })
    expect(decodeToken(token)).toEqual({ ...claims, iat: NOW / 1000, exp: NOW / 1000 + 900 })
  })

  it('decodes a token without exp (claims may remove it)', () => {
    const token = createTestToken({ sub: 'x', exp: undefined }, { now: NOW })
    expect(decodeToken(token)).toEqual({ sub: 'x', iat: NOW / 1000 })
  })

  it('decodes an empty claims object (the header and signature are not checked)', () => {
    expect(decodeToken(withPayload('{}'))).toEqual({})
    expect(decodeToken(`${header}.${segment('{"a":1}')}.`)).toEqual({ a: 1 })
  })

  it('accepts base64url characters (- and _) in the payload', () => {
    // '?>' and '~~~' encode to base64 with '/' and '+', which base64url writes as '_' and '-'.
    const payload = JSON.stringify({ q: '?>?>', t: '~~~~' })
    const encoded = segment(payload)
    expect(encoded).toMatch(/[-_]/)
    expect(decodeToken(`${header}.${encoded}.sig`)).toEqual({ q: '?>?>', t: '~~~~' })
  })
})

describe('decodeToken: malformed input → AuthError("bad_token")', () => {
  const valid = createTestToken({ sub: 'user-1' }, { now: NOW })
  const [h, p, s] = valid.split('.') as [string, string, string]

  const cases: Array<[string, unknown]> = [
    ['undefined', undefined],
    ['null', null],
    ['a number', 42],
    ['a boolean', true],
    ['an object', { token: valid }],
    ['an array', [h, p, s]],
    ['a String object', new String(valid)],
    ['a symbol', Symbol('token')],
    ['a function', () => valid],
    ['the empty string', ''],
    ['one part', 'abc'],
    ['two parts', 'a.b'],
    ['two parts of a real token', `${h}.${p}`],
    ['four parts', `${h}.${p}.${s}.${s}`],
    ['five parts (a JWE)', `${h}.${p}.${s}.${s}.${s}`],
    ['two dots only', '..'],
    ['an empty payload', `${h}..${s}`],
    ['bad base64 characters', `${h}.***.${s}`],
    ['base64 of an impossible length', `${h}.abcde.${s}`],
    ['a non-base64 character in a real payload', `${h}.!${p.slice(1)}.${s}`],
    ['a payload that is not JSON', withPayload('not json')],
    ['a truncated JSON payload', withPayload('{"sub":"user-1"')],
    ['a payload that is an array', withPayload('[1,2,3]')],
    ['a payload that is an empty array', withPayload('[]')],
    ['a payload that is a number', withPayload('1700000000')],
    ['a payload that is null', withPayload('null')],
    ['a payload that is a string', withPayload('"sub"')],
    ['a payload that is a boolean', withPayload('true')],
  ]

  it.each(cases)('%s', (_label, input) => {
    const error = thrownBy(input)
    expect(error).toBeInstanceOf(AuthError)
    expect(error).toBeInstanceOf(Error)
    expect((error as AuthError).code).toBe('bad_token')
    expect((error as AuthError).name).toBe('AuthError')
    expect((error as AuthError).status).toBeUndefined()
  })

  it.each(cases.filter(([, input]) => typeof input === 'string'))(
    'never puts the input or its parts in the error: %s',
    (_label, input) => {
      const text = everyText(thrownBy(input) as AuthError)
      const token = input as string
      if (token.length > 3) expect(text).not.toContain(token)
      for (const part of token.split('.')) if (part.length > 3) expect(text).not.toContain(part)
    },
  )

  it('hides what the JSON parser said about the input (its messages quote the decoded payload)', () => {
    const secret = 'sk_live_SECRET_VALUE'
    const error = thrownBy(withPayload(`{"secret":"${secret}"`)) as AuthError
    expect(error.code).toBe('bad_token')
    expect(everyText(error)).not.toContain(secret)
    // Only the library's error type is kept as the cause, never its message.
    expect(error.cause).toBe('SyntaxError')
  })

  it('serializes to JSON without the token', () => {
    const token = withPayload('[1]')
    const error = thrownBy(token) as AuthError
    expect(JSON.parse(JSON.stringify(error))).toEqual({ name: 'AuthError', code: 'bad_token' })
  })

  it('uses a message that says what is wrong', () => {
    expect((thrownBy('a.b') as AuthError).message).toBe('The access token is not a JWT.')
    expect((thrownBy(withPayload('nope')) as AuthError).message).toBe(
      'The access token could not be decoded.',
    )
    expect((thrownBy(withPayload('null')) as AuthError).message).toBe(
      'The access token has no claims object.',
    )
  })
})
