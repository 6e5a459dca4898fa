import { AuthError, createAuthClient, decodeToken } from 'react-jwt-session/core'
import { createTestToken } from 'react-jwt-session/testing'
import { describe, expect, it, vi } from 'vitest'
import { deepEqual } from '../../src/core/createSession'
import {
  createHttpTransport,
  defaultEndpoints,
  errorForStatus,
  parseRetryAfter,
} from '../../src/core/httpTransport'
import { isTokenShaped, replaceTokens } from '../../src/core/tokenShape'

// Issue 18, items 1, 2, 3 and 7: what a hostile or broken server sends never breaks the client, and no token
// the client would accept ever reaches an error.

const latin1 = (text: string) => String.fromCharCode(...new TextEncoder().encode(text))
const base64 = (text: string) => btoa(latin1(text))
const base64url = (text: string) => base64(text).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')

const header = { alg: 'HS256', typ: 'JWT' }
const claims = () => ({
  sub: 'user-1',
  iat: Math.floor(Date.now() / 1000),
  exp: Math.floor(Date.now() / 1000) + 600,
})

/** Tokens the client accepts as access tokens, in every spelling a server may send. */
const acceptedTokens = (): Array<[string, string]> => [
  ['compact base64url', createTestToken({ sub: 'user-1' })],
  [
    'a header JSON with spaces',
    `${base64url('{ "alg": "HS256", "typ": "JWT" }')}.${base64url(JSON.stringify(claims()))}.c2ln`,
  ],
  [
    'pretty-printed header and payload',
    `${base64url(JSON.stringify(header, null, 2))}.${base64url(JSON.stringify(claims(), null, 2))}.c2lnbmF0dXJl`,
  ],
  [
    'padded base64url',
    `${base64(JSON.stringify(header)).replace(/\+/g, '-').replace(/\//g, '_')}.${base64(
      JSON.stringify({ ...claims(), n: 'ab' }),
    )
      .replace(/\+/g, '-')
      .replace(/\//g, '_')}.c2ln`,
  ],
  [
    'standard base64 with + and /',
    `${base64(JSON.stringify(header))}.${base64(JSON.stringify({ ...claims(), n: '~~~>>>???ÿÿ' }))}.ab+/cd==`,
  ],
]

describe('item 1: a token with a character a header cannot carry is refused, in any segment', () => {
  const valid = createTestToken({ sub: 'user-1' }, { expiresIn: 600 })
  const [h = '', p = '', s = ''] = valid.split('.')
  const at = (segment: string, bad: string) => `${segment.slice(0, 4)}${bad}${segment.slice(4)}`
  const cases: Array<[string, string]> = []
  for (const [name, bad] of [
    ['a newline', '\n'],
    ['a NUL', '\0'],
    ['a space', ' '],
    ['a non-Latin-1 character', '€'],
    ['a line separator', '\u2028'],
  ] as const) {
    cases.push([`${name} in the header`, `${at(h, bad)}.${p}.${s}`])
    cases.push([`${name} in the payload`, `${h}.${at(p, bad)}.${s}`])
    cases.push([`${name} in the signature`, `${h}.${p}.${at(s, bad)}`])
  }

  it.each(cases)(
    '%s: bad_token from setSession, never adopted; client.fetch still works',
    async (_label, token) => {
      const fetch = vi.fn(async () => new Response('{}', { status: 200 }))
      const client = createAuthClient({ fetch, crossTab: false })
      let thrown: unknown
      try {
        client.setSession({ access_token: token, expires_in: 600 })
      } catch (error) {
        thrown = error
      }
      expect(thrown).toBeInstanceOf(AuthError)
      expect((thrown as AuthError).code).toBe('bad_token')
      expect(client.getState().accessToken).toBeNull()
      await expect(client.fetch('/api/items')).resolves.toBeInstanceOf(Response)
      client.destroy()
    },
  )

  it.each(cases)(
    '%s: a login answered with it rejects with bad_token and signs nobody in',
    async (_label, token) => {
      const client = createAuthClient({
        crossTab: false,
        transport: {
          login: async () => ({ access_token: token, expires_in: 600 }),
          refresh: async () => {
            throw new AuthError('session_expired')
          },
          logout: async () => ({}),
        },
      })
      await expect(client.login({ username: 'ada', password: 'x' })).rejects.toMatchObject({
        code: 'bad_token',
      })
      expect(client.getState().status).not.toBe('authenticated')
      client.destroy()
    },
  )
})

describe('item 2: every token the client accepts is scrubbed from errors, in linear time', () => {
  it.each(acceptedTokens())(
    '%s: accepted by the client, removed from details, cause and message',
    (_label, token) => {
      // The client takes it as an access token…
      expect(() => decodeToken(token)).not.toThrow()
      expect(isTokenShaped(token)).toBe(true)
      // …so no error may carry it: not in the body's values, keys, nested strings or sentences.
      const payload = token.split('.')[1] as string
      const body = {
        error: 'invalid_grant',
        message: `the token ${token} has expired.`,
        nested: [{ token }, `Bearer ${token}`],
        url: `https://app.example.com/callback?access_token=${token}&state=1`,
        // Glued behind a path or a `+`, both base64 characters themselves.
        path: `GET /api/verify/${token} failed`,
        plus: `a+${token}`,
        [token]: 'as a key',
      }
      const error = errorForStatus(401, 'refresh', body)
      const text = JSON.stringify([error.details, error.cause])
      expect(text).not.toContain(payload)
      expect(text).toContain('[token]')
      expect(new AuthError('server', `upstream said ${token}.`).message).not.toContain(payload)
      expect(new AuthError('server', `no route /verify/${token}`).message).not.toContain(payload)
    },
  )

  it('leaves what is not a token alone: versions, host names, sentences', () => {
    const text = 'v1.2.3 on api.example.com: see docs.example.com/a.b.c, or e.g. this.'
    expect(replaceTokens(text, () => '[token]')).toBe(text)
  })

  it('keeps the path a token was glued to, and a token glued to text is not token-shaped', () => {
    const token = createTestToken({ sub: 'u' })
    expect(replaceTokens(`/api/verify/${token}?x=1`, () => '[token]')).toBe('/api/verify/[token]?x=1')
    expect(isTokenShaped(`verify/${token}`)).toBe(false)
    expect(() => decodeToken(`a+${token}`)).toThrow()
  })

  it('scrubs a 1 MB body of eyJeyJ… runs (no regex backtracking) and a body of many tokens', () => {
    // The old regex slowed down quadratically on such runs; this one looks at each character once.
    const run = 'eyJ'.repeat(350_000)
    expect(withoutTokensOf({ error: run }).error).toBe(run)
    const token = createTestToken({ sub: 'u' })
    const many = Array.from({ length: 5_000 }, () => token).join(' ')
    expect(withoutTokensOf({ error: many }).error).toBe(
      Array.from({ length: 5_000 }, () => '[token]').join(' '),
    )
  })

  it('decodes each segment at most twice, whatever the body (the work grows with the body, not faster)', () => {
    const atob = vi.spyOn(globalThis, 'atob')
    const segments = (n: number) => Array.from({ length: n }, (_, i) => `seg${i}`).join('.')
    replaceTokens(segments(1_000), () => '')
    expect(atob.mock.calls.length).toBeLessThanOrEqual(2 * 1_000)
    atob.mockClear()
    replaceTokens(segments(10_000), () => '')
    expect(atob.mock.calls.length).toBeLessThanOrEqual(2 * 10_000)
    atob.mockRestore()
  })
})

const withoutTokensOf = (body: unknown) =>
  errorForStatus(401, 'refresh', body).details as Record<string, unknown>

/** `{"a":{"a":…}}`, `depth` levels deep, as JSON text. */
const deepJson = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`

describe('item 3: deep JSON', () => {
  it('a 401 whose body nests 100,000 levels is still a refusal (session_expired), not a network error', async () => {
    const fetch = vi.fn(async () => new Response(deepJson(100_000), { status: 401 }))
    const transport = createHttpTransport({ endpoints: defaultEndpoints, getFetch: () => fetch })
    await expect(transport.refresh()).rejects.toMatchObject({ code: 'session_expired', status: 401 })
  })

  it('a refused renewal with such a body signs the user out (expired)', async () => {
    let answer = () =>
      new Response(JSON.stringify({ access_token: createTestToken({ sub: 'u' }), expires_in: 600 }))
    const client = createAuthClient({ crossTab: false, fetch: vi.fn(async () => answer()) })
    await client.login({ username: 'ada', password: 'x' })
    answer = () => new Response(deepJson(100_000), { status: 401 })
    await client.refresh().catch(() => {})
    expect(client.getState()).toMatchObject({ status: 'unauthenticated', reason: 'expired' })
    client.destroy()
  })

  it('a deeply nested user arriving twice keeps renewals working, and setSession never throws RangeError', async () => {
    const deepUser = () => JSON.parse(deepJson(20_000)) as Record<string, unknown>
    const body = () => ({
      access_token: createTestToken({ sub: 'u', jti: Math.random().toString(36) }),
      expires_in: 600,
      user: deepUser(),
    })
    const client = createAuthClient({
      crossTab: false,
      fetch: vi.fn(async () => new Response(JSON.stringify({ ...body(), user: undefined }))),
      getUser: () => deepUser(),
    })
    expect(() => client.setSession(body())).not.toThrow()
    expect(() => client.setSession(body())).not.toThrow()
    const before = client.getState().accessToken
    await expect(client.refresh()).resolves.not.toBeNull()
    expect(client.getState()).toMatchObject({ status: 'authenticated', error: null })
    expect(client.getState().accessToken).not.toBe(before)
    client.destroy()
  })

  it('with cross-tab sync on, setSession of a user the structured-clone algorithm cannot copy does not throw', () => {
    const deepUser = JSON.parse(deepJson(20_000)) as Record<string, unknown>
    const client = createAuthClient({ crossTab: { name: `hostile-${Math.random()}` } })
    client.start()
    expect(() =>
      client.setSession({ access_token: createTestToken({ sub: 'u' }), expires_in: 600, user: deepUser }),
    ).not.toThrow()
    expect(client.getState().status).toBe('authenticated')
    client.destroy()
  })

  it('deepEqual beyond its bound answers "changed" instead of overflowing the stack', () => {
    const a = JSON.parse(deepJson(50_000))
    const b = JSON.parse(deepJson(50_000))
    expect(deepEqual(a, b)).toBe(false)
    expect(deepEqual(JSON.parse(deepJson(500)), JSON.parse(deepJson(500)))).toBe(true)
  })
})

describe('item 7: absurd numbers', () => {
  it.each([
    ['Infinity', undefined],
    ['1e400', undefined],
    ['-Infinity', undefined],
    ['99999999999999999999', 86_400],
    ['120', 120],
  ])('Retry-After: %s → %s (finite, at most a day)', (value, expected) => {
    expect(parseRetryAfter(value)).toBe(expected)
  })

  it('a 503 with Retry-After: Infinity gives a finite retryAfter or none', async () => {
    const fetch = vi.fn(
      async () => new Response('{}', { status: 503, headers: { 'Retry-After': 'Infinity' } }),
    )
    const transport = createHttpTransport({ endpoints: defaultEndpoints, getFetch: () => fetch })
    const error = (await transport.refresh().catch((e: unknown) => e)) as AuthError
    expect(error.code).toBe('server')
    expect(error.retryAfter === undefined || Number.isFinite(error.retryAfter)).toBe(true)
  })

  it.each([1e-7, 0.00001, 0.05])(
    'expires_in: %s is refused as already expired, never adopted',
    (expiresIn) => {
      const client = createAuthClient({ crossTab: false })
      expect(() =>
        client.setSession({ access_token: createTestToken({ sub: 'u' }), expires_in: expiresIn }),
      ).toThrow(expect.objectContaining({ code: 'bad_token' }))
      expect(client.getState().status).not.toBe('authenticated')
      client.destroy()
    },
  )

  it('expires_in: 1e300 is adopted with a finite expiry a Date can hold', () => {
    const client = createAuthClient({ crossTab: false })
    client.setSession({ access_token: createTestToken({ sub: 'u' }), expires_in: 1e300 })
    const { expiresAt } = client.getState()
    expect(Number.isNaN(new Date(expiresAt as number).getTime())).toBe(false)
    client.destroy()
  })
})
