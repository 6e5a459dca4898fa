// @vitest-environment node
import { oauth2 } from 'react-jwt-session/gateway/oauth2'
import { createTestToken } from 'react-jwt-session/testing'
import { describe, expect, it } from 'vitest'
import { expectTroubleMatrix, failure, fakeUpstream, json } from './fakeUpstream'
import { roundTrip } from './throughGateway'

// Answers as RFC 6749 §5.1/§5.2 and RFC 7009 §2.2 define them (https://www.rfc-editor.org/rfc/rfc6749#section-5.1),
// with Keycloak's `refresh_expires_in` (https://www.keycloak.org/securing-apps/oidc-layers).
const tokenEndpoint = 'https://id.example.com/realms/app/protocol/openid-connect/token'
const revocationEndpoint = 'https://id.example.com/realms/app/protocol/openid-connect/revoke'
const access = createTestToken({ sub: 'u1' }, { expiresIn: 300 })
const refresh = 'opaque-refresh-1'
const rotated = 'opaque-refresh-2'
const tokenAnswer = (refreshToken?: string) =>
  json(200, {
    access_token: access,
    token_type: 'Bearer',
    expires_in: 300,
    refresh_expires_in: 1800,
    ...(refreshToken ? { refresh_token: refreshToken } : {}),
    scope: 'openid email',
  })

describe('oauth2 preset', () => {
  it('password grant with client_secret_basic, the id and secret form-encoded first (RFC 6749 §2.3.1)', async () => {
    const adapter = oauth2({
      tokenEndpoint,
      clientId: 'web app',
      clientSecret: 's:cr%t',
      scope: 'openid email',
    })
    const upstream = fakeUpstream()
    upstream.answer(tokenAnswer(refresh))
    const tokens = await adapter.login({ username: 'alice', password: 'pw' }, upstream.context())
    expect(tokens).toEqual({
      accessToken: access,
      refreshToken: refresh,
      expiresIn: 300,
      refreshExpiresIn: 1800,
    })
    const [sent] = upstream.sent
    expect(sent?.method).toBe('POST')
    expect(sent?.url.href).toBe(tokenEndpoint)
    expect(sent?.headers.get('Content-Type')).toBe('application/x-www-form-urlencoded')
    expect(sent?.headers.get('Authorization')).toBe(`Basic ${btoa('web+app:s%3Acr%25t')}`)
    expect(sent?.data).toEqual({
      grant_type: 'password',
      username: 'alice',
      password: 'pw',
      scope: 'openid email',
    })
  })

  it('refresh_token grant with client_secret_post, with and without a rotated refresh token', async () => {
    const adapter = oauth2({ tokenEndpoint, clientId: 'app', clientSecret: 'secret', clientAuth: 'post' })
    const upstream = fakeUpstream()
    upstream.answer(tokenAnswer(rotated), tokenAnswer())
    expect((await adapter.refresh(refresh, upstream.context())).refreshToken).toBe(rotated)
    expect((await adapter.refresh(rotated, upstream.context())).refreshToken).toBeUndefined()
    expect(upstream.sent[0]?.headers.get('Authorization')).toBeNull()
    expect(upstream.sent.map((s) => s.data)).toEqual([
      { grant_type: 'refresh_token', refresh_token: refresh, client_id: 'app', client_secret: 'secret' },
      { grant_type: 'refresh_token', refresh_token: rotated, client_id: 'app', client_secret: 'secret' },
    ])
  })

  it('a public client sends its client_id only', async () => {
    const adapter = oauth2({ tokenEndpoint, clientId: 'spa' })
    const upstream = fakeUpstream()
    upstream.answer(tokenAnswer())
    await adapter.refresh(refresh, upstream.context())
    expect(upstream.sent[0]?.data).toEqual({
      grant_type: 'refresh_token',
      refresh_token: refresh,
      client_id: 'spa',
    })
    expect(() => oauth2({ tokenEndpoint, clientId: 'x', clientAuth: 'basic' })).toThrow(/clientSecret/)
  })

  it('invalid_grant is invalid_credentials at login and session_expired at refresh', async () => {
    const adapter = oauth2({ tokenEndpoint, clientId: 'spa' })
    const upstream = fakeUpstream()
    upstream.answer(
      json(401, { error: 'invalid_grant', error_description: 'Invalid user credentials' }),
      json(400, { error: 'invalid_grant', error_description: 'Token is not active' }),
    )
    const login = await failure(adapter.login({ username: 'alice', password: 'wrong' }, upstream.context()), [
      'wrong',
    ])
    expect(login).toMatchObject({
      code: 'invalid_credentials',
      status: 401,
      details: { error: 'invalid_grant' },
    })
    const renew = await failure(adapter.refresh(refresh, upstream.context()), [refresh])
    expect(renew).toMatchObject({ code: 'session_expired', status: 400, details: { error: 'invalid_grant' } })
  })

  it('invalid_client is a configuration error that says so, not a sign-out', async () => {
    const adapter = oauth2({ tokenEndpoint, clientId: 'app', clientSecret: 'wrong-secret' })
    const upstream = fakeUpstream()
    upstream.answer(json(401, { error: 'invalid_client', error_description: 'Invalid client credentials' }))
    const error = await failure(adapter.refresh(refresh, upstream.context()), [refresh, 'wrong-secret'])
    expect(error).toMatchObject({ code: 'server', status: 401, details: { error: 'invalid_client' } })
    expect(error.message).toMatch(/invalid_client.*clientId, clientSecret and clientAuth/)
  })

  it('an upstream in trouble is network, timeout, server or bad_response', async () => {
    const adapter = oauth2({ tokenEndpoint, clientId: 'spa' })
    await expectTroubleMatrix((ctx) => adapter.refresh(refresh, ctx), [refresh])
  })

  it('logout revokes the refresh token (RFC 7009, token_type_hint); without an endpoint it is local', async () => {
    const adapter = oauth2({ tokenEndpoint, revocationEndpoint, clientId: 'app', clientSecret: 'secret' })
    const upstream = fakeUpstream()
    upstream.answer(new Response(null, { status: 200 }), json(400, { error: 'unsupported_token_type' }))
    await adapter.logout?.(refresh, { everywhere: false }, upstream.context())
    await adapter.logout?.(refresh, { everywhere: true }, upstream.context())
    expect(upstream.sent.map((s) => [s.method, s.url.href, s.data])).toEqual(
      Array(2).fill(['POST', revocationEndpoint, { token: refresh, token_type_hint: 'refresh_token' }]),
    )
    expect(upstream.sent[0]?.headers.get('Authorization')).toMatch(/^Basic /)
    const local = oauth2({ tokenEndpoint, clientId: 'spa' })
    await local.logout?.(refresh, { everywhere: false }, upstream.context())
    expect(upstream.sent).toHaveLength(2)
  })

  it('end to end through createSessionGateway: password grant, refresh grant, revocation', async () => {
    const adapter = oauth2({ tokenEndpoint, revocationEndpoint, clientId: 'spa' })
    const upstream = fakeUpstream()
    upstream.answer(tokenAnswer(refresh), tokenAnswer(rotated), new Response(null, { status: 200 }))
    await roundTrip(adapter, upstream, {
      credentials: { username: 'alice', password: 'pw' },
      refreshTokens: [refresh, rotated],
      accessToken: access,
    })
    expect(upstream.sent.map((s) => (s.data as Record<string, string>).grant_type ?? s.url.pathname)).toEqual(
      ['password', 'refresh_token', '/realms/app/protocol/openid-connect/revoke'],
    )
    expect(upstream.sent[1]?.data).toMatchObject({ refresh_token: refresh })
    expect(upstream.sent[2]?.data).toMatchObject({ token: rotated })
  })
})
