// @vitest-environment node
import { directus } from 'react-jwt-session/gateway/directus'
import { createTestToken } from 'react-jwt-session/testing'
import { describe, expect, it } from 'vitest'
import { expectTroubleMatrix, failure, fakeUpstream, json } from './fakeUpstream'
import { roundTrip } from './throughGateway'

// Answers as Directus documents them (https://directus.io/docs/guides/auth/email-login,
// https://directus.io/docs/guides/connect/errors: INVALID_TOKEN is a 403, TOKEN_EXPIRED a 401).
const url = 'https://cms.example.com'
const access = createTestToken(
  { id: 'u1', role: 'r1', app_access: true, admin_access: false },
  { expiresIn: 900 },
)
const data = (refresh_token: string) =>
  json(200, { data: { access_token: access, expires: 900_000, refresh_token } })
const directusError = (status: number, code: string, message: string) =>
  json(status, { errors: [{ message, extensions: { code } }] })

describe('directus preset', () => {
  it('signs in with POST /auth/login in JSON mode; `expires` is in milliseconds', async () => {
    const upstream = fakeUpstream()
    upstream.answer(data('d-refresh-1'))
    const tokens = await directus({ url }).login(
      { email: 'alice@example.com', password: 'pw' },
      upstream.context(),
    )
    expect(tokens).toEqual({ accessToken: access, refreshToken: 'd-refresh-1', expiresIn: 900 })
    const [sent] = upstream.sent
    expect([sent?.method, sent?.url.href]).toEqual(['POST', `${url}/auth/login`])
    expect(sent?.data).toEqual({ email: 'alice@example.com', password: 'pw', mode: 'json' })
  })

  it('renews with POST /auth/refresh {refresh_token, mode: json}; the token rotates', async () => {
    const upstream = fakeUpstream()
    upstream.answer(data('d-refresh-2'))
    expect((await directus({ url }).refresh('d-refresh-1', upstream.context())).refreshToken).toBe(
      'd-refresh-2',
    )
    expect(upstream.sent[0]?.url.pathname).toBe('/auth/refresh')
    expect(upstream.sent[0]?.data).toEqual({ refresh_token: 'd-refresh-1', mode: 'json' })
  })

  it('INVALID_CREDENTIALS → invalid_credentials; INVALID_TOKEN / TOKEN_EXPIRED → session_expired', async () => {
    const upstream = fakeUpstream()
    upstream.answer(
      directusError(401, 'INVALID_CREDENTIALS', 'Invalid user credentials.'),
      directusError(403, 'INVALID_TOKEN', 'Invalid token.'),
      directusError(401, 'TOKEN_EXPIRED', 'Token expired.'),
    )
    const adapter = directus({ url })
    expect(
      await failure(adapter.login({ email: 'a', password: 'bad' }, upstream.context()), ['bad']),
    ).toMatchObject({
      code: 'invalid_credentials',
      details: { error: 'INVALID_CREDENTIALS' },
    })
    for (const reason of ['INVALID_TOKEN', 'TOKEN_EXPIRED']) {
      expect(
        await failure(adapter.refresh('d-refresh-1', upstream.context()), ['d-refresh-1']),
      ).toMatchObject({
        code: 'session_expired',
        details: { error: reason },
      })
    }
  })

  it('an upstream in trouble is network, timeout, server or bad_response', async () => {
    await expectTroubleMatrix((ctx) => directus({ url }).refresh('d-refresh-1', ctx), ['d-refresh-1'])
  })

  it('logout posts the refresh token to /auth/logout; an already invalid one is done', async () => {
    const upstream = fakeUpstream()
    upstream.answer(
      new Response(null, { status: 204 }),
      directusError(400, 'INVALID_PAYLOAD', 'Invalid payload.'),
    )
    const adapter = directus({ url, paths: { logout: '/custom/logout' } })
    await adapter.logout?.('d-refresh-1', { everywhere: false }, upstream.context())
    await adapter.logout?.('d-refresh-1', { everywhere: true }, upstream.context())
    expect(upstream.sent.map((s) => [s.url.pathname, s.data])).toEqual(
      Array(2).fill(['/custom/logout', { refresh_token: 'd-refresh-1', mode: 'json' }]),
    )
  })

  it('end to end through createSessionGateway: JSON mode throughout, the rotated token logged out', async () => {
    const upstream = fakeUpstream()
    upstream.answer(data('d-refresh-1'), data('d-refresh-2'), new Response(null, { status: 204 }))
    const { refresh } = await roundTrip(directus({ url }), upstream, {
      credentials: { email: 'alice@example.com', password: 'pw' },
      refreshTokens: ['d-refresh-1', 'd-refresh-2'],
      accessToken: access,
    })
    expect(refresh.expires_in).toBeGreaterThan(890)
    expect(refresh.expires_in).toBeLessThanOrEqual(900)
    expect(upstream.sent.map((s) => s.data)).toEqual([
      { email: 'alice@example.com', password: 'pw', mode: 'json' },
      { refresh_token: 'd-refresh-1', mode: 'json' },
      { refresh_token: 'd-refresh-2', mode: 'json' },
    ])
  })
})
