// @vitest-environment node
// Hostile upstreams (STYLE 7f): every preset against seeded random answers — statuses, HTML, truncated and
// deep JSON, wrong types, control characters, huge strings, tokens planted in error bodies. Whatever comes
// back, a preset either returns tokens the gateway can use or throws an AuthError with a known code, and no
// planted token ever reaches an error. The oracle is checked against outcomes it must reject (the control).
import { type AuthError, isAuthError } from 'react-jwt-session/core'
import type { UpstreamAdapter, UpstreamTokens } from 'react-jwt-session/gateway'
import { aspnetIdentity } from 'react-jwt-session/gateway/aspnetIdentity'
import { directus } from 'react-jwt-session/gateway/directus'
import { firebase } from 'react-jwt-session/gateway/firebase'
import { nhost } from 'react-jwt-session/gateway/nhost'
import { oauth2 } from 'react-jwt-session/gateway/oauth2'
import { simplejwt } from 'react-jwt-session/gateway/simplejwt'
import { supabase } from 'react-jwt-session/gateway/supabase'
import { createTestToken } from 'react-jwt-session/testing'
import { describe, expect, it } from 'vitest'
import { mulberry32 as random } from '../../fuzz/prng'
import { fakeUpstream } from './fakeUpstream'

const PLANTED = createTestToken({ sub: 'fuzz' })
const CODES = new Set([
  'invalid_credentials',
  'session_expired',
  'network',
  'timeout',
  'server',
  'bad_response',
])

const presets: Array<[string, UpstreamAdapter]> = [
  ['simplejwt', simplejwt({ url: 'https://api.example' })],
  [
    'oauth2',
    oauth2({
      tokenEndpoint: 'https://id.example/token',
      revocationEndpoint: 'https://id.example/revoke',
      clientId: 'c',
    }),
  ],
  ['supabase', supabase({ url: 'https://p.supabase.co', apiKey: 'k' })],
  ['firebase', firebase({ apiKey: 'k' })],
  ['directus', directus({ url: 'https://cms.example' })],
  ['nhost', nhost({ authUrl: 'https://auth.example/v1' })],
  ['aspnetIdentity', aspnetIdentity({ url: 'https://api.example' })],
]

function drawAnswer(rand: () => number): Response | 'network' {
  const one = <T>(items: T[]): T => items[Math.floor(rand() * items.length)] as T
  const value = (): unknown =>
    one<() => unknown>([
      () => PLANTED,
      () => `a\u0000b\nc`,
      () => 'x'.repeat(Math.floor(rand() * 40_000)),
      () => Math.floor(rand() * 1e6) - 5,
      () => -1,
      () => '3600',
      () => null,
      () => true,
      () => [PLANTED],
      () => ({ nested: PLANTED }),
      () => 'opaque-token-value',
    ])()
  const fields = [
    'access',
    'refresh',
    'access_token',
    'refresh_token',
    'expires_in',
    'idToken',
    'id_token',
    'refreshToken',
    'expiresIn',
    'accessToken',
    'accessTokenExpiresIn',
    'user',
    'error',
    'detail',
    'code',
    'message',
    'error_code',
  ]
  const object = () => Object.fromEntries(fields.filter(() => rand() < 0.4).map((f) => [f, value()]))
  const status = one([200, 200, 200, 201, 204, 400, 401, 403, 404, 408, 409, 429, 500, 502, 503])
  const body = one<() => string>([
    () => JSON.stringify(object()),
    () =>
      JSON.stringify({
        data: object(),
        session: object(),
        error: object(),
        errors: [{ extensions: object() }],
      }),
    () => `<html><body>${PLANTED}</body></html>`,
    () => JSON.stringify(object()).slice(0, Math.floor(rand() * 30)),
    () => `${'['.repeat(5000)}${']'.repeat(5000)}`,
    () => '',
    () => JSON.stringify(PLANTED),
  ])()
  if (rand() < 0.05) return 'network'
  const headers: Record<string, string> = { 'Content-Type': rand() < 0.8 ? 'application/json' : 'text/html' }
  if (rand() < 0.3)
    headers['Retry-After'] = one(['5', '-3', 'Infinity', 'Wed, 21 Oct 2015 07:28:00 GMT', 'soon'])
  return new Response(status === 204 ? null : body, { status, headers })
}

/** Why `outcome` is not acceptable, or `null`: the oracle the fuzz applies to every call. */
function flaw(outcome: { tokens?: UpstreamTokens; error?: unknown }): string | null {
  if ('error' in outcome) {
    const error = outcome.error as AuthError
    if (!isAuthError(error)) return `threw a non-AuthError: ${String(error)}`
    if (!CODES.has(error.code)) return `unknown code ${error.code}`
    const said = `${error.message} ${JSON.stringify(error.details ?? null)} ${String(error.cause ?? '')}`
    if (said.includes(PLANTED) || said.includes('fuzz-planted')) return 'a planted token reached the error'
    if (error.retryAfter !== undefined && !(Number.isFinite(error.retryAfter) && error.retryAfter >= 0)) {
      return `retryAfter ${error.retryAfter}`
    }
    return null
  }
  const tokens = outcome.tokens as UpstreamTokens
  for (const key of ['accessToken', 'refreshToken', 'idToken'] as const) {
    const token = tokens[key]
    if (key !== 'accessToken' && token === undefined) continue
    if (typeof token !== 'string' || !/^[\x21-\x7e]{1,16384}$/.test(token))
      return `${key} is not a usable token`
  }
  for (const key of ['expiresIn', 'refreshExpiresIn'] as const) {
    const n = tokens[key]
    if (n !== undefined && !Number.isFinite(n)) return `${key} is ${n}`
  }
  return null
}

describe('presets against hostile upstreams', () => {
  it('the oracle rejects what it must (control)', () => {
    expect(flaw({ error: new Error('plain') })).toMatch(/non-AuthError/)
    const leaky = Object.assign(new Error(`bad ${PLANTED}`), { code: 'server' })
    Object.defineProperty(leaky, Symbol.for('react-jwt-session.AuthError'), { get: () => true })
    expect(flaw({ error: leaky })).toMatch(/planted/)
    expect(flaw({ tokens: { accessToken: 'a\nb' } })).toMatch(/accessToken/)
    expect(flaw({ tokens: { accessToken: 'ok', refreshToken: 42 as unknown as string } })).toMatch(
      /refreshToken/,
    )
    expect(flaw({ tokens: { accessToken: 'ok', expiresIn: Number.NaN } })).toMatch(/expiresIn/)
    expect(flaw({ tokens: { accessToken: 'ok', refreshToken: 'r', expiresIn: 60 } })).toBeNull()
  })

  it('700 seeded answers per preset: usable tokens or a known AuthError, never a leak', async () => {
    const failures: string[] = []
    for (const [name, adapter] of presets) {
      for (let seed = 1; seed <= 700; seed += 1) {
        const rand = random(seed * 7919)
        const upstream = fakeUpstream()
        // Enough answers for the longest call (aspnetIdentity's /manage/info, supabase's logout renewal).
        upstream.answer(drawAnswer(rand), drawAnswer(rand), drawAnswer(rand))
        const ctx = upstream.context()
        const call = seed % 3
        const outcome = await (call === 0
          ? adapter.login({ username: 'u', email: 'u@example.com', password: 'p' }, ctx)
          : call === 1
            ? adapter.refresh('sealed-refresh-token', ctx)
            : (adapter.logout?.('sealed-refresh-token', { everywhere: seed % 2 === 0 }, ctx) ??
              Promise.resolve())
        ).then(
          (tokens) => (call === 2 ? null : { tokens: tokens as UpstreamTokens }),
          (error: unknown) => ({ error }),
        )
        const problem = outcome && flaw(outcome)
        if (problem) failures.push(`${name} seed ${seed} call ${call}: ${problem}`)
      }
    }
    expect(failures.slice(0, 10)).toEqual([])
  }, 60_000)
})
