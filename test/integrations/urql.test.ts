// @vitest-environment node
import { createClient, fetchExchange, gql } from '@urql/core'
import { afterEach, describe, expect, it } from 'vitest'
import { startGraphqlServer } from './graphqlServer'

// urql (`@urql/core`) with `fetch: client.fetch` against the reference auth server's /graphql over real
// HTTP: the Bearer token is attached, and an expired token costs one refresh.

const ME = gql`
  query Me {
    me {
      id
      name
    }
  }
`
const ITEMS = gql`
  query Items($done: Boolean) {
    items(done: $done) {
      id
      title
    }
  }
`

const open: Array<{ close(): Promise<void> }> = []
afterEach(async () => {
  await Promise.all(open.splice(0).map((server) => server.close()))
})

async function setup() {
  const server = await startGraphqlServer()
  open.push(server)
  const urql = createClient({
    url: server.graphqlUrl,
    fetch: server.client.fetch,
    exchanges: [fetchExchange],
    requestPolicy: 'network-only',
  })
  await server.client.login({ username: 'bob', password: 'bob-password' })
  return { ...server, urql }
}

describe('urql with client.fetch', () => {
  it('sends the Bearer token', async () => {
    const { urql, graphql } = await setup()
    const result = await urql.query(ME, {}).toPromise()
    expect(result.error).toBeUndefined()
    expect(result.data).toEqual({ me: { id: 'u_bob', name: 'Bob Member' } })
    expect(graphql).toEqual({ requests: 1, unauthorized: 0 })
  })

  it('an access token the server considers expired: exactly one refresh, then every operation succeeds', async () => {
    const { urql, graphql, auth, jar, expireAccessTokensOnServer } = await setup()
    expireAccessTokensOnServer()

    const [me, items] = await Promise.all([
      urql.query(ME, {}).toPromise(),
      urql.query(ITEMS, { done: false }).toPromise(),
    ])

    expect(me.error).toBeUndefined()
    expect(me.data?.me.name).toBe('Bob Member')
    expect(items.error).toBeUndefined()
    expect(items.data?.items).toEqual([{ id: 'b1', title: 'Water the plants' }])
    expect(auth.stats).toMatchObject({ refreshes: 1, reuseDetections: 0 })
    expect(jar.count('/auth/refresh')).toBe(1)
    expect(graphql).toEqual({ requests: 4, unauthorized: 2 })
  })

  it('a revoked session: the result carries the 401 and the user is signed out', async () => {
    const { urql, auth, client } = await setup()
    auth.revokeAll()
    const result = await urql.query(ME, {}).toPromise()
    expect(result.data).toBeUndefined()
    expect(result.error?.response?.status).toBe(401)
    expect(result.error?.graphQLErrors[0]?.extensions?.code).toBe('UNAUTHENTICATED')
    expect(client.getState()).toMatchObject({ status: 'unauthenticated', reason: 'revoked' })
  })
})
