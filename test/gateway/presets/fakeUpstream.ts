import { type AuthError, isAuthError } from 'react-jwt-session/core'
import type { UpstreamContext } from 'react-jwt-session/gateway'
import { createTestToken } from 'react-jwt-session/testing'
import { expect } from 'vitest'

/** One request as the upstream received it. */
export interface Sent {
  method: string
  url: URL
  headers: Headers
  body: string
  /** The body parsed as JSON, or as a form, whichever its content type says. */
  data: unknown
}

type Answer = Response | 'network' | 'hang' | ((sent: Sent) => Response)

/** A scripted upstream: answers in order, records every request. */
export function fakeUpstream() {
  const sent: Sent[] = []
  const answers: Answer[] = []
  const fetch = async (input: RequestInfo | URL, init: RequestInit = {}): Promise<Response> => {
    const request = new Request(input, init)
    const body = await request.text()
    const type = request.headers.get('Content-Type') ?? ''
    const data = type.includes('json')
      ? JSON.parse(body)
      : type.includes('form')
        ? Object.fromEntries(new URLSearchParams(body))
        : body
    const record = { method: request.method, url: new URL(request.url), headers: request.headers, body, data }
    sent.push(record)
    const answer = answers.shift()
    if (answer === undefined)
      throw new Error(`the fake upstream has no answer for ${request.method} ${request.url}`)
    if (answer === 'network') throw new TypeError('fetch failed')
    if (answer === 'hang') {
      return new Promise((_, reject) => {
        // As a real fetch: a signal aborted already rejects at once, a later abort when it happens.
        if (init.signal?.aborted) reject(init.signal.reason)
        init.signal?.addEventListener('abort', () => reject(init.signal?.reason))
      })
    }
    return typeof answer === 'function' ? answer(record) : answer
  }
  return {
    fetch: fetch as typeof globalThis.fetch,
    sent,
    answer(...next: Answer[]) {
      answers.push(...next)
    },
    /** A context as the gateway hands it to an adapter; `abort()` plays the gateway's timeout. */
    context(): UpstreamContext & { abort(): void } {
      const controller = new AbortController()
      return {
        fetch: fetch as typeof globalThis.fetch,
        signal: controller.signal,
        request: new Request('https://app.example/auth/refresh', { method: 'POST' }),
        origin: 'https://app.example',
        basePath: '/auth',
        abort: () => controller.abort(new DOMException('The gateway timed out', 'TimeoutError')),
      }
    },
  }
}

export const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json', ...headers } })

/** The error `promise` rejects with, checked to be an `AuthError` whose message holds none of `secrets`. */
export async function failure(promise: Promise<unknown>, secrets: string[] = []): Promise<AuthError> {
  const error = await promise.then(
    () => {
      throw new Error('expected a rejection')
    },
    (e: unknown) => e,
  )
  if (!isAuthError(error)) throw error
  for (const secret of secrets) {
    expect(error.message).not.toContain(secret)
    expect(JSON.stringify(error.details ?? null)).not.toContain(secret)
    expect(String(error.cause ?? '')).not.toContain(secret)
  }
  return error
}

/**
 * The upstream-in-trouble matrix every preset shares: run `call` against each bad answer and check the error code.
 * `secrets` are the tokens the call carries, and a token planted in each answer's body: none may reach an error.
 */
export async function expectTroubleMatrix(
  call: (ctx: UpstreamContext) => Promise<unknown>,
  secrets: string[],
): Promise<void> {
  const planted = createTestToken({ sub: 'planted' })
  const cases: Array<[string, Answer, Partial<AuthError>]> = [
    ['500 JSON', json(500, { detail: planted }), { code: 'server', status: 500 }],
    [
      '502 HTML page',
      new Response(`<html>${planted}</html>`, { status: 502 }),
      { code: 'server', status: 502 },
    ],
    [
      '503 Retry-After',
      json(503, { error: planted }, { 'Retry-After': '7' }),
      { code: 'server', retryAfter: 7 },
    ],
    [
      '429 Retry-After',
      json(429, { error: planted }, { 'Retry-After': '30' }),
      { code: 'server', status: 429, retryAfter: 30 },
    ],
    [
      '200 HTML page',
      new Response(`<!doctype html><p>${planted}</p>`, { status: 200 }),
      { code: 'bad_response' },
    ],
    ['200 over 1 MB', new Response(`"${'x'.repeat(1_100_000)}"`, { status: 200 }), { code: 'bad_response' }],
    ['200 JSON without a token', json(200, { detail: planted }), { code: 'bad_response' }],
    ['network failure', 'network', { code: 'network' }],
  ]
  for (const [name, answer, expected] of cases) {
    const upstream = fakeUpstream()
    upstream.answer(answer)
    const error = await failure(call(upstream.context()), [...secrets, planted])
    expect({ case: name, ...pickKeys(error, Object.keys(expected)) }).toEqual({ case: name, ...expected })
  }
  const upstream = fakeUpstream()
  upstream.answer('hang')
  const ctx = upstream.context()
  const pending = call(ctx)
  ctx.abort()
  expect((await failure(pending, secrets)).code).toBe('timeout')
}

const pickKeys = (error: AuthError, keys: string[]) =>
  Object.fromEntries(keys.map((key) => [key, (error as unknown as Record<string, unknown>)[key]]))
