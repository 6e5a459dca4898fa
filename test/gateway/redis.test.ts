// @vitest-environment node
// redisStore's translation to node-redis calls, against a recording client (the real Redis is in
// test/e2e/gatewayRedis.test.ts).
import { type RedisStoreClient, redisStore } from 'react-jwt-session/gateway/redis'
import { describe, expect, it } from 'vitest'

function recordingClient(replies: { get?: unknown; set?: unknown } = {}) {
  const calls: unknown[][] = []
  const client: RedisStoreClient = {
    async get(key) {
      calls.push(['get', key])
      return replies.get ?? null
    },
    async set(key, value, options) {
      calls.push(['set', key, value, options])
      return 'set' in replies ? replies.set : 'OK'
    },
    async del(key) {
      calls.push(['del', key])
      return 1
    },
  }
  return { client, calls }
}

describe('redisStore', () => {
  it('sets with PX, and with NX for ifAbsent; OK is true, nil (the key was there) is false', async () => {
    const { client, calls } = recordingClient()
    const store = redisStore(client)
    expect(await store.set('k', 'v', { ttlMs: 10_000 })).toBe(true)
    expect(await store.set('k', 'v', { ttlMs: 10_000, ifAbsent: true })).toBe(true)
    expect(calls).toEqual([
      ['set', 'k', 'v', { expiration: { type: 'PX', value: 10_000 } }],
      ['set', 'k', 'v', { expiration: { type: 'PX', value: 10_000 }, condition: 'NX' }],
    ])
    const taken = redisStore(recordingClient({ set: null }).client)
    expect(await taken.set('k', 'v', { ttlMs: 10_000, ifAbsent: true })).toBe(false)
  })

  it('never sends a PX Redis refuses: fractions round up, zero and below become 1 ms', async () => {
    const { client, calls } = recordingClient()
    const store = redisStore(client)
    await store.set('a', 'v', { ttlMs: 1.2 })
    await store.set('b', 'v', { ttlMs: 0 })
    await store.set('c', 'v', { ttlMs: -5 })
    expect(calls.map((call) => (call[3] as { expiration: { value: number } }).expiration.value)).toEqual([
      2, 1, 1,
    ])
  })

  it('reads strings (a Buffer from a type-mapped client as text), null for a missing key, and deletes', async () => {
    expect(await redisStore(recordingClient().client).get('k')).toBeNull()
    expect(await redisStore(recordingClient({ get: 'sealed' }).client).get('k')).toBe('sealed')
    expect(await redisStore(recordingClient({ get: Buffer.from('sealed') }).client).get('k')).toBe('sealed')
    const { client, calls } = recordingClient()
    await redisStore(client).delete('k')
    expect(calls).toEqual([['del', 'k']])
  })

  it('puts the prefix before every key', async () => {
    const { client, calls } = recordingClient()
    const store = redisStore(client, { prefix: 'app:' })
    await store.get('k')
    await store.set('k', 'v', { ttlMs: 5 })
    await store.delete('k')
    expect(calls.map((call) => call[1])).toEqual(['app:k', 'app:k', 'app:k'])
  })
})
