import { createSessionGateway, type UpstreamAdapter } from 'react-jwt-session/gateway'
import { expect } from 'vitest'
import type { fakeUpstream } from './fakeUpstream'

const APP = 'https://app.example'

const post = (path: string, cookie: string, body: unknown = {}) =>
  new Request(`${APP}/auth/${path}`, {
    method: 'POST',
    headers: { Origin: APP, 'Content-Type': 'application/json', ...(cookie ? { Cookie: cookie } : {}) },
    body: JSON.stringify(body),
  })

/** The `name=value` pairs a browser would send back from a response's `Set-Cookie` lines. */
const cookieOf = (response: Response) =>
  response.headers
    .getSetCookie()
    .map((line) => line.split(';')[0] ?? '')
    .filter((pair) => !pair.endsWith('='))
    .join('; ')

/**
 * Sign-in, one renewal and sign-out through `createSessionGateway(...).handle()` with `adapter` in front of the
 * fake `upstream` (its answers queued by the caller). Checks what every preset owes the browser: the access token
 * in the client's shape, the refresh tokens in no answer body and in no cookie in clear, the renewal presenting
 * the refresh token the sign-in got, and the cookie cleared at sign-out.
 */
export async function roundTrip(
  adapter: UpstreamAdapter,
  upstream: ReturnType<typeof fakeUpstream>,
  options: { credentials: Record<string, unknown>; refreshTokens: string[]; accessToken: string },
) {
  const gateway = createSessionGateway({
    upstream: adapter,
    secret: 'a test secret that is long enough to seal',
    fetch: upstream.fetch,
  })
  const login = await gateway.handle(post('login', '', options.credentials))
  const loginText = await login.text()
  expect(login.status).toBe(200)
  expect(JSON.parse(loginText)).toMatchObject({ access_token: options.accessToken })
  const cookie = cookieOf(login)
  expect(cookie).toMatch(/^__Host-session/)

  const refresh = await gateway.handle(post('refresh', cookie))
  const refreshText = await refresh.text()
  expect(refresh.status).toBe(200)
  expect(JSON.parse(refreshText)).toMatchObject({
    access_token: options.accessToken,
    expires_in: expect.any(Number),
  })
  const rotated = cookieOf(refresh) || cookie

  const logout = await gateway.handle(post('logout', rotated))
  expect([200, 204]).toContain(logout.status)
  expect(logout.headers.getSetCookie().join('\n')).toMatch(/__Host-session=;/)

  for (const token of options.refreshTokens) {
    for (const visible of [
      loginText,
      refreshText,
      cookie,
      rotated,
      login.headers.getSetCookie().join('\n'),
    ]) {
      expect(visible).not.toContain(token)
    }
  }
  return { login: JSON.parse(loginText), refresh: JSON.parse(refreshText) }
}
