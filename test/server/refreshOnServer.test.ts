import { AuthError, createAuthClient, type ParsedTokenResponse } from 'react-jwt-session/core'
import { refreshOnServer } from 'react-jwt-session/server'
import { createTestToken } from 'react-jwt-session/testing'
import { afterEach, describe, expect, it, vi } from 'vitest'

const PAGE = 'https://app.example.com/dashboard?tab=1'
const COOKIE = 'rt=old-refresh-token; theme=dark'
const ROTATED = 'rt=new-refresh-token; Path=/auth; HttpOnly; Secure; SameSite=Lax'
const CSRF = 'csrf=abc; Path=/; Secure'

type FetchArgs = [input: RequestInfo | URL, init?: RequestInit]

const pageRequest = (cookie: string | null = COOKIE, url = PAGE) =>
  new Request(url, { headers: cookie === null ? {} : { Cookie: cookie, Accept: 'text/html' } })

const answer = (
  body: string | null,
  status = 200,
  setCookies: string[] = [ROTATED, CSRF],
  type = 'application/json',
) =>
  new Response(body, {
    status,
    headers: [['Content-Type', type], ...setCookies.map((c): [string, string] => ['Set-Cookie', c])],
  })

/** A fake fetch that answers with a real `Response` and records its calls. */
const fakeFetch = (respond: (...args: FetchArgs) => Response | Promise<Response>) =>
  vi.fn<(...args: FetchArgs) => Promise<Response>>(async (...args) => respond(...args))

const tokenBody = () => ({
  access_token: createTestToken({ sub: 'user-1', name: 'Ada' }, { expiresIn: 900 }),
  token_type: 'Bearer',
  expires_in: 900,
  user: { id: 'user-1', name: 'Ada' },
})

afterEach(() => {
  vi.useRealTimers()
  vi.unstubAllGlobals()
})

describe('refreshOnServer: the refresh call', () => {
  it('POSTs to the refresh endpoint with the request’s Cookie header', async () => {
    const fetch = fakeFetch(() => answer(JSON.stringify(tokenBody())))
    await refreshOnServer(pageRequest(), { refreshUrl: 'https://auth.example.com/v1/refresh', fetch })
    expect(fetch).toHaveBeenCalledTimes(1)
    const [input, init] = fetch.mock.calls[0] as FetchArgs
    expect(String(input)).toBe('https://auth.example.com/v1/refresh')
    expect(init?.method).toBe('POST')
    const headers = new Headers(init?.headers)
    expect(headers.get('Cookie')).toBe(COOKIE)
    expect(headers.get('Content-Type')).toBe('application/json')
    expect(headers.get('Accept')).toBe('application/json')
    expect(init?.body).toBe('{}')
    expect(init?.signal).toBeInstanceOf(AbortSignal)
  })

  it.each([
    ['/auth/refresh', PAGE, 'https://app.example.com/auth/refresh'],
    ['refresh', 'https://app.example.com/app/page', 'https://app.example.com/app/refresh'],
    ['../auth/refresh?x=1', 'https://app.example.com/app/page', 'https://app.example.com/auth/refresh?x=1'],
    ['//auth.example.com/refresh', PAGE, 'https://auth.example.com/refresh'],
    ['http://localhost:4000/auth/refresh', PAGE, 'http://localhost:4000/auth/refresh'],
  ])('resolves %s against %s', async (refreshUrl, pageUrl, expected) => {
    const fetch = fakeFetch(() => answer(JSON.stringify(tokenBody())))
    await refreshOnServer(pageRequest(COOKIE, pageUrl), { refreshUrl, fetch })
    expect(String(fetch.mock.calls[0]?.[0])).toBe(expected)
  })

  it('accepts a URL object as refreshUrl', async () => {
    const fetch = fakeFetch(() => answer(JSON.stringify(tokenBody())))
    await refreshOnServer(pageRequest(), { refreshUrl: new URL('https://auth.example.com/r'), fetch })
    expect(String(fetch.mock.calls[0]?.[0])).toBe('https://auth.example.com/r')
  })

  it('uses the global fetch when none is given', async () => {
    const fetch = fakeFetch(() => answer(JSON.stringify(tokenBody())))
    vi.stubGlobal('fetch', fetch)
    const result = await refreshOnServer(pageRequest(), { refreshUrl: '/auth/refresh' })
    expect(fetch).toHaveBeenCalledTimes(1)
    expect(result.error).toBeNull()
  })

  it.each([
    ['no Cookie header', null],
    ['an empty Cookie header', ''],
  ])('makes no call for a request with %s', async (_label, cookie) => {
    const fetch = fakeFetch(() => answer(JSON.stringify(tokenBody())))
    const result = await refreshOnServer(pageRequest(cookie), { refreshUrl: '/auth/refresh', fetch })
    expect(fetch).not.toHaveBeenCalled()
    expect(result.session).toBeNull()
    expect(result.setCookie).toEqual([])
    expect(result.error).toBeInstanceOf(AuthError)
    expect(result.error?.code).toBe('session_expired')
  })
})

describe('refreshOnServer: a session', () => {
  it('returns what the client reads of the token answer, every Set-Cookie header and no error', async () => {
    const { token_type: _type, ...readByTheClient } = tokenBody()
    const fetch = fakeFetch(() => answer(JSON.stringify({ ...readByTheClient, token_type: 'Bearer' })))
    const result = await refreshOnServer(pageRequest(), { refreshUrl: '/auth/refresh', fetch })
    expect(result).toStrictEqual({ session: readByTheClient, setCookie: [ROTATED, CSRF], error: null })
  })

  it('returns an empty setCookie when the server sets none', async () => {
    const fetch = fakeFetch(() => answer(JSON.stringify(tokenBody()), 200, []))
    expect((await refreshOnServer(pageRequest(), { refreshUrl: '/auth/refresh', fetch })).setCookie).toEqual(
      [],
    )
  })

  it('accepts every default shape, e.g. { data: { jwt_token, jwt_token_expiry } }', async () => {
    const body = {
      data: {
        jwt_token: createTestToken({ sub: 'u' }, { expiresIn: 600 }),
        jwt_token_expiry: new Date(Date.now() + 600_000).toISOString(),
      },
    }
    const fetch = fakeFetch(() => answer(JSON.stringify(body)))
    const result = await refreshOnServer(pageRequest(), { refreshUrl: '/auth/refresh', fetch })
    expect(result.error).toBeNull()
    expect(result.session).toStrictEqual(body)
  })

  it('checks the answer with a custom parseTokenResponse', async () => {
    const body = { result: { t: createTestToken({ sub: 'u' }), ttl: 60 } }
    const parseTokenResponse = vi.fn(
      (b: unknown): ParsedTokenResponse => ({
        accessToken: (b as typeof body).result.t,
        expiresIn: (b as typeof body).result.ttl,
      }),
    )
    const fetch = fakeFetch(() => answer(JSON.stringify(body)))
    const withParse = await refreshOnServer(pageRequest(), { refreshUrl: '/r', fetch, parseTokenResponse })
    expect(withParse.session).toStrictEqual(body)
    expect(withParse.error).toBeNull()
    expect(parseTokenResponse).toHaveBeenCalledWith(body)
    const withoutParse = await refreshOnServer(pageRequest(), { refreshUrl: '/r', fetch })
    expect(withoutParse.session).toBeNull()
    expect(withoutParse.error?.code).toBe('bad_response')
    expect(withoutParse.setCookie).toEqual([ROTATED, CSRF])
  })

  it('accepts a token from a server whose clock is hours off (the lifetime is relative)', async () => {
    const skewed = {
      access_token: createTestToken({ sub: 'u' }, { now: Date.now() - 3 * 3_600_000, expiresIn: 900 }),
    }
    const fetch = fakeFetch(() => answer(JSON.stringify(skewed)))
    expect((await refreshOnServer(pageRequest(), { refreshUrl: '/r', fetch })).error).toBeNull()
  })
})

describe('refreshOnServer: no session, never a throw', () => {
  it.each([
    [400, 'session_expired'],
    [401, 'session_expired'],
    [403, 'session_expired'],
    [408, 'server'],
    [429, 'server'],
    [500, 'server'],
    [502, 'server'],
    [503, 'server'],
  ])('%i → session null, error %s with the status, setCookie still passed on', async (status, code) => {
    const fetch = fakeFetch(() =>
      answer(JSON.stringify({ error: 'invalid_grant' }), status, ['rt=; Max-Age=0; Path=/auth']),
    )
    const result = await refreshOnServer(pageRequest(), { refreshUrl: '/auth/refresh', fetch })
    expect(result.session).toBeNull()
    expect(result.setCookie).toEqual(['rt=; Max-Age=0; Path=/auth'])
    expect(result.error).toBeInstanceOf(AuthError)
    expect(result.error?.code).toBe(code)
    expect(result.error?.status).toBe(status)
  })

  it.each([
    ['an HTML page', '<!doctype html><title>Maintenance</title>', 'text/html'],
    ['truncated JSON', '{"access_token":', 'application/json'],
    ['an empty body', '', 'application/json'],
    ['plain text', 'OK', 'text/plain'],
  ])('200 with %s → bad_response, setCookie passed on', async (_label, text, type) => {
    const fetch = fakeFetch(() => answer(text, 200, [ROTATED], type))
    const result = await refreshOnServer(pageRequest(), { refreshUrl: '/auth/refresh', fetch })
    expect(result.session).toBeNull()
    expect(result.error?.code).toBe('bad_response')
    expect(result.setCookie).toEqual([ROTATED])
  })

  it.each([
    ['null', null],
    ['an empty object', {}],
    ['an error body', { error: 'server_error' }],
    ['a bare string', 'token'],
  ])(
    '200 with JSON that is not a token response (%s) → bad_response, setCookie passed on',
    async (_label, body) => {
      const fetch = fakeFetch(() => answer(JSON.stringify(body), 200, [ROTATED]))
      const result = await refreshOnServer(pageRequest(), { refreshUrl: '/auth/refresh', fetch })
      expect(result.session).toBeNull()
      expect(result.error?.code).toBe('bad_response')
      expect(result.setCookie).toEqual([ROTATED])
    },
  )

  it.each([
    ['a token that is not a JWT', () => ({ access_token: 'opaque.value' })],
    [
      'a token with only two parts',
      () => ({ access_token: createTestToken({ sub: 'u' }).split('.').slice(0, 2).join('.') }),
    ],
    ['a token with no expiry', () => ({ access_token: createTestToken({ sub: 'u', exp: undefined }) })],
    ['expires_in 0', () => ({ access_token: createTestToken({ sub: 'u' }), expires_in: 0 })],
    ['a negative expires_in', () => ({ access_token: createTestToken({ sub: 'u' }), expires_in: -60 })],
    ['exp ≤ iat', () => ({ access_token: createTestToken({ sub: 'u' }, { expiresIn: 0 }) })],
    [
      'an absolute exp in the past',
      () => ({
        access_token: createTestToken({ sub: 'u', iat: undefined }, { now: Date.now() - 3_600_000 }),
      }),
    ],
  ])('%s → session null, bad_token, setCookie passed on', async (_label, body) => {
    const fetch = fakeFetch(() => answer(JSON.stringify(body()), 200, [ROTATED, CSRF]))
    const result = await refreshOnServer(pageRequest(), { refreshUrl: '/auth/refresh', fetch })
    expect(result.session).toBeNull()
    expect(result.error).toBeInstanceOf(AuthError)
    expect(result.error?.code).toBe('bad_token')
    // The server may have rotated the refresh token already: the browser must get the new cookie.
    expect(result.setCookie).toEqual([ROTATED, CSRF])
  })

  it('a fetch that rejects → network', async () => {
    const cause = new TypeError('fetch failed')
    const fetch = fakeFetch(() => Promise.reject(cause))
    const result = await refreshOnServer(pageRequest(), { refreshUrl: '/auth/refresh', fetch })
    expect(result.session).toBeNull()
    expect(result.setCookie).toEqual([])
    expect(result.error?.code).toBe('network')
    expect(result.error?.cause).toBe(cause)
  })

  it('a fetch that throws synchronously → network', async () => {
    const fetch = (() => {
      throw new TypeError('boom')
    }) as unknown as typeof globalThis.fetch
    const result = await refreshOnServer(pageRequest(), { refreshUrl: '/auth/refresh', fetch })
    expect(result.error?.code).toBe('network')
  })

  it('a body that fails while being read → network', async () => {
    const broken = new Response(
      new ReadableStream({
        start(controller) {
          controller.error(new TypeError('terminated'))
        },
      }),
    )
    const result = await refreshOnServer(pageRequest(), { refreshUrl: '/r', fetch: fakeFetch(() => broken) })
    expect(result.session).toBeNull()
    expect(result.error?.code).toBe('network')
  })

  it('a fetch that rejects with a TimeoutError → timeout', async () => {
    const fetch = fakeFetch(() => Promise.reject(new DOMException('timed out', 'TimeoutError')))
    expect((await refreshOnServer(pageRequest(), { refreshUrl: '/r', fetch })).error?.code).toBe('timeout')
  })

  it('a refresh server that never answers → timeout after 5 s, and the call is aborted', async () => {
    vi.useFakeTimers()
    let signal: AbortSignal | undefined
    const fetch = fakeFetch((_input, init) => {
      signal = init?.signal ?? undefined
      return new Promise<Response>(() => {})
    })
    let result: Awaited<ReturnType<typeof refreshOnServer>> | undefined
    void refreshOnServer(pageRequest(), { refreshUrl: '/auth/refresh', fetch }).then((r) => {
      result = r
    })
    await vi.advanceTimersByTimeAsync(4_999)
    expect(result).toBeUndefined()
    expect(signal?.aborted).toBe(false)
    await vi.advanceTimersByTimeAsync(1)
    expect(result?.session).toBeNull()
    expect(result?.error?.code).toBe('timeout')
    expect(signal?.aborted).toBe(true)
  })

  it('honours a custom timeout', async () => {
    vi.useFakeTimers()
    const fetch = fakeFetch(() => new Promise<Response>(() => {}))
    let result: Awaited<ReturnType<typeof refreshOnServer>> | undefined
    void refreshOnServer(pageRequest(), { refreshUrl: '/auth/refresh', fetch, timeout: 250 }).then((r) => {
      result = r
    })
    await vi.advanceTimersByTimeAsync(249)
    expect(result).toBeUndefined()
    await vi.advanceTimersByTimeAsync(1)
    expect(result?.error?.code).toBe('timeout')
  })

  it('leaves no timer behind after an answer', async () => {
    vi.useFakeTimers()
    const fetch = fakeFetch(() => answer(JSON.stringify(tokenBody())))
    await refreshOnServer(pageRequest(), { refreshUrl: '/auth/refresh', fetch })
    expect(vi.getTimerCount()).toBe(0)
  })

  it('a refreshUrl that cannot be a URL → session null, no call', async () => {
    const fetch = fakeFetch(() => answer(JSON.stringify(tokenBody())))
    const result = await refreshOnServer(pageRequest(), { refreshUrl: 'http://[::1', fetch })
    expect(fetch).not.toHaveBeenCalled()
    expect(result.session).toBeNull()
    expect(result.error).toBeInstanceOf(AuthError)
  })

  it('a custom parseTokenResponse that throws → bad_response, setCookie passed on', async () => {
    const fetch = fakeFetch(() => answer(JSON.stringify(tokenBody()), 200, [ROTATED]))
    const result = await refreshOnServer(pageRequest(), {
      refreshUrl: '/r',
      fetch,
      parseTokenResponse: () => {
        throw new Error('unexpected shape')
      },
    })
    expect(result).toMatchObject({ session: null, setCookie: [ROTATED] })
    expect(result.error?.code).toBe('bad_response')
  })

  it('never puts a token or the cookie in the error', async () => {
    const body = { access_token: createTestToken({ sub: 'u' }, { expiresIn: 0 }) }
    const fetch = fakeFetch(() => answer(JSON.stringify(body)))
    const { error } = await refreshOnServer(pageRequest(), { refreshUrl: '/r', fetch })
    const text = [error?.message, error?.stack, JSON.stringify(error), String(error?.cause)].join('\n')
    expect(text).not.toContain(body.access_token.split('.')[1])
    expect(text).not.toContain('old-refresh-token')
  })
})

describe('refreshOnServer: the rotated cookie, the page-safe session and the client’s option names', () => {
  const EXPIRING = 'rt=new-refresh-token; Path=/auth; Expires=Wed, 21 Oct 2037 07:28:00 GMT; HttpOnly; Secure'

  /** A response whose headers arrive at once and whose body never ends (or fails when `fail` is called). */
  const stalledAnswer = () => {
    let fail: (error: Error) => void = () => {}
    const response = new Response(
      new ReadableStream({
        start(controller) {
          fail = (error) => controller.error(error)
        },
      }),
      {
        status: 200,
        headers: [
          ['Set-Cookie', ROTATED],
          ['Set-Cookie', CSRF],
        ],
      },
    )
    return { response, fail: (error: Error) => fail(error) }
  }

  it('passes the rotated Set-Cookie on when the body stalls past the timeout', async () => {
    vi.useFakeTimers()
    const { response } = stalledAnswer()
    let result: Awaited<ReturnType<typeof refreshOnServer>> | undefined
    void refreshOnServer(pageRequest(), { fetch: fakeFetch(() => response), requestTimeout: 1_000 }).then(
      (r) => {
        result = r
      },
    )
    await vi.advanceTimersByTimeAsync(1_000)
    expect(result?.error?.code).toBe('timeout')
    expect(result?.session).toBeNull()
    expect(result?.setCookie).toEqual([ROTATED, CSRF])
  })

  it('passes the rotated Set-Cookie on when the body fails while being read', async () => {
    const { response, fail } = stalledAnswer()
    const pending = refreshOnServer(pageRequest(), { fetch: fakeFetch(() => response) })
    await Promise.resolve()
    fail(new TypeError('terminated'))
    const result = await pending
    expect(result.error?.code).toBe('network')
    expect(result.setCookie).toEqual([ROTATED, CSRF])
  })

  it('splits the cookies of a Headers without getSetCookie, not at the comma of an Expires date', async () => {
    const fetch = fakeFetch(() => {
      const response = answer(JSON.stringify(tokenBody()), 200, [EXPIRING, CSRF, 'theme=dark'])
      // An older runtime: only get('set-cookie'), which joins the lines with ", ".
      Object.defineProperty(response.headers, 'getSetCookie', { value: undefined })
      return response
    })
    const result = await refreshOnServer(pageRequest(), { fetch })
    expect(result.setCookie).toEqual([EXPIRING, CSRF, 'theme=dark'])
  })

  it('never hands the page a refresh token, an ID token or anything else the client does not read', async () => {
    const body = {
      ...tokenBody(),
      refresh_token: 'opaque-refresh-secret',
      id_token: 'id.token.value',
      debug: 1,
    }
    const result = await refreshOnServer(pageRequest(), {
      fetch: fakeFetch(() => answer(JSON.stringify(body))),
    })
    expect(result.session).toStrictEqual({
      access_token: body.access_token,
      expires_in: 900,
      user: body.user,
    })
    expect(JSON.stringify(result.session)).not.toContain('secret')
  })

  it('keeps the shape a custom parseTokenResponse reads, so the page’s client reads it with the same parser', async () => {
    const body = { result: { t: createTestToken({ sub: 'u' }), ttl: 60, refresh: 'opaque-refresh-secret' } }
    const parseTokenResponse = (b: unknown): ParsedTokenResponse => {
      const { result } = b as typeof body
      return { accessToken: result.t, expiresIn: result.ttl }
    }
    const fetch = fakeFetch(() => answer(JSON.stringify(body)))
    const { session } = await refreshOnServer(pageRequest(), { fetch, parseTokenResponse })
    expect(session).toStrictEqual({ result: { t: body.result.t, ttl: 60 } })
    const client = createAuthClient({ initialSession: session, parseTokenResponse, crossTab: false })
    expect(client.getState().status).toBe('authenticated')
    client.destroy()
  })

  it('takes the client’s option names: endpoints.refresh and requestTimeout', async () => {
    vi.useFakeTimers()
    const fetch = fakeFetch(() => new Promise<Response>(() => {}))
    let result: Awaited<ReturnType<typeof refreshOnServer>> | undefined
    void refreshOnServer(pageRequest(), {
      endpoints: { refresh: 'https://auth.example.com/v2/refresh' },
      requestTimeout: 300,
      fetch,
    }).then((r) => {
      result = r
    })
    await vi.advanceTimersByTimeAsync(299)
    expect(result).toBeUndefined()
    await vi.advanceTimersByTimeAsync(1)
    expect(result?.error?.code).toBe('timeout')
    expect(String(fetch.mock.calls[0]?.[0])).toBe('https://auth.example.com/v2/refresh')
  })

  it('calls the client’s transport instead of the HTTP request', async () => {
    const body = tokenBody()
    const refresh = vi.fn(async () => body)
    const fetch = fakeFetch(() => answer('{}'))
    const result = await refreshOnServer(pageRequest(), { transport: { refresh }, fetch })
    expect(refresh).toHaveBeenCalledWith({ signal: expect.any(AbortSignal) })
    expect(fetch).not.toHaveBeenCalled()
    expect(result.error).toBeNull()
    expect((result.session as { access_token: string }).access_token).toBe(body.access_token)
  })

  it('reads a refusal from the transport as the client does', async () => {
    const refresh = vi.fn(async () => {
      throw Object.assign(new Error('Unauthorized'), { status: 401 })
    })
    const result = await refreshOnServer(pageRequest(), { transport: { refresh } })
    expect(result.error?.code).toBe('session_expired')
    expect(result.session).toBeNull()
  })
})
