// @vitest-environment node
import { supabase } from 'react-jwt-session/gateway/supabase'
import { createTestToken } from 'react-jwt-session/testing'
import { describe, expect, it } from 'vitest'
import { expectTroubleMatrix, failure, fakeUpstream, json } from './fakeUpstream'
import { roundTrip } from './throughGateway'

// Answers as Supabase Auth documents them (https://github.com/supabase/auth#post-token,
// https://supabase.com/docs/guides/auth/debugging/error-codes).
const url = 'https://abcd.supabase.co'
const apiKey = 'anon-key'
const access = createTestToken({ sub: 'u1', role: 'authenticated' }, { expiresIn: 3600 })
const user = { id: 'u1', aud: 'authenticated', role: 'authenticated', email: 'alice@example.com' }
// Long enough never to turn up by chance in a sealed cookie's base64url.
const [rt1, rt2, rt3] = ['sb-refresh-1-d41d8cd98f', 'sb-refresh-2-00b204e980', 'sb-refresh-3-0998ecf8427']
const session = (refreshToken: string) =>
  json(200, {
    access_token: access,
    token_type: 'bearer',
    expires_in: 3600,
    expires_at: Math.floor(Date.now() / 1000) + 3600,
    refresh_token: refreshToken,
    user,
  })

describe('supabase preset', () => {
  it('signs in with grant_type=password, the apikey header and email/password', async () => {
    const upstream = fakeUpstream()
    upstream.answer(session(rt1))
    const tokens = await supabase({ url, apiKey }).login(
      { email: 'alice@example.com', password: 'pw' },
      upstream.context(),
    )
    expect(tokens).toEqual({ accessToken: access, refreshToken: rt1, expiresIn: 3600, user })
    const [sent] = upstream.sent
    expect([sent?.method, sent?.url.pathname, sent?.url.search]).toEqual([
      'POST',
      '/auth/v1/token',
      '?grant_type=password',
    ])
    expect(sent?.headers.get('apikey')).toBe(apiKey)
    expect(sent?.data).toEqual({ email: 'alice@example.com', password: 'pw' })
  })

  it('renews with grant_type=refresh_token; the rotated token comes back', async () => {
    const upstream = fakeUpstream()
    upstream.answer(session(rt2))
    expect((await supabase({ url, apiKey }).refresh(rt1, upstream.context())).refreshToken).toBe(rt2)
    expect(upstream.sent[0]?.url.search).toBe('?grant_type=refresh_token')
    expect(upstream.sent[0]?.data).toEqual({ refresh_token: rt1 })
  })

  it('wrong password → invalid_credentials; a used or unknown refresh token → session_expired', async () => {
    const upstream = fakeUpstream()
    upstream.answer(
      json(400, { code: 400, error_code: 'invalid_credentials', msg: 'Invalid login credentials' }),
      json(400, {
        code: 400,
        error_code: 'refresh_token_already_used',
        msg: 'Invalid Refresh Token: Already Used',
      }),
    )
    const adapter = supabase({ url, apiKey })
    expect(
      await failure(adapter.login({ email: 'a', password: 'bad' }, upstream.context()), ['bad']),
    ).toMatchObject({
      code: 'invalid_credentials',
      details: { error: 'invalid_credentials' },
    })
    expect(await failure(adapter.refresh(rt1, upstream.context()), [rt1])).toMatchObject({
      code: 'session_expired',
      details: { error: 'refresh_token_already_used' },
    })
  })

  it('a wrong apikey is a configuration error, not a wrong password', async () => {
    const upstream = fakeUpstream()
    upstream.answer(json(401, { message: 'Invalid API key' }))
    const error = await failure(
      supabase({ url, apiKey }).login({ email: 'a', password: 'pw' }, upstream.context()),
    )
    expect(error.code).toBe('server')
    expect(error.message).toMatch(/apiKey/)
  })

  it('an upstream in trouble is network, timeout, server or bad_response', async () => {
    await expectTroubleMatrix((ctx) => supabase({ url, apiKey }).refresh(rt1, ctx), [rt1])
  })

  it('logout renews once for an access token, then POST /logout with it as Bearer, scope local or global', async () => {
    const upstream = fakeUpstream()
    upstream.answer(
      session(rt2),
      new Response(null, { status: 204 }),
      session(rt3),
      new Response(null, { status: 204 }),
    )
    const adapter = supabase({ url, apiKey })
    await adapter.logout?.(rt1, { everywhere: false }, upstream.context())
    await adapter.logout?.(rt1, { everywhere: true }, upstream.context())
    expect(upstream.sent.map((s) => `${s.url.pathname}${s.url.search}`)).toEqual([
      '/auth/v1/token?grant_type=refresh_token',
      '/auth/v1/logout?scope=local',
      '/auth/v1/token?grant_type=refresh_token',
      '/auth/v1/logout?scope=global',
    ])
    expect(upstream.sent[1]?.headers.get('Authorization')).toBe(`Bearer ${access}`)
    expect(upstream.sent[1]?.headers.get('apikey')).toBe(apiKey)
  })

  it('logout of a refresh token Supabase already refused has nothing left to do', async () => {
    const upstream = fakeUpstream()
    upstream.answer(
      json(400, { code: 400, error_code: 'refresh_token_not_found', msg: 'Invalid Refresh Token' }),
    )
    await supabase({ url, apiKey }).logout?.(rt1, { everywhere: false }, upstream.context())
    expect(upstream.sent).toHaveLength(1)
  })

  it('end to end through createSessionGateway: the user handed to the page, logout with a fresh Bearer', async () => {
    const upstream = fakeUpstream()
    upstream.answer(session(rt1), session(rt2), session(rt3), new Response(null, { status: 204 }))
    const { login } = await roundTrip(supabase({ url, apiKey }), upstream, {
      credentials: { email: 'alice@example.com', password: 'pw' },
      refreshTokens: [rt1, rt2, rt3],
      accessToken: access,
    })
    expect(login.user).toEqual(user)
    expect(upstream.sent.map((s) => s.data)).toEqual([
      { email: 'alice@example.com', password: 'pw' },
      { refresh_token: rt1 },
      { refresh_token: rt2 },
      '',
    ])
    expect(upstream.sent[3]?.url.search).toBe('?scope=local')
  })
})
