// @vitest-environment node
import { aspnetIdentity } from 'react-jwt-session/gateway/aspnetIdentity'
import { describe, expect, it } from 'vitest'
import { expectTroubleMatrix, failure, fakeUpstream, json } from './fakeUpstream'
import { roundTrip } from './throughGateway'

// Answers as ASP.NET Core documents MapIdentityApi
// (https://learn.microsoft.com/aspnet/core/security/authentication/identity-api-authorization): the access token is
// an opaque Data Protection string, not a JWT.
const url = 'https://api.example.com'
const opaque = 'CfDJ8Opaque-access_token'
const answer = (refreshToken: string) =>
  json(200, { tokenType: 'Bearer', accessToken: opaque, expiresIn: 3600, refreshToken })
const info = () => json(200, { email: 'alice@example.com', isEmailConfirmed: true })

describe('aspnetIdentity preset', () => {
  it('signs in with POST /login, then reads the user from GET /manage/info with the new token', async () => {
    const upstream = fakeUpstream()
    upstream.answer(answer('CfDJ8refresh-1'), info())
    const tokens = await aspnetIdentity({ url }).login(
      { email: 'alice@example.com', password: 'Pw1!' },
      upstream.context(),
    )
    expect(tokens).toEqual({
      accessToken: opaque,
      refreshToken: 'CfDJ8refresh-1',
      expiresIn: 3600,
      user: { id: 'alice@example.com', email: 'alice@example.com', isEmailConfirmed: true },
    })
    expect(upstream.sent.map((s) => [s.method, s.url.href])).toEqual([
      ['POST', `${url}/login`],
      ['GET', `${url}/manage/info`],
    ])
    expect(upstream.sent[0]?.data).toEqual({ email: 'alice@example.com', password: 'Pw1!' })
    expect(upstream.sent[1]?.headers.get('Authorization')).toBe(`Bearer ${opaque}`)
  })

  it('renews with POST /refresh {refreshToken}; info: null skips the user lookup', async () => {
    const upstream = fakeUpstream()
    upstream.answer(answer('CfDJ8refresh-2'))
    const tokens = await aspnetIdentity({ url, paths: { info: null } }).refresh(
      'CfDJ8refresh-1',
      upstream.context(),
    )
    expect(tokens).toEqual({ accessToken: opaque, refreshToken: 'CfDJ8refresh-2', expiresIn: 3600 })
    expect([upstream.sent[0]?.url.pathname, upstream.sent[0]?.data]).toEqual([
      '/refresh',
      { refreshToken: 'CfDJ8refresh-1' },
    ])
  })

  it('a failed /manage/info still signs in, without a user', async () => {
    const upstream = fakeUpstream()
    upstream.answer(answer('CfDJ8refresh-2'), 'network')
    expect((await aspnetIdentity({ url }).refresh('CfDJ8refresh-1', upstream.context())).user).toBeUndefined()
  })

  it('401 problem details at /login → invalid_credentials; a bare 401 at /refresh → session_expired', async () => {
    const upstream = fakeUpstream()
    upstream.answer(
      json(401, {
        type: 'https://tools.ietf.org/html/rfc9110#section-15.5.2',
        title: 'Unauthorized',
        status: 401,
        detail: 'Failed',
      }),
      new Response(null, { status: 401 }),
    )
    const adapter = aspnetIdentity({ url })
    expect(
      (await failure(adapter.login({ email: 'a', password: 'bad' }, upstream.context()), ['bad'])).code,
    ).toBe('invalid_credentials')
    expect(
      (await failure(adapter.refresh('CfDJ8refresh-1', upstream.context()), ['CfDJ8refresh-1'])).code,
    ).toBe('session_expired')
  })

  it('an upstream in trouble is network, timeout, server or bad_response', async () => {
    await expectTroubleMatrix(
      (ctx) => aspnetIdentity({ url, paths: { info: null } }).refresh('CfDJ8refresh-1', ctx),
      ['CfDJ8refresh-1'],
    )
  })

  it('has no revocation endpoint: logout is local', () => {
    expect(aspnetIdentity({ url }).logout).toBeUndefined()
  })

  it('end to end through createSessionGateway: an opaque access token, marked so for the client', async () => {
    const upstream = fakeUpstream()
    upstream.answer(answer('CfDJ8refresh-1'), info(), answer('CfDJ8refresh-2'), info())
    const { login, refresh } = await roundTrip(aspnetIdentity({ url }), upstream, {
      credentials: { email: 'alice@example.com', password: 'Pw1!' },
      refreshTokens: ['CfDJ8refresh-1', 'CfDJ8refresh-2'],
      accessToken: opaque,
    })
    expect(login).toMatchObject({
      access_token_format: 'opaque',
      expires_in: 3600,
      user: { email: 'alice@example.com' },
    })
    expect(refresh).toMatchObject({ access_token_format: 'opaque' })
    expect(upstream.sent[2]?.data).toEqual({ refreshToken: 'CfDJ8refresh-1' })
  })
})
