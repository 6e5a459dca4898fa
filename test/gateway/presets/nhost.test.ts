// @vitest-environment node
import { nhost } from 'react-jwt-session/gateway/nhost'
import { createTestToken } from 'react-jwt-session/testing'
import { describe, expect, it } from 'vitest'
import { expectTroubleMatrix, failure, fakeUpstream, json } from './fakeUpstream'
import { roundTrip } from './throughGateway'

// Answers as Nhost documents them (https://docs.nhost.io/reference/auth/signin-email-password,
// https://docs.nhost.io/reference/javascript/auth/types/nhost-session).
const authUrl = 'https://local.auth.eu-central-1.nhost.run/v1'
const access = createTestToken({ sub: 'u1', 'https://hasura.io/jwt/claims': { 'x-hasura-user-id': 'u1' } })
const user = {
  id: 'u1',
  email: 'alice@example.com',
  displayName: 'Alice',
  defaultRole: 'user',
  roles: ['user'],
}
const session = (refreshToken: string) => ({
  accessToken: access,
  accessTokenExpiresIn: 900,
  refreshToken,
  refreshTokenId: 'rid',
  user,
})

describe('nhost preset', () => {
  it('signs in with POST /signin/email-password and reads `session`', async () => {
    const upstream = fakeUpstream()
    upstream.answer(json(200, { session: session('n-refresh-1'), mfa: null }))
    const tokens = await nhost({ authUrl }).login(
      { email: 'alice@example.com', password: 'pw' },
      upstream.context(),
    )
    expect(tokens).toEqual({ accessToken: access, refreshToken: 'n-refresh-1', expiresIn: 900, user })
    expect([upstream.sent[0]?.method, upstream.sent[0]?.url.href]).toEqual([
      'POST',
      `${authUrl}/signin/email-password`,
    ])
    expect(upstream.sent[0]?.data).toEqual({ email: 'alice@example.com', password: 'pw' })
  })

  it('renews with POST /token {refreshToken}; the answer is the session itself, rotated', async () => {
    const upstream = fakeUpstream()
    upstream.answer(json(200, session('n-refresh-2')))
    expect((await nhost({ authUrl }).refresh('n-refresh-1', upstream.context())).refreshToken).toBe(
      'n-refresh-2',
    )
    expect([upstream.sent[0]?.url.pathname, upstream.sent[0]?.data]).toEqual([
      '/v1/token',
      { refreshToken: 'n-refresh-1' },
    ])
  })

  it('invalid-email-password → invalid_credentials; invalid-refresh-token → session_expired', async () => {
    const upstream = fakeUpstream()
    upstream.answer(
      json(401, { status: 401, message: 'Incorrect email or password', error: 'invalid-email-password' }),
      json(401, { status: 401, message: 'Invalid or expired refresh token', error: 'invalid-refresh-token' }),
    )
    const adapter = nhost({ authUrl })
    expect(
      await failure(adapter.login({ email: 'a', password: 'bad' }, upstream.context()), ['bad']),
    ).toMatchObject({
      code: 'invalid_credentials',
      details: { error: 'invalid-email-password' },
    })
    expect(await failure(adapter.refresh('n-refresh-1', upstream.context()), ['n-refresh-1'])).toMatchObject({
      code: 'session_expired',
      details: { error: 'invalid-refresh-token' },
    })
  })

  it('a second factor asked for (session: null) is not a session', async () => {
    const upstream = fakeUpstream()
    upstream.answer(json(200, { session: null, mfa: { ticket: 'mfaTotp:abc' } }))
    expect(
      (await failure(nhost({ authUrl }).login({ email: 'a', password: 'pw' }, upstream.context()))).code,
    ).toBe('bad_response')
  })

  it('an upstream in trouble is network, timeout, server or bad_response', async () => {
    await expectTroubleMatrix((ctx) => nhost({ authUrl }).refresh('n-refresh-1', ctx), ['n-refresh-1'])
  })

  it('logout: /signout {refreshToken, all: false}; everywhere renews for a Bearer and sends all: true', async () => {
    const upstream = fakeUpstream()
    upstream.answer(json(200, 'OK'), json(200, session('n-refresh-2')), json(200, 'OK'))
    const adapter = nhost({ authUrl })
    await adapter.logout?.('n-refresh-1', { everywhere: false }, upstream.context())
    await adapter.logout?.('n-refresh-1', { everywhere: true }, upstream.context())
    expect(upstream.sent.map((s) => [s.url.pathname, s.data])).toEqual([
      ['/v1/signout', { refreshToken: 'n-refresh-1', all: false }],
      ['/v1/token', { refreshToken: 'n-refresh-1' }],
      ['/v1/signout', { refreshToken: 'n-refresh-2', all: true }],
    ])
    expect(upstream.sent[2]?.headers.get('Authorization')).toBe(`Bearer ${access}`)
  })

  it('end to end through createSessionGateway: the Nhost user handed to the page, /signout at sign-out', async () => {
    const upstream = fakeUpstream()
    upstream.answer(
      json(200, { session: session('n-refresh-1'), mfa: null }),
      json(200, session('n-refresh-2')),
      json(200, 'OK'),
    )
    const { login } = await roundTrip(nhost({ authUrl }), upstream, {
      credentials: { email: 'alice@example.com', password: 'pw' },
      refreshTokens: ['n-refresh-1', 'n-refresh-2'],
      accessToken: access,
    })
    expect(login.user).toEqual(user)
    expect(upstream.sent.map((s) => [s.url.pathname, s.data])).toEqual([
      ['/v1/signin/email-password', { email: 'alice@example.com', password: 'pw' }],
      ['/v1/token', { refreshToken: 'n-refresh-1' }],
      ['/v1/signout', { refreshToken: 'n-refresh-2', all: false }],
    ])
  })
})
