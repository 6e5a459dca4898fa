// @vitest-environment node
// The simplejwt preset on its own against a real Django REST framework SimpleJWT (Debian's package; rotation and
// BLACKLIST_AFTER_ROTATION on): the answers its fake-upstream unit tests assume, checked against the server —
// the token pair, the rotation, a replayed token refused as `token_not_valid`, the blacklist at logout, a wrong
// password, and no token in any error.
import { isAuthError } from 'react-jwt-session/core'
import type { UpstreamContext } from 'react-jwt-session/gateway'
import { simplejwt } from 'react-jwt-session/gateway/simplejwt'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type SimpleJwtServer, startSimpleJwt } from '../../example/simplejwt/startSimpleJwt.mjs'

let server: SimpleJwtServer
const errors: unknown[] = []
/** Every token the server handed out, to look for in the errors. */
const issued: string[] = []

beforeAll(async () => {
  server = await startSimpleJwt({ accessTtl: 60 })
})

afterAll(async () => {
  await server?.close()
})

const context = (): UpstreamContext => ({
  fetch,
  signal: AbortSignal.timeout(10_000),
  request: new Request('http://127.0.0.1/auth/refresh', { method: 'POST' }),
  origin: 'http://127.0.0.1',
  basePath: '/auth',
})

/** The AuthError `promise` rejects with, kept so the last test can look for tokens in every one. */
async function refusal(promise: Promise<unknown>) {
  const error = await promise.then(
    () => new Error('expected a rejection'),
    (e: unknown) => e,
  )
  errors.push(error)
  if (!isAuthError(error)) throw error
  return error
}

describe('the simplejwt preset against a real SimpleJWT', () => {
  it('a wrong password is invalid_credentials (401, a detail and no code)', async () => {
    const adapter = simplejwt({ url: server.url })
    const error = await refusal(adapter.login({ username: 'alice', password: 'not-her-password' }, context()))
    expect(error).toMatchObject({ code: 'invalid_credentials', status: 401 })
    expect(error.details).toBeUndefined()
  })

  it('signs in, renews with rotation, refuses the replayed token, blacklists at logout', async () => {
    const adapter = simplejwt({ url: server.url })
    const first = await adapter.login({ username: 'alice', password: 'alice-password' }, context())
    expect(first.accessToken.split('.')).toHaveLength(3)
    expect(first.expiresIn).toBeGreaterThan(50)
    expect(first.expiresIn).toBeLessThanOrEqual(60)
    const second = await adapter.refresh(first.refreshToken as string, context())
    issued.push(
      first.accessToken,
      first.refreshToken as string,
      second.accessToken,
      second.refreshToken as string,
    )
    expect(second.refreshToken).toBeDefined()
    expect(second.refreshToken).not.toBe(first.refreshToken)
    expect(second.expiresIn).toBeLessThanOrEqual(60)

    const replay = await refusal(adapter.refresh(first.refreshToken as string, context()))
    expect(replay).toMatchObject({
      code: 'session_expired',
      status: 401,
      details: { error: 'token_not_valid' },
    })

    await adapter.logout?.(second.refreshToken as string, { everywhere: false }, context())
    await adapter.logout?.(second.refreshToken as string, { everywhere: false }, context()) // done already: no throw
    const afterLogout = await refusal(adapter.refresh(second.refreshToken as string, context()))
    expect(afterLogout).toMatchObject({ code: 'session_expired', details: { error: 'token_not_valid' } })
    expect(await server.stats()).toMatchObject({ logins: 1, refreshes: 1, blacklists: 1 })
  })

  it("a token that is not SimpleJWT's is session_expired; no error carries a token", async () => {
    const adapter = simplejwt({ url: server.url })
    expect((await refusal(adapter.refresh('not-a-token', context()))).code).toBe('session_expired')
    expect(issued).toHaveLength(4)
    expect(errors.length).toBeGreaterThanOrEqual(4)
    for (const error of errors) {
      const said = `${String(error)} ${JSON.stringify((error as { details?: unknown }).details ?? null)}`
      expect(said).not.toMatch(/eyJ[\w-]+\.eyJ/)
      for (const token of issued) expect(said).not.toContain(token)
    }
  })
})
