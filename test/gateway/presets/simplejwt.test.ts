// @vitest-environment node
import { simplejwt } from 'react-jwt-session/gateway/simplejwt'
import { createTestToken } from 'react-jwt-session/testing'
import { describe, expect, it } from 'vitest'
import { expectTroubleMatrix, failure, fakeUpstream, json } from './fakeUpstream'
import { roundTrip } from './throughGateway'

// Answers as SimpleJWT documents them (https://django-rest-framework-simplejwt.readthedocs.io/en/latest/getting_started.html)
// and as SimpleJWT 5.2.2 sends them (rest_framework_simplejwt/serializers.py, exceptions.py).
const access = createTestToken({ user_id: 1, token_type: 'access', jti: 'a1' }, { expiresIn: 300 })
const refresh = createTestToken({ user_id: 1, token_type: 'refresh', jti: 'r1' }, { expiresIn: 86_400 })
const rotated = createTestToken({ user_id: 1, token_type: 'refresh', jti: 'r2' }, { expiresIn: 86_400 })
const adapter = simplejwt({ url: 'https://api.example.com/' })

describe('simplejwt preset', () => {
  it('signs in with POST /api/token/ and the form fields as sent', async () => {
    const upstream = fakeUpstream()
    upstream.answer(json(200, { refresh, access }))
    const tokens = await adapter.login({ username: 'alice', password: 'pw' }, upstream.context())
    expect(tokens).toEqual({ accessToken: access, refreshToken: refresh, expiresIn: 300 })
    const [sent] = upstream.sent
    expect(sent?.method).toBe('POST')
    expect(sent?.url.href).toBe('https://api.example.com/api/token/')
    expect(sent?.headers.get('Content-Type')).toBe('application/json')
    expect(sent?.data).toEqual({ username: 'alice', password: 'pw' })
  })

  it('renews with POST /api/token/refresh/, with rotation (ROTATE_REFRESH_TOKENS) and without', async () => {
    const upstream = fakeUpstream()
    upstream.answer(json(200, { access, refresh: rotated }), json(200, { access }))
    expect(await adapter.refresh(refresh, upstream.context())).toEqual({
      accessToken: access,
      refreshToken: rotated,
      expiresIn: 300,
    })
    const unrotated = await adapter.refresh(rotated, upstream.context())
    expect(unrotated).toEqual({ accessToken: access, expiresIn: expect.any(Number) })
    expect(unrotated.expiresIn).toBeGreaterThan(295)
    expect(unrotated.expiresIn).toBeLessThanOrEqual(300)
    expect(upstream.sent.map((s) => [s.method, s.url.pathname, s.data])).toEqual([
      ['POST', '/api/token/refresh/', { refresh }],
      ['POST', '/api/token/refresh/', { refresh: rotated }],
    ])
  })

  it("an access token made at a rotation carries the old refresh token's iat: its lifetime counts from the new pair", async () => {
    // As SimpleJWT 5.2.2 sends it: the access token copies `iat` from the refresh token it was made from (issued
    // 200 s earlier), its `exp` is 300 s after this renewal, as is the new refresh token's `iat`.
    const now = Date.now()
    const renewedAt = Math.floor(now / 1000)
    const stale = createTestToken(
      { user_id: 1, token_type: 'access', iat: renewedAt - 200 },
      { now, expiresIn: 300 },
    )
    const fresh = createTestToken(
      { user_id: 1, token_type: 'refresh', jti: 'r3' },
      { now, expiresIn: 86_400 },
    )
    const upstream = fakeUpstream()
    upstream.answer(json(200, { access: stale, refresh: fresh }), json(200, { access: stale }))
    expect((await adapter.refresh(refresh, upstream.context())).expiresIn).toBe(300)
    // Without rotation: from now, never the 500 s that exp - iat would say.
    const unrotated = await adapter.refresh(fresh, upstream.context())
    expect(unrotated.expiresIn).toBeGreaterThan(295)
    expect(unrotated.expiresIn).toBeLessThanOrEqual(300)
  })

  it('a blacklisted or expired refresh token (401 token_not_valid) is session_expired', async () => {
    const upstream = fakeUpstream()
    upstream.answer(json(401, { detail: 'Token is blacklisted', code: 'token_not_valid' }))
    const error = await failure(adapter.refresh(refresh, upstream.context()), [refresh])
    expect(error).toMatchObject({
      code: 'session_expired',
      status: 401,
      details: { error: 'token_not_valid' },
    })
  })

  it('a wrong password (401, a `detail` and no `code`) is invalid_credentials', async () => {
    const upstream = fakeUpstream()
    upstream.answer(json(401, { detail: 'No active account found with the given credentials' }))
    const error = await failure(adapter.login({ username: 'alice', password: 'wrong' }, upstream.context()), [
      'wrong',
    ])
    expect(error).toMatchObject({ code: 'invalid_credentials', status: 401 })
  })

  it('an upstream in trouble is network, timeout, server or bad_response, never a refusal', async () => {
    await expectTroubleMatrix((ctx) => adapter.refresh(refresh, ctx), [refresh])
    await expectTroubleMatrix((ctx) => adapter.login({ username: 'alice', password: 'pw' }, ctx), ['pw'])
  })

  it('a wrong path (404) is a server error that names the path, not a sign-out', async () => {
    const upstream = fakeUpstream()
    upstream.answer(new Response('<h1>Not Found</h1>', { status: 404 }))
    const error = await failure(adapter.refresh(refresh, upstream.context()), [refresh])
    expect(error).toMatchObject({ code: 'server', status: 404 })
    expect(error.message).toContain('/api/token/refresh/')
  })

  it('logout blacklists the refresh token; an already blacklisted one or no blacklist app (404) is done', async () => {
    const upstream = fakeUpstream()
    upstream.answer(
      json(200, {}),
      json(401, { detail: 'Token is blacklisted', code: 'token_not_valid' }),
      new Response('<h1>Not Found</h1>', { status: 404 }),
    )
    for (let i = 0; i < 3; i += 1) await adapter.logout?.(refresh, { everywhere: false }, upstream.context())
    expect(upstream.sent.map((s) => [s.method, s.url.pathname, s.data])).toEqual(
      Array(3).fill(['POST', '/api/token/blacklist/', { refresh }]),
    )
    upstream.answer(json(503, {}))
    expect(
      (
        await failure(
          adapter.logout?.(refresh, { everywhere: true }, upstream.context()) ?? Promise.resolve(),
        )
      ).code,
    ).toBe('server')
  })

  it('paths are overridable, and blacklist: null makes logout local', async () => {
    const custom = simplejwt({
      url: 'https://api.example.com/backend',
      paths: { login: '/auth/jwt/create/', refresh: '/auth/jwt/refresh/', blacklist: null },
    })
    const upstream = fakeUpstream()
    upstream.answer(json(200, { access, refresh }), json(200, { access }))
    await custom.login({ email: 'a@example.com', password: 'pw' }, upstream.context())
    await custom.refresh(refresh, upstream.context())
    await custom.logout?.(refresh, { everywhere: false }, upstream.context())
    expect(upstream.sent.map((s) => s.url.pathname)).toEqual([
      '/backend/auth/jwt/create/',
      '/backend/auth/jwt/refresh/',
    ])
  })

  it('end to end through createSessionGateway: sign-in, a rotated renewal, the blacklist at sign-out', async () => {
    const upstream = fakeUpstream()
    upstream.answer(json(200, { refresh, access }), json(200, { access, refresh: rotated }), json(200, {}))
    await roundTrip(adapter, upstream, {
      credentials: { username: 'alice', password: 'pw' },
      refreshTokens: [refresh, rotated],
      accessToken: access,
    })
    expect(upstream.sent.map((s) => [s.url.pathname, s.data])).toEqual([
      ['/api/token/', { username: 'alice', password: 'pw' }],
      ['/api/token/refresh/', { refresh }],
      ['/api/token/blacklist/', { refresh: rotated }],
    ])
  })
})
