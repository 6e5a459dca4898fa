import type { JwtPayload } from '../core/types'
import type { TestUser } from './createTestAuthServer'

/** What a route handler of the test server receives. */
export interface TestRouteContext {
  /** The request as sent, with an absolute URL (relative ones resolved against the server's `origin`). */
  request: Request
  /** The signed-in user the Bearer token belongs to (without the password); `null` on a public route without one. */
  user: Omit<TestUser, 'password'> | null
  /** The access token's claims; `null` on a public route without a valid token. */
  claims: (JwtPayload & Record<string, unknown>) | null
  /** The `:name` segments of the route's path, e.g. `{ id: '7' }` for `GET /api/items/:id`. */
  params: Record<string, string>
}

/**
 * Answers one API route: a `Response` is sent as is, `undefined` as `204 No Content`, anything else as a
 * `200` JSON body.
 */
export type TestRouteHandler = (context: TestRouteContext) => unknown

/** A route that answers without a valid Bearer token too (`user` and `claims` are then `null`). */
export interface PublicTestRoute {
  public: true
  handler: TestRouteHandler
}

/** Route table: `'METHOD /path'` (`:name` segments match one path segment) → a handler. */
export type TestRoutes = Record<string, TestRouteHandler | PublicTestRoute>

interface CompiledRoute {
  method: string
  pattern: RegExp
  names: string[]
  handler: TestRouteHandler
  isPublic: boolean
}

export interface MatchedRoute {
  handler: TestRouteHandler
  isPublic: boolean
  params: Record<string, string>
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

/** Checks the route keys once, when the server is made, so a typo fails loudly instead of never matching. */
export function compileRoutes(routes: TestRoutes = {}): CompiledRoute[] {
  return Object.entries(routes).map(([key, route]) => {
    const match = key.match(/^([A-Z]+) (\/\S*)$/)
    if (!match) {
      throw new Error(
        `createTestAuthServer: the route "${key}" should read "METHOD /path", e.g. "GET /api/items/:id".`,
      )
    }
    const [, method = '', path = ''] = match
    const names: string[] = []
    const source = path
      .split('/')
      .map((segment) => {
        if (!segment.startsWith(':')) return escapeRegExp(segment)
        names.push(segment.slice(1))
        return '([^/]+)'
      })
      .join('/')
    const isPublic = typeof route !== 'function'
    const handler = typeof route === 'function' ? route : route.handler
    return { method, pattern: new RegExp(`^${source}$`), names, handler, isPublic }
  })
}

/** The route for a request: method and whole path must match. */
export function matchRoute(routes: CompiledRoute[], method: string, path: string): MatchedRoute | null {
  for (const route of routes) {
    if (route.method !== method) continue
    const found = route.pattern.exec(path)
    if (!found) continue
    const params: Record<string, string> = {}
    route.names.forEach((name, index) => {
      params[name] = decodeURIComponent(found[index + 1] ?? '')
    })
    return { handler: route.handler, isPublic: route.isPublic, params }
  }
  return null
}

/** A handler's result as a response. */
export function toResponse(result: unknown): Response {
  if (result instanceof Response) return result
  if (result === undefined) return new Response(null, { status: 204 })
  return new Response(JSON.stringify(result), {
    status: 200,
    headers: { 'Content-Type': 'application/json' },
  })
}
