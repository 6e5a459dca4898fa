import type { IncomingMessage, ServerResponse } from 'node:http'
import { buildSchema, graphql } from 'graphql'
import { createAuthClient } from 'react-jwt-session/core'
import {
  type AuthServer,
  type AuthServerOptions,
  createAuthServer,
} from '../../example/server/createServer.js'
import { createCookieJarFetch } from './cookieJarFetch'

// A small GraphQL endpoint beside the reference auth server, for the Apollo and urql tests. It checks the
// Bearer token with the server's own verification (signature, expiry, fingerprint cookie, revocation) and
// answers HTTP 401 for a missing or invalid one, so `client.fetch` renews and retries.

export const schema = buildSchema(`
  type User {
    id: ID!
    username: String!
    name: String!
    role: String!
  }
  type Item {
    id: ID!
    title: String!
    done: Boolean!
  }
  type Query {
    me: User!
    items(done: Boolean): [Item!]!
  }
`)

export interface Item {
  id: string
  title: string
  done: boolean
}

const itemsByUser: Record<string, Item[]> = {
  u_alice: [
    { id: 'a1', title: 'Rotate the signing key', done: false },
    { id: 'a2', title: 'Review access logs', done: true },
  ],
  u_bob: [{ id: 'b1', title: 'Water the plants', done: false }],
}

type Viewer = NonNullable<Awaited<ReturnType<AuthServer['authenticate']>>>

const rootValue = {
  me: (_args: unknown, viewer: Viewer) => viewer.user,
  items: ({ done }: { done?: boolean | null }, viewer: Viewer) =>
    (itemsByUser[viewer.user.id] ?? []).filter(
      (item) => done === undefined || done === null || item.done === done,
    ),
}

const sendJson = (
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
) => {
  const payload = JSON.stringify(body)
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Cache-Control': 'no-store',
    ...headers,
  })
  res.end(payload)
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'))
  } catch {
    return undefined
  }
}

function fromSearchParams(params: URLSearchParams) {
  let variables: unknown
  try {
    variables = JSON.parse(params.get('variables') ?? 'null')
  } catch {
    variables = undefined
  }
  return { query: params.get('query'), variables, operationName: params.get('operationName') }
}

/** The `/graphql` route for `extraRoutes`. `getAuth` is read per request (the server is made after it). */
export function createGraphqlRoute(getAuth: () => AuthServer) {
  const stats = { requests: 0, unauthorized: 0 }
  const route = async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> => {
    if (url.pathname !== '/graphql') return false
    if (req.method !== 'POST' && req.method !== 'GET') {
      sendJson(res, 405, { errors: [{ message: 'Use GET or POST' }] }, { Allow: 'GET, POST' })
      return true
    }
    stats.requests += 1
    // GraphQL over HTTP: POST with a JSON body, or GET with the fields in the query string (urql's default
    // for queries).
    const body = (req.method === 'POST' ? await readJson(req) : fromSearchParams(url.searchParams)) as {
      query?: unknown
      variables?: unknown
      operationName?: unknown
    }
    const viewer = await getAuth().authenticate(req)
    if (!viewer) {
      stats.unauthorized += 1
      // HTTP 401, not a 200 with an error in the body: that is what makes a client renew the token.
      sendJson(
        res,
        401,
        {
          errors: [{ message: 'A valid access token is required', extensions: { code: 'UNAUTHENTICATED' } }],
        },
        { 'WWW-Authenticate': 'Bearer error="invalid_token"' },
      )
      return true
    }
    if (typeof body?.query !== 'string') {
      sendJson(res, 400, { errors: [{ message: 'The body must be { query, variables }' }] })
      return true
    }
    const result = await graphql({
      schema,
      source: body.query,
      rootValue,
      contextValue: viewer,
      variableValues: (body.variables ?? undefined) as Record<string, unknown> | undefined,
      operationName: typeof body.operationName === 'string' ? body.operationName : undefined,
    })
    sendJson(res, 200, result)
    return true
  }
  return { route, stats }
}

/**
 * The reference auth server with `/graphql`, listening on a free port, with a settable clock, and a
 * Node-side auth client that talks to it through a cookie jar (as one browser would).
 */
export async function startGraphqlServer(options: AuthServerOptions = {}) {
  const clock = { offset: 0 }
  let auth: AuthServer | null = null
  const graphqlRoute = createGraphqlRoute(() => auth as AuthServer)
  auth = createAuthServer({
    log: false,
    now: () => Date.now() + clock.offset,
    ...options,
    extraRoutes: graphqlRoute.route,
  })
  const { url } = await auth.listen(0)
  const jar = createCookieJarFetch()
  const client = createAuthClient<{ id: string; name: string }>({
    fetch: jar.fetch,
    crossTab: false,
    apiOrigins: [url],
    endpoints: {
      login: `${url}/auth/login`,
      refresh: `${url}/auth/refresh`,
      logout: `${url}/auth/logout`,
      logoutEverywhere: `${url}/auth/logout-all`,
    },
  })
  return {
    auth,
    url,
    graphqlUrl: `${url}/graphql`,
    graphql: graphqlRoute.stats,
    jar,
    client,
    /** Moves the server's clock on: every access token issued so far is expired for the server only. */
    expireAccessTokensOnServer(seconds = 901) {
      clock.offset += seconds * 1000
    },
    async close() {
      client.destroy()
      await auth?.close()
    },
  }
}
