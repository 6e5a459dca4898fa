import type { Rng } from './prng'
import { type DrawnToken, drawToken } from './tokens'

// The auth server of one fuzzed browser. Every answer is drawn: documented token shapes, refusals, passing
// failures with and without `Retry-After`, HTML pages, empty, huge and deeply nested bodies, tokens with
// garbage in them, hangs and network errors. It keeps one thing a real server keeps, the refresh cookie
// (shared by the tabs of the browser): a refresh succeeds only while there is one, a processed logout clears
// it, a login sets it to its user. So a session that comes back after a logout can only come from the client.

export const ORIGIN = 'http://localhost:3000'
export const API_ORIGIN = 'https://api.example.com'
export const FOREIGN_ORIGIN = 'https://elsewhere.example'

export type RequestKind = 'login' | 'refresh' | 'logout' | 'api' | 'foreign'
/** What the answer means by the contract. `malformed` is a 2xx the client must refuse to adopt. */
export type Category = 'ok' | 'refusal' | 'transient' | 'malformed' | 'network' | 'hang'

export interface RequestRecord {
  kind: RequestKind
  /** The global step counter when the request arrived. */
  seq: number
  /** Virtual ms when it arrived. */
  at: number
  category: Category
  status?: number | undefined
  /** Seconds of a parseable `Retry-After` header sent with the answer. */
  retryAfter?: number | undefined
  /** The `Retry-After` was an HTTP date (the seconds count from when it was sent). */
  retryAfterIsDate?: boolean
  /** The token of a successful answer. */
  token?: DrawnToken | undefined
  /** Set when the client got the answer (or the network error), or `aborted` when it gave up first. */
  settled?: 'delivered' | 'aborted'
  note: string
  authorization: string | null
}

export interface Caller {
  label: string
  onRequest(record: RequestRecord): void
  onSettled(record: RequestRecord): void
}

export interface IssuedToken extends DrawnToken {
  /** The step counter when the request that produced it arrived (or the `setSession` call). */
  seq: number
  index: number
}

const users: Record<string, string> = { ada: 'user-ada', bob: 'user-bob' }
const passwords: Record<string, string> = { ada: 'lovelace', bob: 'builder' }

/** Errors this server throws, so a test can tell a real network failure from a crash reported as one. */
export const serverThrown = new WeakSet<object>()

const deepJson = (depth: number, leaf = '1') => `${'{"a":'.repeat(depth)}${leaf}${'}'.repeat(depth)}`

export class FuzzServer {
  /** The refresh cookie of the browser: whose session it carries, if any. */
  cookie: { sub: string } | null = null
  /** Every token this server ever sent, in an answer or inside an error body. */
  readonly tokens = new Map<string, IssuedToken>()
  readonly requests: RequestRecord[] = []

  constructor(
    private readonly rng: Rng,
    private readonly clock: { seq(): number; virtual(): number; trace(line: string): void },
  ) {}

  issue(drawn: DrawnToken, seq = this.clock.seq()): IssuedToken {
    const issued = { ...drawn, seq, index: this.tokens.size + 1 }
    this.tokens.set(drawn.token, issued)
    return issued
  }

  /** A well-formed token for `sub` (for error bodies and `setSession`). */
  token(sub: string, { allowGarbage = false, lifetime = 900 } = {}): IssuedToken {
    const iat = Math.floor(Date.now() / 1000)
    return this.issue(drawToken(this.rng, { sub, name: sub, iat, exp: iat + lifetime }, { allowGarbage }))
  }

  /** A 2xx token answer for `sub`, in any documented shape, with a drawn lifetime (valid or not). */
  tokenBody(sub: string): { body: string; token: IssuedToken; note: string } {
    const rng = this.rng
    const iat = Math.floor(Date.now() / 1000)
    const lifetimeKind = rng.weighted({
      normal: 70,
      short: 8,
      long: 4,
      subsecond: 2,
      tiny: 2,
      zero: 2,
      negative: 2,
      expiredClaims: 3,
      noExpiry: 2,
    })
    const lifetime = {
      normal: rng.int(60, 900),
      short: rng.int(2, 30),
      long: 30 * 86_400,
      subsecond: 0.5,
      tiny: 1e-7,
      zero: 0,
      negative: -30,
      expiredClaims: rng.int(60, 900),
      noExpiry: 900,
    }[lifetimeKind]
    const claims: Record<string, unknown> = { sub, name: sub === 'user-ada' ? 'Ada' : 'Bob', iat }
    if (lifetimeKind === 'expiredClaims') claims.exp = iat - 60
    else if (lifetimeKind !== 'noExpiry') claims.exp = iat + Math.ceil(lifetime)
    if (rng.chance(0.1)) delete claims.iat
    const token = this.issue(drawToken(rng, claims))
    const expiry =
      lifetimeKind === 'expiredClaims' || lifetimeKind === 'noExpiry'
        ? 'claims'
        : rng.weighted({ expires_in: 5, expiresIn: 1, string: 1, isoDate: 1, epochMs: 1, claims: 2 })
    const fields: Record<string, unknown> = {}
    if (expiry === 'expires_in') fields.expires_in = lifetime
    else if (expiry === 'expiresIn') fields.expiresIn = lifetime
    else if (expiry === 'string') fields.expires_in = String(lifetime)
    else if (expiry === 'isoDate')
      fields.jwt_token_expiry = new Date(Date.now() + lifetime * 1000).toISOString()
    else if (expiry === 'epochMs') fields.jwt_token_expiry = Date.now() + lifetime * 1000
    const shape = rng.pick([
      'access_token',
      'accessToken',
      'jwt',
      'jwt_token',
      'token',
      'data.token',
      'data.access_token',
    ] as const)
    const [outer, inner] = shape.startsWith('data.') ? ['data', shape.slice(5)] : [null, shape]
    const tokenFields = { [inner as string]: token.token, ...fields }
    let object: Record<string, unknown> = outer ? { [outer]: tokenFields } : tokenFields
    const userKind = rng.weighted({ none: 14, plain: 4, deep: 1, huge: 1 })
    let userJson: string | null = null
    if (userKind === 'plain') object = { ...object, user: { sub, name: 'someone', roles: ['a', 'b'] } }
    else if (userKind === 'deep') userJson = deepJson(rng.int(2_000, 12_000))
    else if (userKind === 'huge') object = { ...object, user: { sub, bio: 'x'.repeat(rng.int(1, 300_000)) } }
    let body = rng.chance(0.1) ? JSON.stringify(object, null, 2) : JSON.stringify(object)
    if (userJson) body = `${body.slice(0, -1)},"user":${userJson}}`
    if (rng.chance(0.05)) body = `  \n${body}\n  `
    return {
      body,
      token,
      note: `${shape} ${expiry} lifetime=${lifetimeKind}(${lifetime}) user=${userKind} token#${token.index} ${token.note}`,
    }
  }

  /** An error body: JSON, with or without a token (in odd encodings) in it, HTML, empty, deep or huge. */
  errorBody(status: number): { body: string | null; note: string; json: boolean } {
    const rng = this.rng
    const kind = rng.weighted({
      json: 5,
      jsonWithToken: 4,
      html: 2,
      htmlWithToken: 1,
      empty: 2,
      deep: 2,
      huge: 1,
      tokenRun: 1,
      revoked: 1,
    })
    const leaked = () => this.token(this.cookie?.sub ?? 'user-ada')
    switch (kind) {
      case 'json':
        return { body: JSON.stringify(rng.pick(errorShapes)), note: 'json', json: true }
      case 'jsonWithToken': {
        const token = leaked()
        const place = rng.pick(['field', 'sentence', 'nested', 'array'] as const)
        const body =
          place === 'field'
            ? { error: 'invalid_token', token: token.token }
            : place === 'sentence'
              ? { detail: `Token ${token.token} is blacklisted`, code: 'token_not_valid' }
              : place === 'nested'
                ? { errors: [{ message: 'expired', extensions: { jwt: token.token } }] }
                : { messages: ['a', token.token] }
        return {
          body: JSON.stringify(body),
          note: `json with token#${token.index} (${token.note}) as ${place}`,
          json: true,
        }
      }
      case 'html':
        return { body: `<html><body><h1>${status}</h1></body></html>`, note: 'html', json: false }
      case 'htmlWithToken': {
        const token = leaked()
        return {
          body: `<html><pre>debug: ${token.token}</pre></html>`,
          note: `html with token#${token.index}`,
          json: false,
        }
      }
      case 'empty':
        return { body: status === 204 ? null : '', note: 'empty', json: false }
      case 'deep': {
        const depth = rng.int(2_000, 12_000)
        return { body: deepJson(depth), note: `json nested ${depth} deep`, json: true }
      }
      case 'huge': {
        const size = rng.int(500_000, 1_100_000)
        return {
          body: JSON.stringify({ error: 'x', pad: 'a'.repeat(size) }),
          note: `json ${size} B`,
          json: true,
        }
      }
      case 'tokenRun': {
        const size = rng.int(100, 2_000)
        return { body: JSON.stringify({ error: 'eyJ'.repeat(size) }), note: `eyJ×${size}`, json: true }
      }
      case 'revoked':
        return {
          body: JSON.stringify({ error: 'token_revoked', error_description: 'reuse detected' }),
          note: 'revoked',
          json: true,
        }
    }
  }

  /** A `Retry-After` value: seconds, a date, or garbage; with the seconds it stands for, when it is valid. */
  retryAfter(): { header: string; seconds?: number; date?: boolean } {
    const rng = this.rng
    const kind = rng.weighted({
      seconds: 6,
      date: 2,
      pastDate: 1,
      infinity: 1,
      huge: 1,
      negative: 1,
      garbage: 1,
      fraction: 1,
    })
    if (kind === 'seconds') {
      const s = rng.pick([0, 2, 5, 10, 20, 120, 3600])
      return { header: String(s), seconds: s }
    }
    if (kind === 'date') {
      const s = rng.pick([5, 30, 120])
      return { header: new Date(Date.now() + s * 1000).toUTCString(), seconds: s, date: true }
    }
    if (kind === 'pastDate') return { header: new Date(Date.now() - 60_000).toUTCString(), seconds: 0 }
    return {
      header: {
        infinity: 'Infinity',
        huge: '1e400',
        negative: '-5',
        garbage: 'soon, maybe',
        fraction: '1.5',
      }[kind],
    }
  }

  /** Draws the answer to an auth call and applies what processing it means to the cookie. */
  private drawAuth(kind: 'login' | 'refresh' | 'logout', body: string | null) {
    const rng = this.rng
    let category = rng.weighted<Category>({
      ok: 58,
      refusal: 11,
      transient: 14,
      malformed: 8,
      network: 5,
      hang: 4,
    })
    let sub: string | undefined
    if (kind === 'login') {
      let credentials: { username?: string; password?: string } = {}
      try {
        credentials = JSON.parse(body ?? '{}')
      } catch {}
      const user = users[credentials.username ?? '']
      const right = user !== undefined && passwords[credentials.username ?? ''] === credentials.password
      if ((category === 'ok' || category === 'malformed') && !right) category = 'refusal'
      sub = user
    } else if (kind === 'refresh') {
      if (category === 'ok' && !this.cookie) category = 'refusal'
      sub = this.cookie?.sub
      // The cookie was replaced by a sign-in this browser's tabs did not see (another window).
      if (category === 'ok' && rng.chance(0.03)) sub = sub === 'user-ada' ? 'user-bob' : 'user-ada'
    }
    // The server processed the call (the client may still lose the answer): the cookie changes now.
    if (category === 'ok' || category === 'refusal' || category === 'malformed' || category === 'transient') {
      if (kind === 'logout' && category !== 'transient') this.cookie = null
      if (kind === 'login' && category === 'ok' && sub) this.cookie = { sub }
      if (kind === 'refresh' && category === 'ok' && sub) this.cookie = { sub }
      if (kind === 'refresh' && category === 'refusal' && rng.chance(0.5)) this.cookie = null
    }
    return { category, sub }
  }

  /** The `fetch` one client uses: each request is recorded, answered by a drawn answer, on the fake clock. */
  fetchFor(caller: Caller): typeof fetch {
    return (input, init) => {
      const rng = this.rng
      const url = new URL(input instanceof Request ? input.url : String(input), ORIGIN)
      const headers = new Headers(init?.headers ?? (input instanceof Request ? input.headers : undefined))
      const authorization = headers.get('authorization')
      const signal = init?.signal ?? undefined
      const path = url.pathname
      const kind: RequestKind =
        url.origin === FOREIGN_ORIGIN
          ? 'foreign'
          : path === '/auth/login'
            ? 'login'
            : path === '/auth/refresh'
              ? 'refresh'
              : path === '/auth/logout' || path === '/auth/logout-all'
                ? 'logout'
                : 'api'
      const record: RequestRecord = {
        kind,
        seq: this.clock.seq(),
        at: this.clock.virtual(),
        category: 'ok',
        note: '',
        authorization,
      }
      let status = 200
      let responseBody: string | null = '{"ok":true}'
      const responseHeaders: Record<string, string> = { 'Content-Type': 'application/json' }
      let delay = rng.weighted({ instant: 70, short: 20, long: 10 })
      let delayMs =
        delay === 'instant'
          ? rng.int(0, 50)
          : delay === 'short'
            ? rng.int(100, 2_000)
            : rng.int(2_000, 15_000)
      let hang: 'signal' | 'ignore' | null = null

      if (kind === 'api' || kind === 'foreign') {
        delayMs = rng.int(0, 100)
        delay = 'instant'
        if (kind === 'api' && authorization && rng.chance(0.25)) {
          status = 401
          responseBody = '{"error":"invalid_token"}'
        }
        record.status = status
        record.note = `${status}`
      } else {
        const bodyText = typeof init?.body === 'string' ? init.body : null
        const { category, sub } = this.drawAuth(kind, bodyText)
        record.category = category
        if (category === 'ok') {
          if (kind === 'logout') {
            status = rng.pick([200, 204])
            responseBody = status === 204 ? null : '{}'
            record.note = `${status}`
          } else {
            const drawn = this.tokenBody(sub ?? 'user-ada')
            record.token = drawn.token
            if (!drawn.token.wellFormed) record.category = 'malformed'
            responseBody = drawn.body
            record.note = `200 ${drawn.note}`
          }
        } else if (category === 'refusal') {
          status = rng.pick([400, 401, 401, 401, 403])
          const error = this.errorBody(status)
          responseBody = error.body
          if (!error.json) responseHeaders['Content-Type'] = 'text/html'
          record.note = `${status} ${error.note}`
        } else if (category === 'transient') {
          status = rng.pick([408, 429, 500, 502, 503, 503, 504])
          const error = this.errorBody(status)
          responseBody = error.body
          if (!error.json) responseHeaders['Content-Type'] = 'text/html'
          let retry = ''
          if (rng.chance(0.6)) {
            const value = this.retryAfter()
            responseHeaders['Retry-After'] = value.header
            if (status === 429 || status === 503) {
              record.retryAfter = value.seconds
              if (value.date) record.retryAfterIsDate = true
            }
            retry = ` Retry-After: ${JSON.stringify(value.header)}`
          }
          record.note = `${status} ${error.note}${retry}`
        } else if (category === 'malformed') {
          const shape = rng.pick([
            'html',
            'empty',
            'text',
            'array',
            'null',
            'number',
            'noToken',
            'opaque',
            '204',
          ] as const)
          status = shape === '204' ? 204 : 200
          responseBody = {
            html: '<!doctype html><html><body>Welcome</body></html>',
            empty: '',
            text: 'OK',
            array: '[1,2,3]',
            null: 'null',
            number: '42',
            noToken: '{"ok":true,"expires_in":900}',
            opaque: '{"access_token":"opaque-0123456789","expires_in":900}',
            '204': null,
          }[shape]
          record.note = `${status} malformed ${shape}`
        } else if (category === 'network') {
          record.note = 'network error'
        } else {
          hang = rng.chance(0.75) ? 'signal' : 'ignore'
          record.note = `hang (${hang === 'signal' ? 'until aborted' : 'ignores the abort signal'})`
        }
        record.status = category === 'network' || category === 'hang' ? undefined : status
      }
      if (!hang && kind !== 'api' && kind !== 'foreign') record.note += ` after ${delayMs} ms`
      this.requests.push(record)
      caller.onRequest(record)
      this.clock.trace(
        `    ${caller.label} ${kind} ${url.pathname}${authorization ? ' [Bearer]' : ''} → ${record.note}`,
      )

      return new Promise<Response>((resolve, reject) => {
        let timer: ReturnType<typeof setTimeout> | undefined
        const abort = () => {
          clearTimeout(timer)
          if (record.settled) return
          record.settled = 'aborted'
          const error = new DOMException('The operation was aborted.', 'AbortError')
          serverThrown.add(error)
          reject(error)
          caller.onSettled(record)
        }
        const deliver = () => {
          signal?.removeEventListener('abort', abort)
          if (record.settled) return
          record.settled = 'delivered'
          if (record.category === 'network') {
            const error = new TypeError('fetch failed')
            serverThrown.add(error)
            reject(error)
          } else {
            resolve(new Response(responseBody, { status, headers: responseHeaders }))
          }
          caller.onSettled(record)
        }
        if (signal?.aborted) {
          abort()
          return
        }
        if (hang === 'ignore') return
        signal?.addEventListener('abort', abort, { once: true })
        if (hang === 'signal') return
        timer = setTimeout(deliver, delayMs)
      })
    }
  }
}

const errorShapes = [
  { error: 'invalid_grant', error_description: 'Refresh token expired' },
  { detail: 'Token is invalid or expired', code: 'token_not_valid' },
  { message: 'Unauthorized' },
  { error: 'no refresh cookie' },
  { errors: [{ message: 'Forbidden' }] },
]
