// @vitest-environment node
import { firebase } from 'react-jwt-session/gateway/firebase'
import { createTestToken } from 'react-jwt-session/testing'
import { describe, expect, it } from 'vitest'
import { expectTroubleMatrix, failure, fakeUpstream, json } from './fakeUpstream'
import { roundTrip } from './throughGateway'

// Answers as the Firebase Auth REST API documents them
// (https://firebase.google.com/docs/reference/rest/auth#section-sign-in-email-password, #section-refresh-token).
const apiKey = 'AIzaWebKey'
const idToken = createTestToken({ user_id: 'u1', email: 'alice@example.com' }, { expiresIn: 3600 })
const firebaseError = (message: string) =>
  json(400, { error: { code: 400, message, errors: [{ message, domain: 'global', reason: 'invalid' }] } })

describe('firebase preset', () => {
  it('signs in with accounts:signInWithPassword (returnSecureToken), expiresIn read from a string', async () => {
    const upstream = fakeUpstream()
    upstream.answer(
      json(200, {
        kind: 'identitytoolkit#VerifyPasswordResponse',
        localId: 'u1',
        email: 'alice@example.com',
        displayName: '',
        idToken,
        registered: true,
        refreshToken: 'fb-refresh-1',
        expiresIn: '3600',
      }),
    )
    const tokens = await firebase({ apiKey }).login(
      { email: 'alice@example.com', password: 'pw' },
      upstream.context(),
    )
    expect(tokens).toEqual({ accessToken: idToken, refreshToken: 'fb-refresh-1', expiresIn: 3600 })
    const [sent] = upstream.sent
    expect(sent?.url.href).toBe(
      `https://identitytoolkit.googleapis.com/v1/accounts:signInWithPassword?key=${apiKey}`,
    )
    expect(sent?.data).toEqual({ email: 'alice@example.com', password: 'pw', returnSecureToken: true })
  })

  it('renews at securetoken /v1/token with a form body; the refresh token may stay the same', async () => {
    const upstream = fakeUpstream()
    const answer = (refresh_token: string) =>
      json(200, {
        expires_in: '3600',
        token_type: 'Bearer',
        refresh_token,
        id_token: idToken,
        user_id: 'u1',
        project_id: '1',
      })
    upstream.answer(answer('fb-refresh-2'), answer('fb-refresh-2'))
    expect(await firebase({ apiKey }).refresh('fb-refresh-1', upstream.context())).toEqual({
      accessToken: idToken,
      refreshToken: 'fb-refresh-2',
      expiresIn: 3600,
    })
    await firebase({ apiKey }).refresh('fb-refresh-2', upstream.context())
    const [sent] = upstream.sent
    expect(sent?.url.href).toBe(`https://securetoken.googleapis.com/v1/token?key=${apiKey}`)
    expect(sent?.headers.get('Content-Type')).toBe('application/x-www-form-urlencoded')
    expect(sent?.data).toEqual({ grant_type: 'refresh_token', refresh_token: 'fb-refresh-1' })
  })

  it('INVALID_LOGIN_CREDENTIALS, INVALID_PASSWORD, EMAIL_NOT_FOUND, USER_DISABLED → invalid_credentials', async () => {
    for (const message of [
      'INVALID_LOGIN_CREDENTIALS',
      'INVALID_PASSWORD',
      'EMAIL_NOT_FOUND',
      'USER_DISABLED',
    ]) {
      const upstream = fakeUpstream()
      upstream.answer(firebaseError(message))
      const error = await failure(
        firebase({ apiKey }).login({ email: 'a', password: 'bad' }, upstream.context()),
        ['bad'],
      )
      expect(error).toMatchObject({ code: 'invalid_credentials', status: 400, details: { error: message } })
    }
  })

  it('TOKEN_EXPIRED, INVALID_REFRESH_TOKEN, USER_NOT_FOUND → session_expired', async () => {
    for (const message of ['TOKEN_EXPIRED', 'INVALID_REFRESH_TOKEN', 'USER_NOT_FOUND']) {
      const upstream = fakeUpstream()
      upstream.answer(firebaseError(message))
      const error = await failure(firebase({ apiKey }).refresh('fb-refresh-1', upstream.context()), [
        'fb-refresh-1',
      ])
      expect(error).toMatchObject({ code: 'session_expired', details: { error: message } })
    }
  })

  it('too many attempts and a bad API key are not the user’s "no"', async () => {
    const upstream = fakeUpstream()
    upstream.answer(
      firebaseError('TOO_MANY_ATTEMPTS_TRY_LATER : Access to this account has been temporarily disabled'),
      firebaseError('API key not valid. Please pass a valid API key.'),
    )
    const adapter = firebase({ apiKey })
    expect((await failure(adapter.login({ email: 'a', password: 'pw' }, upstream.context()))).code).toBe(
      'server',
    )
    const badKey = await failure(adapter.refresh('fb-refresh-1', upstream.context()), ['fb-refresh-1'])
    expect(badKey.code).toBe('server')
    expect(badKey.message).toMatch(/apiKey/)
  })

  it('an upstream in trouble is network, timeout, server or bad_response', async () => {
    await expectTroubleMatrix((ctx) => firebase({ apiKey }).refresh('fb-refresh-1', ctx), ['fb-refresh-1'])
  })

  it('has no logout call: sign-out is the cleared cookie', () => {
    expect(firebase({ apiKey }).logout).toBeUndefined()
  })

  it('end to end through createSessionGateway: the ID token is the access token, logout is local', async () => {
    const upstream = fakeUpstream()
    upstream.answer(
      json(200, {
        localId: 'u1',
        email: 'alice@example.com',
        idToken,
        refreshToken: 'fb-refresh-1',
        expiresIn: '3600',
      }),
      json(200, {
        expires_in: '3600',
        token_type: 'Bearer',
        refresh_token: 'fb-refresh-2',
        id_token: idToken,
      }),
    )
    await roundTrip(firebase({ apiKey }), upstream, {
      credentials: { email: 'alice@example.com', password: 'pw' },
      refreshTokens: ['fb-refresh-1', 'fb-refresh-2'],
      accessToken: idToken,
    })
    expect(upstream.sent).toHaveLength(2)
    expect(upstream.sent[1]?.data).toEqual({ grant_type: 'refresh_token', refresh_token: 'fb-refresh-1' })
  })
})
