import {
  type AuthClient,
  type AuthClientOptions,
  type AuthEventMap,
  type AuthEventType,
  createAuthClient,
} from 'react-jwt-session/core'
import type { TestAuthServer } from 'react-jwt-session/testing'
import { vi } from 'vitest'

// Several clients in one jsdom window stand for the tabs of one browser: each opens its own BroadcastChannel
// (Node's, which jsdom exposes) and they share one test server, whose cookie jar is the browser's.

export interface TabUser {
  username: string
  sub: string
  name: string
}

export const tabUsers = [
  { username: 'ada', password: 'lovelace', sub: 'user-ada', name: 'Ada Lovelace' },
  { username: 'bob', password: 'builder', sub: 'user-bob', name: 'Bob Builder' },
]

/** An event as recorded: `name` is its type (a `message` event has a `type` of its own). */
export type LoggedEvent<T extends AuthEventType = AuthEventType> = {
  [K in T]: { name: K } & AuthEventMap<TabUser>[K]
}[T]

/** Records the events of `client` of the given types, in the order they fire. */
/** An event in a line: its name and its source or reason, if any. */
export const label = (event: LoggedEvent) => [
  event.name,
  'source' in event ? event.source : 'reason' in event ? event.reason : null,
]

export function recordEvents<T extends AuthEventType>(client: AuthClient<TabUser>, types: T[]) {
  const log: LoggedEvent<T>[] = []
  const stops = types.map((type) =>
    client.on(type, (event: AuthEventMap<TabUser>[typeof type]) => {
      log.push({ name: type, ...event } as LoggedEvent<T>)
    }),
  )
  return {
    log,
    stop: () => {
      for (const stop of stops) stop()
    },
  }
}

/** Opens a started tab on `server`; `cleanups` collects what the test's afterEach must undo. */
export function openTab(
  server: TestAuthServer,
  name: string,
  cleanups: Array<() => void>,
  options: AuthClientOptions<TabUser> = {},
) {
  const client = createAuthClient<TabUser>({ transport: server.transport, crossTab: { name }, ...options })
  cleanups.push(() => client.destroy())
  client.start()
  return client
}

/** Lets messages between the tabs (real message ports) and promise chains run, without moving the clock. */
export async function settle() {
  for (let i = 0; i < 5; i += 1) await vi.advanceTimersByTimeAsync(0)
}

/** Moves the fake clock in 10 ms steps until `promise` settles, letting messages land at each step. */
export async function run<T>(promise: Promise<T>): Promise<T> {
  let done = false
  const mark = () => {
    done = true
  }
  promise.then(mark, mark)
  for (let i = 0; i < 1000 && !done; i += 1) await vi.advanceTimersByTimeAsync(10)
  return promise
}

/** Moves the fake clock by `ms` in `step` ms steps, letting messages between the tabs land at each step. */
export async function elapse(ms: number, step = 10) {
  for (let t = 0; t < ms; t += step) await vi.advanceTimersByTimeAsync(Math.min(step, ms - t))
}
