import { AuthError } from 'react-jwt-session/core'
import { createTestToken } from 'react-jwt-session/testing'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import {
  type AuthCall,
  createHttpTransport,
  defaultEndpoints,
  errorForStatus,
  isRefusal,
  isRevocation,
  parseRetryAfter,
  toAuthError,
} from '../../src/core/httpTransport'

// A 404 on refresh also prints a one-time configuration warning (tested in refresh.test.ts).
beforeEach(() => {
  vi.spyOn(console, 'warn').mockImplementation(() => {})
})

const json = (body: unknown, status = 200, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json', ...headers } })

const html = (status: number) =>
  new Response('<!doctype html><title>Oops</title><h1>Something went wrong</h1>', {
    status,
    headers: { 'Content-Type': 'text/html' },
  })

type FetchArgs = [input: RequestInfo | URL, init?: RequestInit]

/** A fake fetch that answers every call with `answer()` and records what it was given. */
function fakeFetch(answer: (...args: FetchArgs) => Response | Promise<Response> = () => json({ ok: true })) {
  return vi.fn<(...args: FetchArgs) => Promise<Response>>(async (...args) => answer(...args))
}

function transportWith(fetchImpl: typeof fetch, endpoints = defaultEndpoints) {
  return createHttpTransport({ endpoints, getFetch: () => fetchImpl })
}

async function rejection(promise: Promise<unknown>): Promise<AuthError> {
  try {
    await promise
  } catch (error) {
    expect(error).toBeInstanceOf(AuthError)
    return error as AuthError
  }
  throw new Error('the call did not reject')
}

const calls = {
  login: (t: ReturnType<typeof createHttpTransport>) => t.login({ username: 'ada', password: 'lovelace' }),
  refresh: (t: ReturnType<typeof createHttpTransport>) => t.refresh(),
  logout: (t: ReturnType<typeof createHttpTransport>) => t.logout({ everywhere: false }),
} satisfies Record<AuthCall, unknown>

describe('createHttpTransport: the requests', () => {
  it.each([
    [
      'login',
      (t: ReturnType<typeof createHttpTransport>) => t.login({ username: 'ada', password: 'x' }),
      '/auth/login',
      { username: 'ada', password: 'x' },
    ],
    ['refresh', (t: ReturnType<typeof createHttpTransport>) => t.refresh(), '/auth/refresh', {}],
    [
      'logout',
      (t: ReturnType<typeof createHttpTransport>) => t.logout({ everywhere: false }),
      '/auth/logout',
      {},
    ],
    [
      'logout everywhere',
      (t: ReturnType<typeof createHttpTransport>) => t.logout({ everywhere: true }),
      '/auth/logout-all',
      {},
    ],
  ])('%s: POST JSON with credentials: "include" to the default endpoint', async (_label, run, url, body) => {
    const fetchImpl = fakeFetch()
    await run(transportWith(fetchImpl))
    expect(fetchImpl).toHaveBeenCalledTimes(1)
    const [input, init] = fetchImpl.mock.calls[0] as FetchArgs
    expect(input).toBe(url)
    expect(init?.method).toBe('POST')
    expect(init?.credentials).toBe('include')
    const headers = new Headers(init?.headers)
    expect(headers.get('Content-Type')).toBe('application/json')
    expect(headers.get('Accept')).toBe('application/json')
    expect(JSON.parse(String(init?.body))).toEqual(body)
    expect(init?.signal).toBeUndefined()
  })

  it('uses custom endpoints, absolute or relative', async () => {
    const fetchImpl = fakeFetch()
    const t = transportWith(fetchImpl, {
      login: 'https://auth.example.com/v1/session',
      refresh: 'https://auth.example.com/v1/session/renew',
      logout: '/api/signout',
      logoutEverywhere: '/api/signout?all=1',
    })
    await t.login({ email: 'a@b.c', password: 'p' })
    await t.refresh()
    await t.logout({ everywhere: false })
    await t.logout({ everywhere: true })
    expect(fetchImpl.mock.calls.map(([input]) => input)).toEqual([
      'https://auth.example.com/v1/session',
      'https://auth.example.com/v1/session/renew',
      '/api/signout',
      '/api/signout?all=1',
    ])
    for (const [, init] of fetchImpl.mock.calls) {
      expect(init?.method).toBe('POST')
      expect(init?.credentials).toBe('include')
      expect(new Headers(init?.headers).get('Content-Type')).toBe('application/json')
    }
    expect(JSON.parse(String(fetchImpl.mock.calls[0]?.[1]?.body))).toEqual({ email: 'a@b.c', password: 'p' })
  })

  it('passes the signal of the call context on', async () => {
    const fetchImpl = fakeFetch()
    const t = transportWith(fetchImpl)
    const controller = new AbortController()
    await t.refresh({ signal: controller.signal })
    await t.login({}, { signal: controller.signal })
    await t.logout({ everywhere: true }, { signal: controller.signal })
    for (const [, init] of fetchImpl.mock.calls) expect(init?.signal).toBe(controller.signal)
  })

  it('looks the fetch up at call time', async () => {
    const first = fakeFetch()
    const second = fakeFetch()
    let current: typeof fetch = first
    const t = createHttpTransport({ endpoints: defaultEndpoints, getFetch: () => current })
    await t.refresh()
    current = second
    await t.refresh()
    expect(first).toHaveBeenCalledTimes(1)
    expect(second).toHaveBeenCalledTimes(1)
  })
})

describe('createHttpTransport: the answers', () => {
  it('resolves with the parsed JSON body', async () => {
    const token = createTestToken({ sub: 'u' })
    const body = { access_token: token, expires_in: 900, user: { id: 1 } }
    await expect(transportWith(fakeFetch(() => json(body))).refresh()).resolves.toEqual(body)
  })

  it('resolves with null for an empty 200 or a 204', async () => {
    await expect(
      transportWith(fakeFetch(() => new Response('', { status: 200 }))).logout({ everywhere: false }),
    ).resolves.toBeNull()
    await expect(
      transportWith(fakeFetch(() => new Response(null, { status: 204 }))).logout({ everywhere: false }),
    ).resolves.toBeNull()
  })

  it.each(['login', 'refresh', 'logout'] as const)(
    '%s: 200 with an HTML body → bad_response',
    async (call) => {
      const error = await rejection(calls[call](transportWith(fakeFetch(() => html(200)))))
      expect(error.code).toBe('bad_response')
      expect(error.status).toBe(200)
      expect(error.message).toBe(`The ${call} answer is not JSON (an HTML error page?).`)
    },
  )

  it('200 with truncated JSON → bad_response', async () => {
    const error = await rejection(transportWith(fakeFetch(() => new Response('{"access_token":'))).refresh())
    expect(error.code).toBe('bad_response')
  })

  it.each([400, 401, 403, 404, 409, 410, 422])(
    '%i → invalid_credentials for login, session_expired for refresh and logout',
    async (status) => {
      const body = { error: 'invalid_grant' }
      const fetchImpl = fakeFetch(() => json(body, status))
      const login = await rejection(calls.login(transportWith(fetchImpl)))
      expect(login.code).toBe('invalid_credentials')
      expect(login.status).toBe(status)
      expect(login.cause).toEqual(body)
      for (const call of ['refresh', 'logout'] as const) {
        const error = await rejection(calls[call](transportWith(fetchImpl)))
        expect(error.code).toBe('session_expired')
        expect(error.status).toBe(status)
        expect(error.cause).toEqual(body)
      }
    },
  )

  it.each([408, 429, 500, 502, 503, 504])('%i → server with the status, for every call', async (status) => {
    for (const call of ['login', 'refresh', 'logout'] as const) {
      const error = await rejection(
        calls[call](transportWith(fakeFetch(() => json({ error: 'busy' }, status)))),
      )
      expect(error.code).toBe('server')
      expect(error.status).toBe(status)
      expect(error.message).toBe(`The auth server answered ${status} to the ${call} call.`)
      expect(error.cause).toEqual({ error: 'busy' })
    }
  })

  it('an error answer with an HTML or empty body has no cause', async () => {
    const fromHtml = await rejection(transportWith(fakeFetch(() => html(502))).refresh())
    expect(fromHtml.code).toBe('server')
    expect(fromHtml.status).toBe(502)
    expect(fromHtml.cause).toBeUndefined()
    const fromEmpty = await rejection(
      transportWith(fakeFetch(() => new Response(null, { status: 401 }))).refresh(),
    )
    expect(fromEmpty.code).toBe('session_expired')
    expect(fromEmpty.cause).toBeUndefined()
    const fromHtml401 = await rejection(transportWith(fakeFetch(() => html(401))).login({}))
    expect(fromHtml401.code).toBe('invalid_credentials')
  })

  it('a revocation answer can be told apart from a plain refusal', async () => {
    const reused = await rejection(
      transportWith(fakeFetch(() => json({ error: 'token_reused' }, 401))).refresh(),
    )
    expect(isRefusal(reused)).toBe(true)
    expect(isRevocation(reused)).toBe(true)
    const expired = await rejection(
      transportWith(fakeFetch(() => json({ error: 'invalid_grant' }, 401))).refresh(),
    )
    expect(isRefusal(expired)).toBe(true)
    expect(isRevocation(expired)).toBe(false)
  })
})

describe('createHttpTransport: Retry-After and the error body', () => {
  const at = Date.UTC(2030, 0, 1, 12, 0, 0)
  beforeEach(() => {
    vi.useFakeTimers({ now: at, toFake: ['Date'] })
    return () => vi.useRealTimers()
  })

  it.each([
    [429, '120', 120],
    [503, '0', 0],
    [503, ' 30 ', 30],
    [429, new Date(at + 90_000).toUTCString(), 90],
    [503, new Date(at + 1_500).toUTCString(), 1],
    [429, new Date(at - 60_000).toUTCString(), 0],
    [429, 'soon', undefined],
    [503, '', undefined],
  ] as const)('%i with Retry-After %j → retryAfter %s', async (status, header, seconds) => {
    const fetchImpl = fakeFetch(() => json({ error: 'busy' }, status, { 'Retry-After': header }))
    const error = await rejection(transportWith(fetchImpl).login({ username: 'ada', password: 'x' }))
    expect(error.code).toBe('server')
    expect(error.retryAfter).toBe(seconds)
    expect('retryAfter' in error).toBe(seconds !== undefined)
  })

  it('reads Retry-After only on a 429 or 503', async () => {
    for (const status of [401, 408, 500, 502]) {
      const fetchImpl = fakeFetch(() => json({ error: 'x' }, status, { 'Retry-After': '10' }))
      const error = await rejection(transportWith(fetchImpl).refresh())
      expect([error.status, error.retryAfter]).toEqual([status, undefined])
    }
    const error = await rejection(transportWith(fakeFetch(() => json({ error: 'busy' }, 429))).refresh())
    expect(error.retryAfter).toBeUndefined()
  })

  it('puts the parsed JSON error body in details, with every token-shaped string removed', async () => {
    const token = createTestToken({ sub: 'user-ada' }, { expiresIn: 60 })
    const body = {
      error: 'too_many_attempts',
      message: 'Slow down.',
      debug: { echoed: `Bearer ${token}`, list: [token, 'kept'] },
    }
    const fetchImpl = fakeFetch(() => json(body, 429, { 'Retry-After': '5' }))
    const error = await rejection(transportWith(fetchImpl).login({ username: 'ada', password: 'x' }))
    expect(error.details).toEqual({
      error: 'too_many_attempts',
      message: 'Slow down.',
      debug: { echoed: 'Bearer [token]', list: ['[token]', 'kept'] },
    })
    expect(error.cause).toEqual(error.details)
    const everything = [
      error.message,
      error.stack,
      JSON.stringify(error.details),
      JSON.stringify(error.cause),
    ]
    expect(everything.join('\n')).not.toContain(token.split('.')[1])
  })

  it('an HTML or empty error body has no details', async () => {
    const fromHtml = await rejection(transportWith(fakeFetch(() => html(503))).refresh())
    expect(fromHtml.details).toBeUndefined()
    expect('details' in fromHtml).toBe(false)
  })
})

describe('parseRetryAfter', () => {
  it('reads delay-seconds and HTTP dates; anything else, or nothing, is undefined', () => {
    const now = Date.now()
    expect(parseRetryAfter('42')).toBe(42)
    expect(parseRetryAfter('0')).toBe(0)
    const inTwoMinutes = parseRetryAfter(new Date(now + 120_000).toUTCString())
    // An HTTP date has whole seconds: 119 or 120 s from now, depending on where in the second `now` falls.
    expect(inTwoMinutes === 119 || inTwoMinutes === 120).toBe(true)
    expect(parseRetryAfter(new Date(now - 5_000).toUTCString())).toBe(0)
    expect(parseRetryAfter(null)).toBeUndefined()
    expect(parseRetryAfter('')).toBeUndefined()
    expect(parseRetryAfter('later')).toBeUndefined()
  })
})

describe('createHttpTransport: failures to answer', () => {
  it('a fetch that rejects → network, with the cause', async () => {
    const cause = new TypeError('Failed to fetch')
    for (const call of ['login', 'refresh', 'logout'] as const) {
      const error = await rejection(calls[call](transportWith(fakeFetch(() => Promise.reject(cause)))))
      expect(error.code).toBe('network')
      expect(error.status).toBeUndefined()
      expect(error.cause).toBe(cause)
    }
  })

  it('a fetch that throws synchronously → network', async () => {
    const cause = new TypeError('Invalid URL')
    const fetchImpl = (() => {
      throw cause
    }) as unknown as typeof fetch
    const error = await rejection(transportWith(fetchImpl).refresh())
    expect(error.code).toBe('network')
    expect(error.cause).toBe(cause)
  })

  it('a body that fails while being read → network', async () => {
    const broken = new Response(
      new ReadableStream({
        start(controller) {
          controller.error(new TypeError('terminated'))
        },
      }),
    )
    const error = await rejection(transportWith(fakeFetch(() => broken)).refresh())
    expect(error.code).toBe('network')
  })

  it('an aborted signal → timeout', async () => {
    // Like a real fetch: rejects with an AbortError once the signal aborts.
    const fetchImpl = fakeFetch(
      (_input, init) =>
        new Promise<Response>((_resolve, reject) => {
          init?.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')))
        }),
    )
    const controller = new AbortController()
    const pending = transportWith(fetchImpl).refresh({ signal: controller.signal })
    controller.abort()
    const error = await rejection(pending)
    expect(error.code).toBe('timeout')
    expect(error.status).toBeUndefined()
  })

  it('an aborted signal → timeout even when the fetch rejects with something else', async () => {
    const controller = new AbortController()
    controller.abort()
    const error = await rejection(
      transportWith(fakeFetch(() => Promise.reject(new TypeError('Failed to fetch')))).login(
        {},
        { signal: controller.signal },
      ),
    )
    expect(error.code).toBe('timeout')
  })

  it('a signal aborted while the body is read → timeout', async () => {
    const controller = new AbortController()
    const stream = new ReadableStream({
      start(c) {
        controller.signal.addEventListener('abort', () => c.error(new DOMException('aborted', 'AbortError')))
      },
    })
    const pending = transportWith(fakeFetch(() => new Response(stream))).refresh({
      signal: controller.signal,
    })
    await Promise.resolve()
    controller.abort()
    expect((await rejection(pending)).code).toBe('timeout')
  })

  it('a fetch that rejects with a TimeoutError of its own → timeout', async () => {
    const error = await rejection(
      transportWith(fakeFetch(() => Promise.reject(new DOMException('timed out', 'TimeoutError')))).refresh(),
    )
    expect(error.code).toBe('timeout')
  })
})

describe('errorForStatus', () => {
  it.each([
    [400, 'login', 'invalid_credentials'],
    [401, 'login', 'invalid_credentials'],
    [403, 'login', 'invalid_credentials'],
    [404, 'login', 'invalid_credentials'],
    [499, 'login', 'invalid_credentials'],
    [400, 'refresh', 'session_expired'],
    [401, 'refresh', 'session_expired'],
    [403, 'refresh', 'session_expired'],
    [404, 'refresh', 'session_expired'],
    [401, 'logout', 'session_expired'],
    [408, 'login', 'server'],
    [408, 'refresh', 'server'],
    [429, 'login', 'server'],
    [429, 'refresh', 'server'],
    [500, 'login', 'server'],
    [500, 'refresh', 'server'],
    [502, 'refresh', 'server'],
    [503, 'refresh', 'server'],
    [599, 'refresh', 'server'],
    [200, 'refresh', 'bad_response'],
    [204, 'login', 'bad_response'],
    [302, 'refresh', 'bad_response'],
    [0, 'refresh', 'bad_response'],
  ] as const)('%i on %s → %s, with the status', (status, call, code) => {
    const cause = { error: 'x' }
    const error = errorForStatus(status, call, cause)
    expect(error).toBeInstanceOf(AuthError)
    expect(error.code).toBe(code)
    expect(error.status).toBe(status)
    expect(error.cause).toBe(cause)
  })

  it('has no cause when none is given', () => {
    expect(errorForStatus(500, 'refresh').cause).toBeUndefined()
    expect('cause' in errorForStatus(500, 'refresh')).toBe(false)
  })
})

describe('toAuthError (what a custom transport throws)', () => {
  it('passes an AuthError through as the same object', () => {
    for (const code of ['session_expired', 'invalid_credentials', 'network', 'bad_token'] as const) {
      const error = new AuthError(code)
      expect(toAuthError(error, 'refresh')).toBe(error)
    }
  })

  it.each([
    [{ status: 401 }, 'refresh', 'session_expired', 401],
    [{ status: 401 }, 'login', 'invalid_credentials', 401],
    [{ status: 403 }, 'refresh', 'session_expired', 403],
    [{ status: 400, message: 'invalid_grant' }, 'refresh', 'session_expired', 400],
    [{ status: 429 }, 'refresh', 'server', 429],
    [{ status: 503 }, 'login', 'server', 503],
    [{ response: { status: 401 } }, 'refresh', 'session_expired', 401],
    [{ response: { status: 401 } }, 'login', 'invalid_credentials', 401],
    [{ response: { status: 500 } }, 'refresh', 'server', 500],
    [{ response: { status: 408 } }, 'refresh', 'server', 408],
    [{ status: 401, response: { status: 500 } }, 'refresh', 'session_expired', 401],
  ] as const)('%j on %s → %s', (thrown, call, code, status) => {
    const error = toAuthError(thrown, call)
    expect(error.code).toBe(code)
    expect(error.status).toBe(status)
    expect(error.cause).toBe(thrown)
  })

  it('maps an Error subclass that carries a status (an SDK or axios error)', () => {
    class HttpError extends Error {
      constructor(readonly status: number) {
        super(`HTTP ${status}`)
      }
    }
    expect(toAuthError(new HttpError(401), 'refresh').code).toBe('session_expired')
    const axiosLike = Object.assign(new Error('Request failed with status code 403'), {
      isAxiosError: true,
      response: { status: 403, data: { error: 'forbidden' } },
    })
    expect(toAuthError(axiosLike, 'refresh').code).toBe('session_expired')
    expect(toAuthError(axiosLike, 'refresh').status).toBe(403)
  })

  it.each([
    ['a DOMException TimeoutError', () => new DOMException('timed out', 'TimeoutError')],
    ['a DOMException AbortError', () => new DOMException('aborted', 'AbortError')],
    ['the reason of AbortSignal.abort()', () => AbortSignal.abort().reason],
    ['an Error named TimeoutError', () => Object.assign(new Error('t'), { name: 'TimeoutError' })],
    ['a plain object named AbortError', () => ({ name: 'AbortError', message: 'x' })],
  ])('%s → timeout', (_label, make) => {
    const thrown = make()
    const error = toAuthError(thrown, 'refresh')
    expect(error.code).toBe('timeout')
    expect(error.cause).toBe(thrown)
    expect(error.status).toBeUndefined()
  })

  it.each([
    ['a TypeError', new TypeError('Failed to fetch')],
    ['an Error', new Error('GraphQL error: boom')],
    ['a DOMException NetworkError', new DOMException('x', 'NetworkError')],
    ['a string', 'boom'],
    ['a number', 42],
    ['null', null],
    ['undefined', undefined],
    ['an object without status', { message: 'nope' }],
    ['a status that is a string', { status: '401' }],
    ['a response without a status', { response: {} }],
    ['a null response', { response: null }],
  ])('%s → network', (_label, thrown) => {
    const error = toAuthError(thrown, 'refresh')
    expect(error.code).toBe('network')
    expect(error.status).toBeUndefined()
    expect(error.cause).toBe(thrown)
  })
})

describe('isRefusal', () => {
  it.each([
    ['session_expired', true],
    ['invalid_credentials', true],
    ['network', false],
    ['timeout', false],
    ['server', false],
    ['bad_response', false],
    ['bad_token', false],
  ] as const)('%s → %s', (code, refused) => {
    expect(isRefusal(new AuthError(code))).toBe(refused)
  })
})

describe('isRevocation', () => {
  it.each([
    [{ error: 'token_reused' }, true],
    [{ error: 'token_revoked' }, true],
    [{ code: 'TOKEN_REVOKED' }, true],
    [{ error: 'refresh_token_reuse_detected' }, true],
    ['revoked', true],
    [{ error: 'invalid_grant' }, false],
    [{ error: 'no_refresh_cookie' }, false],
    [{ error: 42 }, false],
    [{}, false],
    [undefined, false],
  ])('cause %j → %s', (cause, revoked) => {
    expect(isRevocation(new AuthError('session_expired', undefined, { status: 401, cause }))).toBe(revoked)
  })

  it('works on what errorForStatus and toAuthError build', () => {
    expect(isRevocation(errorForStatus(401, 'refresh', { error: 'token_reused' }))).toBe(true)
    expect(isRevocation(toAuthError({ status: 401, error: 'token_revoked' }, 'refresh'))).toBe(true)
    expect(isRevocation(errorForStatus(401, 'refresh'))).toBe(false)
  })
})
