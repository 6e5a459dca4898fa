import type { GatewayStore } from 'react-jwt-session/gateway'
import { redisStore } from 'react-jwt-session/gateway/redis'
import { createClient, createCluster } from 'redis'
import { expectTypeOf, test } from 'vitest'

test('redisStore takes a node-redis client or cluster as createClient/createCluster make them', () => {
  const client = createClient()
  expectTypeOf(redisStore(client)).toEqualTypeOf<GatewayStore>()
  expectTypeOf(redisStore(createCluster({ rootNodes: [] }), { prefix: 'app:' })).toEqualTypeOf<GatewayStore>()
  // @ts-expect-error: a client without `del` is not a store's client
  redisStore({ get: client.get, set: client.set })
})
