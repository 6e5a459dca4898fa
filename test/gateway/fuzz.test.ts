// @vitest-environment node
// What attackers and broken upstreams send (STYLE.md 7f): a seeded fuzz run of drawn requests (methods, paths,
// origins, cookies genuine, tampered, spliced, huge; bodies deep, huge, not JSON) against a gateway whose upstream
// answers drawn trouble (tokens with control characters, huge or expired, users that are not JSON, adapters that
// throw anything, put the refresh token in their error message, or never answer). The oracle: every call settles,
// every answer is one of the documented shapes, nothing leaks a refresh token, an upstream message or a stack.
import { AuthError } from 'react-jwt-session/core'
import { createSessionGateway, type UpstreamAdapter, type UpstreamTokens } from 'react-jwt-session/gateway'
import { createTestToken } from 'react-jwt-session/testing'
import { describe, expect, it } from 'vitest'
import { mulberry32 as random } from '../fuzz/prng'

const SECRET = 'fuzz-secret-fuzz-secret-fuzz-secret-32'
const ORIGIN = 'https://app.example'
const PLANTED = 'PLANTED-UPSTREAM-DETAIL'

const deep = (depth: number) => {
  let value: unknown = {}
  for (let i = 0; i < depth; i++) value = { value }
  return value
}

const ERROR_CODES = new Set([
  'invalid_credentials',
  'invalid_grant',
  'upstream_unavailable',
  'rate_limited',
  'bad_response',
  'session_too_large',
  'forbidden_origin',
  'method_not_allowed',
  'not_found',
  'bad_request',
])

/** The oracle for one answer: the list of what is wrong with it (empty when it is fine). */
async function problemsOf(response: Response, refreshTokens: readonly string[]): Promise<string[]> {
  const problems: string[] = []
  const text = await response.text()
  const headers = JSON.stringify([...response.headers])
  const everything = text + headers
  for (const token of refreshTokens) if (everything.includes(token)) problems.push('a refresh token leaked')
  if (everything.includes(PLANTED)) problems.push('an upstream detail leaked')
  if (/\bat .*\(.*:\d+:\d+\)|Error:/.test(everything)) problems.push('a stack or raw error leaked')
  if (!/no-store/.test(response.headers.get('cache-control') ?? '')) problems.push('cacheable')
  const { status } = response
  const setCookie = response.headers.getSetCookie()
  if (status === 204) {
    if (text !== '') problems.push('a 204 with a body')
  } else {
    let body: Record<string, unknown>
    try {
      body = JSON.parse(text)
    } catch {
      return [...problems, `not JSON: ${status}`]
    }
    if (status === 200) {
      if (typeof body.logoutUrl === 'string') return problems
      if (typeof body.access_token !== 'string' || !/^[\x21-\x7e]+$/.test(body.access_token)) {
        problems.push('a 200 without a header-safe access token')
      }
      if (typeof body.expires_in !== 'number' || !(body.expires_in > 0))
        problems.push('a 200 without expires_in > 0')
      if (body.access_token_format !== undefined && body.access_token_format !== 'opaque')
        problems.push('format')
    } else {
      if (!ERROR_CODES.has(body.error as string))
        problems.push(`unknown error ${String(body.error)} (${status})`)
      if (typeof body.message !== 'string') problems.push('an error without a message')
      if (Object.keys(body).length !== 2) problems.push('an error with more than { error, message }')
      // The one error that sets a live cookie: a refresh the upstream rotated but answered unusably (502).
      const rotatedButUnusable = status === 502 && body.error === 'bad_response'
      if (!rotatedButUnusable && setCookie.some((line) => !/Max-Age=0/.test(line))) {
        problems.push('an error that sets a live cookie')
      }
      if (status === 500 && body.error !== 'session_too_large') problems.push('a 500')
    }
  }
  return problems
}

function hostileUpstream(draw: () => number, refreshTokens: string[]): UpstreamAdapter {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(draw() * items.length)] as T
  const refreshToken = () => {
    const token = `rt-${refreshTokens.length}-${Math.floor(draw() * 1e9)}`
    refreshTokens.push(token)
    return token
  }
  const answer = (): Promise<UpstreamTokens> => {
    // Half the answers are good, so sessions exist to refresh, replay and tamper with.
    const kind = pick([
      ...Array<'good'>(16).fill('good'),
      'opaque',
      'control-chars',
      'huge',
      'expired',
      'no-expiry',
      'bad-expires-in',
      'cyclic-user',
      'deep-user',
      'no-refresh',
      'huge-refresh',
      'leaky-refusal',
      'leaky-server',
      'type-error',
      'string',
      'hang',
      'rate-limited',
      'null',
    ] as const)
    const access = createTestToken({ sub: 'u1' }, { expiresIn: 300 })
    switch (kind) {
      case 'good':
        return Promise.resolve({ accessToken: access, refreshToken: refreshToken() })
      case 'opaque':
        return Promise.resolve({ accessToken: 'opaque.value', expiresIn: 60, refreshToken: refreshToken() })
      case 'control-chars':
        return Promise.resolve({ accessToken: `${access}\n`, refreshToken: refreshToken() })
      case 'huge':
        return Promise.resolve({ accessToken: access.repeat(200), refreshToken: refreshToken() })
      case 'expired':
        return Promise.resolve({
          accessToken: createTestToken({}, { expiresIn: -5 }),
          refreshToken: refreshToken(),
        })
      case 'no-expiry':
        return Promise.resolve({
          accessToken: createTestToken({ exp: undefined }),
          refreshToken: refreshToken(),
        })
      case 'bad-expires-in':
        return Promise.resolve({
          accessToken: access,
          expiresIn: pick([Number.NaN, -1, Number.POSITIVE_INFINITY, '900' as unknown as number]),
          refreshToken: refreshToken(),
        })
      case 'cyclic-user': {
        const user: Record<string, unknown> = {}
        user.self = user
        return Promise.resolve({ accessToken: access, refreshToken: refreshToken(), user })
      }
      case 'deep-user':
        return Promise.resolve({ accessToken: access, refreshToken: refreshToken(), user: deep(50_000) })
      case 'no-refresh':
        return Promise.resolve({ accessToken: access })
      case 'huge-refresh':
        return Promise.resolve({
          accessToken: access,
          refreshToken: `${refreshToken()}${'x'.repeat(20_000)}`,
        })
      case 'leaky-refusal':
        return Promise.reject(
          new AuthError('session_expired', `${PLANTED} ${refreshTokens.at(-1)}`, {
            status: 401,
            details: PLANTED,
          }),
        )
      case 'leaky-server':
        return Promise.reject(new AuthError('server', `${PLANTED} ${refreshTokens.at(-1)}`, { status: 500 }))
      case 'type-error':
        return Promise.reject(new TypeError(`${PLANTED} fetch failed`))
      case 'string':
        return Promise.reject(`${PLANTED} thrown as a string`)
      case 'hang':
        return new Promise(() => {})
      case 'rate-limited':
        return Promise.reject(new AuthError('server', undefined, { status: 429, retryAfter: 3 }))
      case 'null':
        return Promise.resolve(null as unknown as UpstreamTokens)
    }
  }
  return {
    login: () => answer(),
    refresh: () => answer(),
    logout: async () => {
      const kind = pick(['ok', 'url', 'throw', 'leaky'] as const)
      if (kind === 'url') return { logoutUrl: 'https://idp.example/logout' }
      if (kind === 'throw') throw new TypeError(`${PLANTED} fetch failed`)
      if (kind === 'leaky')
        throw new AuthError('server', `${PLANTED} ${refreshTokens.at(-1)}`, { status: 503 })
    },
  }
}

function drawRequest(draw: () => number, cookies: string[]): Request {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(draw() * items.length)] as T
  const path =
    draw() < 0.85
      ? pick(['/auth/login', '/auth/refresh', '/auth/refresh', '/auth/logout', '/auth/logout-all'])
      : pick(['/auth/callback', '/auth/', '/auth', '/auth/refresh/', '/other', '/auth/%2e%2e/refresh'])
  const method = draw() < 0.85 ? 'POST' : pick(['GET', 'PUT', 'DELETE', 'OPTIONS', 'HEAD'])
  const headers = new Headers()
  const origin = draw() < 0.8 ? ORIGIN : pick(['https://evil.example', 'null', null, `${ORIGIN}/`])
  if (origin !== null) headers.set('Origin', origin)
  const genuine = cookies.length > 0 ? pick(cookies) : ''
  const cookie = pick([
    genuine,
    genuine,
    genuine,
    '',
    `${genuine.slice(0, -3)}AAA`,
    `__Host-session=${'A'.repeat(5000)}`,
    '__Host-session.0=abc; __Host-session.2=def',
    `__Host-session=${genuine.split('=')[1]?.split('.')[0]}.${'B'.repeat(40)}`,
    '__Host-session=; __Host-session.0=',
    `__Host-session=${'x'.repeat(70_000)}`,
  ])
  if (cookie) headers.set('Cookie', cookie)
  const body = pick([
    '{"username":"ada","password":"secret"}',
    '{"username":"ada","password":"secret"}',
    '{"username":"ada","password":"secret"}',
    '',
    'not json',
    '<html>',
    '[]',
    'null',
    `${'{"v":'.repeat(20_000)}{}${'}'.repeat(20_000)}`,
    `{"password":"${'p'.repeat(80_000)}"}`,
  ])
  const hasBody = method !== 'GET' && method !== 'HEAD'
  return new Request(`${ORIGIN}${path}`, { method, headers, ...(hasBody ? { body } : {}) })
}

const settleWithin = <T>(promise: Promise<T>, ms: number) =>
  Promise.race([
    promise,
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error('the gateway did not answer')), ms)),
  ])

describe('the gateway, fuzzed', () => {
  it('the oracle catches each kind of bad answer (the control)', async () => {
    const leaked = new Response(JSON.stringify({ error: 'invalid_grant', message: 'rt-9' }), {
      status: 401,
      headers: { 'Cache-Control': 'no-store' },
    })
    expect(await problemsOf(leaked, ['rt-9'])).toContain('a refresh token leaked')
    const planted = new Response(JSON.stringify({ error: 'bad_response', message: PLANTED }), { status: 502 })
    expect(await problemsOf(planted, [])).toEqual(
      expect.arrayContaining(['an upstream detail leaked', 'cacheable']),
    )
    const crash = new Response(JSON.stringify({ error: 'server_error', message: 'x' }), {
      status: 500,
      headers: { 'Cache-Control': 'no-store' },
    })
    expect(await problemsOf(crash, [])).toEqual(expect.arrayContaining(['a 500']))
    const live = new Response(JSON.stringify({ error: 'invalid_grant', message: 'x' }), {
      status: 401,
      headers: [
        ['Cache-Control', 'no-store'],
        ['Set-Cookie', '__Host-session=abc; Max-Age=60'],
      ],
    })
    expect(await problemsOf(live, [])).toContain('an error that sets a live cookie')
  })

  for (const seed of [1, 2, 3]) {
    it(`seed ${seed}: 500 drawn requests, every answer well-formed, nothing leaked`, async () => {
      const draw = random(seed)
      const refreshTokens: string[] = []
      const gateway = createSessionGateway({
        upstream: hostileUpstream(draw, refreshTokens),
        secret: SECRET,
        timeout: 20,
        onError: (event) => {
          const line = JSON.stringify(event)
          if (line.includes(PLANTED) || refreshTokens.some((token) => line.includes(token))) {
            throw new Error('onError was given an upstream detail or a token')
          }
        },
      })
      const cookies: string[] = []
      const problems: string[] = []
      const statuses = new Map<number, number>()
      for (let i = 0; i < 500; i++) {
        const request = drawRequest(draw, cookies)
        const response = await settleWithin(gateway.handle(request), 2_000)
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1)
        for (const line of response.headers.getSetCookie()) {
          if (!/Max-Age=0/.test(line)) cookies.push(line.slice(0, line.indexOf(';')))
        }
        for (const problem of await problemsOf(response, refreshTokens)) {
          problems.push(`#${i} ${request.method} ${new URL(request.url).pathname}: ${problem}`)
        }
        if (i % 40 === 0) {
          const session = await settleWithin(gateway.session(request), 2_000)
          const line = JSON.stringify(session)
          if (refreshTokens.some((token) => line.includes(token)))
            problems.push(`#${i} session(): a token leaked`)
        }
      }
      expect(problems).toEqual([])
      // The run reached the interesting places: sign-ins, renewals, refusals, outages, CSRF.
      for (const status of [200, 401, 403, 502])
        expect(statuses.get(status) ?? 0, `status ${status}`).toBeGreaterThan(0)
      expect(refreshTokens.length).toBeGreaterThan(10)
    })
  }
})
