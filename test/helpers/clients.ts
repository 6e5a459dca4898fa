import { type AuthClient, type AuthClientOptions, createAuthClient } from 'react-jwt-session/core'
import { createTestAuthServer, type TestAuthServerOptions } from 'react-jwt-session/testing'
import { afterEach, vi } from 'vitest'

const made: AuthClient<unknown>[] = []

afterEach(() => {
  for (const client of made.splice(0)) client.destroy()
})

/** A strict test server and a client wired to it (HTTP path through `server.fetch`, no cross-tab). */
export function setup<User = unknown>(
  serverOptions: TestAuthServerOptions = {},
  clientOptions: AuthClientOptions<User> = {},
) {
  const server = createTestAuthServer({ accessTtl: 600, ...serverOptions })
  const client = createAuthClient<User>({ fetch: server.fetch, crossTab: false, ...clientOptions })
  made.push(client as AuthClient<unknown>)
  return { server, client }
}

/** Lets pending promises and due timers run (fake timers). */
export const flush = (ms = 0) => vi.advanceTimersByTimeAsync(ms)

export const credentials = { username: 'ada', password: 'lovelace' }
