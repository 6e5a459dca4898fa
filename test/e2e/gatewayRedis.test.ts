// @vitest-environment node
// Two gateway instances (two servers behind a load balancer) sharing one real Redis (Debian's redis-server)
// through redisStore: one upstream refresh per refresh token whichever instance each request reaches, and a
// dump of the Redis holds no token. A control without the shared store shows the replay it prevents.
import { SignJWT } from 'jose'
import {
  createSessionGateway,
  type GatewayStore,
  memoryStore,
  type SessionGateway,
  type UpstreamAdapter,
} from 'react-jwt-session/gateway'
import { redisStore } from 'react-jwt-session/gateway/redis'
import { createClient } from 'redis'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { AuthError } from '../../src/core/AuthError'
import { type RedisServer, startRedis } from '../servers/startRedis'

const JWT_SHAPED = /eyJ[\w-]+\.eyJ[\w-]+\.[\w-]*/
const origin = 'http://127.0.0.1:3000'
const secret = 'a-test-secret-of-at-least-32-bytes-0123456789'
const signingKey = new TextEncoder().encode('the fake upstream signs its tokens with this key')

type Client = ReturnType<typeof createClient>

let redis: RedisServer
const clients: Client[] = []

beforeAll(async () => {
  redis = await startRedis()
})

afterAll(async () => {
  await Promise.all(clients.map((client) => client.quit().catch(() => {})))
  await redis?.close()
})

async function connect(): Promise<Client> {
  const client: Client = createClient({ url: redis.url })
  await client.connect()
  clients.push(client)
  return client
}

beforeEach(async () => {
  const client = clients[0] ?? (await connect())
  await client.flushAll()
})

/**
 * A strict upstream: each refresh token works once (a replay is refused and counted, as SimpleJWT's blacklist
 * does), and a refresh takes a moment, so concurrent requests overlap. It remembers every token it issued.
 */
function strictUpstream() {
  const live = new Set<string>()
  const issued: string[] = []
  const stats = { logins: 0, refreshes: 0, replays: 0 }
  const jwt = (type: string, ttl: number) =>
    new SignJWT({ token_type: type, user_id: 1, username: 'alice' })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setIssuedAt()
      .setExpirationTime(`${ttl}s`)
      .setJti(crypto.randomUUID())
      .sign(signingKey)
  const tokens = async () => {
    const accessToken = await jwt('access', 300)
    const refreshToken = await jwt('refresh', 86_400)
    live.add(refreshToken)
    issued.push(accessToken, refreshToken)
    return { accessToken, refreshToken, expiresIn: 300, user: { id: '1', username: 'alice' } }
  }
  const adapter: UpstreamAdapter = {
    name: 'strict-fake',
    async login(credentials) {
      if (credentials.password !== 'alice-password') throw new AuthError('invalid_credentials')
      stats.logins += 1
      return tokens()
    },
    async refresh(refreshToken) {
      await new Promise((resolve) => setTimeout(resolve, 30))
      if (!live.delete(refreshToken)) {
        stats.replays += 1
        throw new AuthError('session_expired')
      }
      stats.refreshes += 1
      return tokens()
    },
  }
  return { adapter, issued, stats }
}

const gatewayOn = (upstream: UpstreamAdapter, store: GatewayStore) =>
  createSessionGateway({ upstream, secret, store, reuseInterval: 10 })

const post = (gateway: SessionGateway, path: string, init: { cookie?: string; body?: unknown } = {}) =>
  gateway.handle(
    new Request(`${origin}/auth/${path}`, {
      method: 'POST',
      headers: {
        Origin: origin,
        'Content-Type': 'application/json',
        ...(init.cookie ? { Cookie: init.cookie } : {}),
      },
      body: JSON.stringify(init.body ?? {}),
    }),
  )

/** The `Cookie` header a browser would send back for these `Set-Cookie` lines. */
const cookieHeader = (response: Response) =>
  response.headers
    .getSetCookie()
    .map((line) => line.split(';')[0])
    .join('; ')

async function signedIn(gateway: SessionGateway) {
  const response = await post(gateway, 'login', { body: { username: 'alice', password: 'alice-password' } })
  expect(response.status).toBe(200)
  return cookieHeader(response)
}

/** 20 refreshes at once with one cookie, alternating between the instances. */
async function refreshStorm(instances: SessionGateway[], cookie: string) {
  const responses = await Promise.all(
    Array.from({ length: 20 }, (_, i) =>
      post(instances[i % instances.length] as SessionGateway, 'refresh', { cookie }),
    ),
  )
  return Promise.all(
    responses.map(async (response) => ({
      status: response.status,
      body: (await response.json()) as { access_token?: string; error?: string; user?: unknown },
      cookie: cookieHeader(response),
    })),
  )
}

describe('redisStore on a real Redis', () => {
  it('sets with an expiry, sets only when absent with ifAbsent, reads and deletes', async () => {
    const client = await connect()
    const store = redisStore(client, { prefix: 'app:' })
    expect(await store.get('k')).toBeNull()
    expect(await store.set('k', 'one', { ttlMs: 60_000, ifAbsent: true })).toBe(true)
    expect(await store.set('k', 'two', { ttlMs: 60_000, ifAbsent: true })).toBe(false)
    expect(await store.get('k')).toBe('one')
    expect(await client.get('app:k')).toBe('one')
    const ttl = await client.pTTL('app:k')
    expect(ttl).toBeGreaterThan(0)
    expect(ttl).toBeLessThanOrEqual(60_000)
    expect(await store.set('k', 'three', { ttlMs: 5_000 })).toBe(true)
    expect(await store.get('k')).toBe('three')
    expect(await client.pTTL('app:k')).toBeLessThanOrEqual(5_000)
    await store.delete('k')
    expect(await store.get('k')).toBeNull()
    expect(await client.exists('app:k')).toBe(0)
  })
})

describe('two gateway instances on one Redis', () => {
  it('20 concurrent refreshes with one cookie split between them: 1 upstream call, 20 identical answers', async () => {
    const upstream = strictUpstream()
    const a = gatewayOn(upstream.adapter, redisStore(await connect()))
    const b = gatewayOn(upstream.adapter, redisStore(await connect()))
    const cookie = await signedIn(a)

    const answers = await refreshStorm([a, b], cookie)

    expect(upstream.stats).toEqual({ logins: 1, refreshes: 1, replays: 0 })
    expect(answers.map((answer) => answer.status)).toEqual(Array(20).fill(200))
    expect(new Set(answers.map((answer) => answer.body.access_token)).size).toBe(1)
    expect(answers[0]?.body.access_token).toMatch(JWT_SHAPED)
    // Every browser gets the same rotated cookie, whichever instance answered it.
    expect(new Set(answers.map((answer) => answer.cookie)).size).toBe(1)
    expect(answers[0]?.cookie).not.toBe(cookie)

    // A late replay of the old cookie (a tab that never got the answer) on a third instance, which took no part
    // in the storm, within the reuse interval: that rotation's answer again, from the sealed record in Redis,
    // with no upstream call.
    const c = gatewayOn(upstream.adapter, redisStore(await connect()))
    const replay = await post(c, 'refresh', { cookie })
    expect(replay.status).toBe(200)
    expect(((await replay.json()) as { access_token?: string }).access_token).toBe(
      answers[0]?.body.access_token,
    )
    expect(cookieHeader(replay)).toBe(answers[0]?.cookie)
    expect(upstream.stats).toEqual({ logins: 1, refreshes: 1, replays: 0 })

    // The rotated cookie renews once more, on either instance.
    const next = await refreshStorm([b, a], answers[0]?.cookie as string)
    expect(next.map((answer) => answer.status)).toEqual(Array(20).fill(200))
    expect(upstream.stats).toEqual({ logins: 1, refreshes: 2, replays: 0 })

    // A dump of the Redis: every key and value. It holds the reuse-interval records, and no token.
    const client = clients[0] as Client
    const keys = await client.keys('*')
    expect(keys.length).toBeGreaterThan(0)
    const dump: string[] = []
    for (const key of keys) dump.push(key, String(await client.get(key)))
    const text = dump.join('\n')
    expect(text).not.toMatch(JWT_SHAPED)
    for (const token of upstream.issued) {
      expect(text.includes(token)).toBe(false)
      expect(text.includes(token.split('.')[1] as string)).toBe(false)
    }
  })

  it('control: the same storm with a store per instance makes a second upstream call with the rotated token', async () => {
    const upstream = strictUpstream()
    const a = gatewayOn(upstream.adapter, memoryStore())
    const b = gatewayOn(upstream.adapter, memoryStore())
    const cookie = await signedIn(a)

    const answers = await refreshStorm([a, b], cookie)

    // Each instance single-flights its own half; the second to reach the upstream replays a rotated token.
    expect(upstream.stats.refreshes + upstream.stats.replays).toBe(2)
    expect(upstream.stats.replays).toBe(1)
    expect(answers.filter((answer) => answer.status === 401)).toHaveLength(10)
  })
})
