import type { GatewayStore } from './types'

/**
 * The commands `redisStore` uses, as node-redis (the `redis` package, majors 5 and 6) declares them: a client
 * from `createClient()`, a cluster from `createCluster()`, or anything with the same `get`, `set` (with
 * `expiration` and `condition`) and `del`.
 */
export interface RedisStoreClient {
  get(key: string): Promise<unknown>
  set(
    key: string,
    value: string,
    options: { expiration: { type: 'PX'; value: number }; condition?: 'NX' },
  ): Promise<unknown>
  del(key: string): Promise<unknown>
}

export interface RedisStoreOptions {
  /**
   * Put before every key. The gateway's own keys already start with `react-jwt-session:`; a prefix keeps them
   * in a namespace of your choosing (an ACL key pattern, one app among several on a shared Redis).
   * @default ''
   */
  prefix?: string
}

/**
 * The gateway's `store` on Redis or Valkey, through a connected node-redis client (`redis` 5.x or 6.x): the
 * single flight and the reuse interval then hold across every gateway instance that shares the Redis.
 * The gateway stores only sealed values and HMAC keys, so a dump of the Redis yields no token.
 *
 * ```ts
 * import { createClient } from 'redis'
 * const client = await createClient({ url: process.env.REDIS_URL }).connect()
 * createSessionGateway({ upstream, secret, store: redisStore(client) })
 * ```
 */
export function redisStore(client: RedisStoreClient, { prefix = '' }: RedisStoreOptions = {}): GatewayStore {
  return {
    async get(key) {
      const value = await client.get(prefix + key)
      if (value === null || value === undefined) return null
      // A client with a type mapping may hand back a Buffer; the gateway stores strings only.
      return typeof value === 'string' ? value : String(value)
    },
    async set(key, value, { ttlMs, ifAbsent = false }) {
      // Redis refuses a PX of 0 or less; a value that expires at once is kept for the shortest time it can be.
      const expiration = { type: 'PX' as const, value: Math.max(1, Math.ceil(ttlMs)) }
      const reply = await client.set(
        prefix + key,
        value,
        ifAbsent ? { expiration, condition: 'NX' } : { expiration },
      )
      // SET answers OK when it wrote the key, and nil when NX found the key already there.
      return reply !== null && reply !== undefined
    },
    async delete(key) {
      await client.del(prefix + key)
    },
  }
}
