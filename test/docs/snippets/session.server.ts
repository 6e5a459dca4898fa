// app/session.server.ts

import type { TokenResponse } from 'react-jwt-session'
import { refreshOnServer } from 'react-jwt-session/server'
import { createContext, type MiddlewareFunction } from 'react-router'

export const sessionContext = createContext<TokenResponse | null>(null)

export const renewSession: MiddlewareFunction<Response> = async ({ request, context }, next) => {
  const { session, setCookie } = await refreshOnServer(request, { endpoints: { refresh: '/auth/refresh' } })
  context.set(sessionContext, session)
  const response = await next()
  for (const line of setCookie) response.headers.append('Set-Cookie', line) // always, every line
  response.headers.set('Cache-Control', 'private, no-store')
  return response
}
