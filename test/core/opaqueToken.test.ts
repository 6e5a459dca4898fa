import { AuthError, createAuthClient, parseTokenResponse } from 'react-jwt-session/core'
import { createTestToken } from 'react-jwt-session/testing'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createSession } from '../../src/core/createSession'

// Refresh rule 4's one exception: the gateway marks an access token that is not a JWT (Google, Auth0 without an
// audience, oidc-provider's default) as opaque, and the client accepts it without claims.

const NOW = Date.UTC(2030, 0, 1, 12, 0, 0)
const OPAQUE = 'ya29.a0AfB_byC-opaque_token~value+/='
const session = (body: unknown) => createSession(body, NOW, parseTokenResponse, undefined)

function refusal(body: unknown): AuthError {
  try {
    session(body)
  } catch (error) {
    expect(error).toBeInstanceOf(AuthError)
    return error as AuthError
  }
  throw new Error('the answer was accepted')
}

describe('an access token marked opaque', () => {
  it('is accepted with claims null, its expiry from expires_in and the user from the answer', () => {
    const s = session({
      access_token: OPAQUE,
      access_token_format: 'opaque',
      expires_in: 300,
      user: { sub: 'u1', name: 'Ada' },
    })
    expect(s).toMatchObject({
      accessToken: OPAQUE,
      claims: null,
      expiresAt: NOW + 300_000,
      lifetime: 300_000,
      user: { sub: 'u1', name: 'Ada' },
    })
  })

  it('hands getUser empty claims and the answer', () => {
    const getUser = vi.fn((_claims: object, body: unknown) => ({
      id: (body as { user: { sub: string } }).user.sub,
    }))
    const s = createSession(
      { access_token: OPAQUE, access_token_format: 'opaque', expires_in: 60, user: { sub: 'u7' } },
      NOW,
      parseTokenResponse,
      getUser,
    )
    expect(getUser).toHaveBeenCalledWith({}, expect.objectContaining({ user: { sub: 'u7' } }))
    expect(s.user).toEqual({ id: 'u7' })
  })

  it.each([
    ['no expires_in', { access_token: OPAQUE, access_token_format: 'opaque' }],
    ['expires_in 0', { access_token: OPAQUE, access_token_format: 'opaque', expires_in: 0 }],
    ['a negative expires_in', { access_token: OPAQUE, access_token_format: 'opaque', expires_in: -5 }],
    [
      'an infinite expires_in',
      { access_token: OPAQUE, access_token_format: 'opaque', expires_in: Number.POSITIVE_INFINITY },
    ],
    ['a space in the token', { access_token: 'abc def', access_token_format: 'opaque', expires_in: 60 }],
    [
      'a newline in the token',
      { access_token: 'abc\r\nX: y', access_token_format: 'opaque', expires_in: 60 },
    ],
    ['a control character', { access_token: 'abc\u0000', access_token_format: 'opaque', expires_in: 60 }],
    ['a non-ASCII character', { access_token: 'abcé', access_token_format: 'opaque', expires_in: 60 }],
    ['an unmarked non-JWT', { access_token: OPAQUE, expires_in: 60 }],
    ['another mark', { access_token: OPAQUE, access_token_format: 'jwt', expires_in: 60 }],
    ['the mark as a boolean', { access_token: OPAQUE, access_token_format: true, expires_in: 60 }],
  ])('is refused with %s, and the token is never in the error', (_name, body) => {
    const error = refusal(body)
    expect(error.code).toBe('bad_token')
    expect(JSON.stringify({ message: error.message, details: error.details })).not.toContain('opaque_token')
  })

  it('is still a JWT when the answer does not mark it: claims decoded as before', () => {
    const token = createTestToken({ sub: 'u1' }, { now: NOW, expiresIn: 600 })
    expect(session({ access_token: token, expires_in: 600 }).claims).toMatchObject({ sub: 'u1' })
  })
})

describe('a client holding an opaque access token', () => {
  beforeEach(() => {
    vi.useFakeTimers()
    vi.setSystemTime(NOW)
  })
  afterEach(() => vi.useRealTimers())

  const answer = (sub: string, extra: Record<string, unknown> = {}) => ({
    access_token: `${OPAQUE}-${sub}`,
    access_token_format: 'opaque',
    expires_in: 600,
    user: { sub, name: sub.toUpperCase() },
    ...extra,
  })

  it('is signed in with claims null in its state, {} in its session, and sends the token as Bearer', async () => {
    const calls: Array<string | null> = []
    const fetch = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
      const url = String(input)
      if (url.endsWith('/auth/login')) return Response.json(answer('u1'))
      calls.push(new Headers(init?.headers).get('authorization'))
      return Response.json({ ok: true })
    })
    const client = createAuthClient({ fetch: fetch as typeof globalThis.fetch, crossTab: false })
    try {
      const signedIn = await client.login({ username: 'u1' })
      expect(signedIn.claims).toEqual({})
      expect(client.getState()).toMatchObject({
        status: 'authenticated',
        claims: null,
        user: { sub: 'u1', name: 'U1' },
        expiresAt: NOW + 600_000,
      })
      await client.fetch('/api/items')
      expect(calls).toEqual([`Bearer ${OPAQUE}-u1`])
    } finally {
      client.destroy()
    }
  })

  it('tells a user switch from a renewal by the user’s sub, else its id (no claims to compare)', () => {
    const client = createAuthClient({ crossTab: false })
    const signOuts: string[] = []
    client.on('signout', ({ reason }) => signOuts.push(reason))
    try {
      client.setSession(answer('u1'))
      client.setSession(answer('u1', { access_token: `${OPAQUE}-renewed` }))
      // The same user: no sign-out in between (the query cache is kept).
      expect(signOuts).toEqual([])
      client.setSession(answer('u2'))
      // Another user: the first one is dropped completely before the second is adopted.
      expect(signOuts).toEqual(['logout'])
      expect(client.getState().user).toEqual({ sub: 'u2', name: 'U2' })
      client.setSession({ ...answer('x'), user: { id: 'i1' } })
      client.setSession({ ...answer('y'), user: { id: 'i1', name: 'renamed' } })
      client.setSession({ ...answer('z'), user: { id: 'i2' } })
      expect(signOuts).toEqual(['logout', 'logout', 'logout'])
    } finally {
      client.destroy()
    }
  })
})
