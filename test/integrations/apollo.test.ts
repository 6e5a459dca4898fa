// @vitest-environment node
import { ApolloClient, gql, HttpLink, InMemoryCache, type TypedDocumentNode } from '@apollo/client'
import { ServerError } from '@apollo/client/errors'
import { afterEach, describe, expect, it } from 'vitest'
import { startGraphqlServer } from './graphqlServer'

// Apollo Client 4 with `new HttpLink({ fetch: client.fetch })` against the reference auth server's
// /graphql over real HTTP: the Bearer token is attached, and an expired token costs one refresh.

const ME: TypedDocumentNode<{ me: { id: string; name: string; role: string } }> = gql`
  query Me {
    me {
      id
      name
      role
    }
  }
`
const ITEMS: TypedDocumentNode<
  { items: Array<{ id: string; title: string; done: boolean }> },
  { done: boolean | null }
> = gql`
  query Items($done: Boolean) {
    items(done: $done) {
      id
      title
      done
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
  const apollo = new ApolloClient({
    link: new HttpLink({ uri: server.graphqlUrl, fetch: server.client.fetch }),
    cache: new InMemoryCache(),
    defaultOptions: { query: { fetchPolicy: 'network-only' } },
  })
  await server.client.login({ username: 'alice', password: 'alice-password' })
  return { ...server, apollo }
}

describe('Apollo Client with client.fetch', () => {
  it('sends the Bearer token: a query the endpoint answers only for a signed-in user', async () => {
    const { apollo, graphql, auth } = await setup()
    const { data } = await apollo.query({ query: ME })
    expect(data?.me).toEqual({ __typename: 'User', id: 'u_alice', name: 'Alice Admin', role: 'admin' })
    expect(graphql).toEqual({ requests: 1, unauthorized: 0 })
    expect(auth.stats.refreshes).toBe(0)
  })

  it('without client.fetch the same query is refused with 401 (the endpoint really checks)', async () => {
    const { graphqlUrl, jar } = await setup()
    const bare = new ApolloClient({
      link: new HttpLink({ uri: graphqlUrl, fetch: jar.fetch }),
      cache: new InMemoryCache(),
    })
    const error = await bare.query({ query: ME }).then(
      () => null,
      (thrown: unknown) => thrown,
    )
    expect(ServerError.is(error)).toBe(true)
    expect((error as ServerError).statusCode).toBe(401)
  })

  it('an access token the server considers expired: exactly one refresh, then every operation succeeds', async () => {
    const { apollo, graphql, auth, jar, client, expireAccessTokensOnServer } = await setup()
    const before = client.getState().accessToken
    expireAccessTokensOnServer()

    const [me, open, all] = await Promise.all([
      apollo.query({ query: ME }),
      apollo.query({ query: ITEMS, variables: { done: false } }),
      apollo.query({ query: ITEMS, variables: { done: null } }),
    ])

    expect(me.data?.me.name).toBe('Alice Admin')
    expect(open.data?.items).toEqual([
      { __typename: 'Item', id: 'a1', title: 'Rotate the signing key', done: false },
    ])
    expect(all.data?.items).toHaveLength(2)
    expect(auth.stats).toMatchObject({ refreshes: 1, reuseDetections: 0 })
    expect(jar.count('/auth/refresh')).toBe(1)
    // Three refused, three retried with the new token.
    expect(graphql).toEqual({ requests: 6, unauthorized: 3 })
    expect(client.getState()).toMatchObject({ status: 'authenticated' })
    expect(client.getState().accessToken).not.toBe(before)
  })

  it('a revoked session: the refresh is refused, the query fails with 401 and the user is signed out', async () => {
    const { apollo, graphql, auth, client } = await setup()
    auth.revokeAll()
    const error = await apollo.query({ query: ME }).then(
      () => null,
      (thrown: unknown) => thrown,
    )
    expect(ServerError.is(error)).toBe(true)
    expect((error as ServerError).statusCode).toBe(401)
    expect(graphql).toEqual({ requests: 1, unauthorized: 1 })
    expect(auth.stats.refreshes).toBe(0)
    expect(client.getState()).toMatchObject({
      status: 'unauthenticated',
      reason: 'revoked',
      accessToken: null,
    })
  })
})
