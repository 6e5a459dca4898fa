import type { ComponentType } from 'react'
import { type AuthClient, createAuthClient } from 'react-jwt-session/core'
import { createTestAuthServer, type TestAuthServer, type TestFault } from 'react-jwt-session/testing'
import { createStoryClock, type StoryClock } from './storyClock'
import { type StoryUser, type StoryUsername, storyUsers } from './storyUsers'

export type StoryFailure = 'none' | TestFault
/** Which auth call the failure hits: the initial refresh, a login, a later refresh, a logout. */
export type FailAt = 'restore' | 'login' | 'renew' | 'logout'

/** The controls every story of the package shares. */
export interface StoryArgs {
  /** Access-token lifetime the test server gives out, in seconds. */
  accessTtl: number
  /** The client's `refreshMargin` in ms; empty for the default (min(60 s, 20 % of the lifetime)). */
  refreshMargin?: number | undefined
  /** Whose refresh cookie the browser still holds from an earlier visit. */
  returningUser: StoryUsername | 'none'
  /** How the auth call chosen by `failAt` fails. */
  failure: StoryFailure
  failAt: FailAt
  /** How many of those calls fail before the server behaves again. */
  failTimes: number
  /** How long each answer of the test server takes, in ms. */
  latency: number
}

export const defaultStoryArgs: StoryArgs = {
  accessTtl: 10,
  returningUser: 'ada',
  failure: 'none',
  failAt: 'renew',
  failTimes: 1,
  latency: 200,
}

const failures: StoryFailure[] = ['none', 'network', 'timeout', '500', '503', '429', 'html', 'hang', 'slow']

/** Controls for the shared args; spread into a meta's `argTypes`. */
export const storyArgTypes = {
  accessTtl: {
    description: 'Access-token lifetime the test server gives out, in seconds.',
    control: { type: 'range', min: 4, max: 900, step: 1 },
    table: { category: 'Test server' },
  },
  latency: {
    description: 'How long each answer of the test server takes, in ms.',
    control: { type: 'range', min: 0, max: 5000, step: 50 },
    table: { category: 'Test server' },
  },
  returningUser: {
    description: 'Whose refresh cookie the browser holds from an earlier visit (`none`: a first visit).',
    control: 'inline-radio',
    options: ['ada', 'grace', 'none'],
    table: { category: 'Test server' },
  },
  failure: {
    description: 'How the auth call chosen by `failAt` fails (`none`: it does not).',
    control: 'select',
    options: failures,
    table: { category: 'Failure' },
  },
  failAt: {
    description: 'The auth call that fails: the initial refresh, a login, a later refresh, or a logout.',
    control: 'inline-radio',
    options: ['restore', 'login', 'renew', 'logout'] satisfies FailAt[],
    table: { category: 'Failure' },
  },
  failTimes: {
    description: 'How many such calls fail before the server behaves again.',
    control: { type: 'number', min: 1, max: 20 },
    table: { category: 'Failure' },
  },
  refreshMargin: {
    description:
      'Client option `refreshMargin`: how long before expiry the refresh starts, in ms. ' +
      'Empty: min(60 s, 20 % of the token lifetime).',
    control: { type: 'number', min: 0, step: 500 },
    table: { category: 'Client' },
  },
} as const

/** The shared args out of a story's args (which may hold others, like `onSignedOut`). */
export function pickStoryArgs(args: Partial<StoryArgs>): StoryArgs {
  const { accessTtl, refreshMargin, returningUser, failure, failAt, failTimes, latency } = {
    ...defaultStoryArgs,
    ...args,
  }
  return { accessTtl, refreshMargin, returningUser, failure, failAt, failTimes, latency }
}

/** Whether the page is online, as the stories' fetch sees it. */
export interface StoryNetwork {
  readonly online: boolean
  /** Going back online fires the window's `online` event, as the browser does. */
  setOnline: (online: boolean) => void
  subscribe: (listener: () => void) => () => void
}

export function createStoryNetwork(): StoryNetwork {
  let online = true
  const listeners = new Set<() => void>()
  return {
    get online() {
      return online
    },
    setOnline(next) {
      if (next === online) return
      online = next
      for (const listener of listeners) listener()
      window.dispatchEvent(new Event(next ? 'online' : 'offline'))
    },
    subscribe(listener) {
      listeners.add(listener)
      return () => {
        listeners.delete(listener)
      }
    },
  }
}

/** Everything a story needs: the client, and the test server, clock and network behind it. */
export interface StoryHarness {
  client: AuthClient<StoryUser>
  server: TestAuthServer
  clock: StoryClock
  network: StoryNetwork
  /** The requests of the page (every tab), with their outcome. */
  log: LoggedRequest[]
  args: StoryArgs
  /** Whether this client is one tab of several (cross-tab sync on, the server shared). */
  crossTab: boolean
  /** Moves the clock to just past the moment the client starts its refresh. */
  skipToRefresh: () => void
  /** Moves the clock to just past the access token's expiry. */
  skipPastExpiry: () => void
}

/** One request as the page saw it: `outcome` is the status, or why there was none. */
export interface LoggedRequest {
  seq: number
  /** Which tab sent it, when there are several. */
  from: string | undefined
  method: string
  path: string
  outcome: string
}

/** What the tabs of one "browser" share: the server (and its cookie jar), the clock, the network. */
export interface SharedBrowser {
  server: TestAuthServer
  clock: StoryClock
  network: StoryNetwork
  /** Every request of every tab, oldest first. */
  log: LoggedRequest[]
  /** The BroadcastChannel (and Web Locks) name; without it the client has cross-tab sync off. */
  channel?: string
}

/** A strict test server, clock and network for one story, with nothing shared. */
export function createStoryBrowser(args: StoryArgs, channel?: string): SharedBrowser {
  const clock = createStoryClock()
  const server = createTestAuthServer({
    accessTtl: args.accessTtl,
    users: storyUsers,
    now: clock.now,
    latency: args.latency,
    slowDelay: 3_000,
  })
  if (args.returningUser !== 'none') server.signIn(args.returningUser)
  return {
    server,
    clock,
    network: createStoryNetwork(),
    log: [],
    ...(channel === undefined ? {} : { channel }),
  }
}

const stageOf = (path: string, client: AuthClient<StoryUser>): FailAt | null => {
  if (path === '/auth/login') return 'login'
  if (path === '/auth/logout' || path === '/auth/logout-all') return 'logout'
  if (path === '/auth/refresh') return client.getState().status === 'authenticated' ? 'renew' : 'restore'
  return null
}

/**
 * A client wired to a strict in-memory test server over its HTTP endpoints (`fetch: server.fetch`): no
 * network, a clock the story controls, and the failure the args ask for injected into the right call.
 * Pass `browser` to put several clients (tabs) on one server, clock and channel.
 */
export function makeStoryClient(
  args: StoryArgs,
  browser: SharedBrowser = createStoryBrowser(args),
  name?: string,
): StoryHarness {
  const { server, clock, network, channel, log } = browser
  let failuresLeft = args.failure === 'none' ? 0 : args.failTimes

  const storyFetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const url = input instanceof Request ? input.url : String(input)
    const path = new URL(url, 'http://localhost').pathname
    const method = (init?.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase()
    const entry: LoggedRequest = { seq: log.length, from: name, method, path, outcome: '…' }
    log.push(entry)
    if (!network.online) {
      entry.outcome = 'offline'
      await Promise.resolve()
      throw new TypeError('Failed to fetch')
    }
    if (args.failure !== 'none' && failuresLeft > 0 && stageOf(path, client) === args.failAt) {
      failuresLeft -= 1
      server.fail(args.failure)
    }
    try {
      const response = await server.fetch(input, init)
      entry.outcome = String(response.status)
      return response
    } catch (error) {
      entry.outcome = (error as Error).name === 'AbortError' ? 'aborted' : 'failed'
      throw error
    }
  }

  const client: AuthClient<StoryUser> = createAuthClient<StoryUser>({
    fetch: storyFetch as typeof fetch,
    now: clock.now,
    crossTab: channel === undefined ? false : { name: channel },
    ...(args.refreshMargin === undefined ? {} : { refreshMargin: args.refreshMargin }),
  })

  return {
    client,
    server,
    clock,
    network,
    log,
    args,
    crossTab: channel !== undefined,
    skipToRefresh() {
      // The client's own schedule: `refreshAt` is when it will renew.
      const { refreshAt } = client.getState()
      if (refreshAt !== null) clock.advance(refreshAt - clock.now() + 50)
    },
    skipPastExpiry() {
      const { expiresAt } = client.getState()
      if (expiresAt !== null) clock.advance(expiresAt - clock.now() + 1_000)
    },
  }
}

let tabStories = 0

/** Several tabs of one browser: one test server (one cookie jar), one clock, one BroadcastChannel name. */
export function makeStoryTabs(args: StoryArgs, count = 2): StoryHarness[] {
  tabStories += 1
  // A name of its own per story render, so tabs of an earlier story (or the docs page) never listen in.
  const channel = `rjs-story-${tabStories}-${Math.random().toString(36).slice(2, 8)}`
  const browser = createStoryBrowser(args, channel)
  return Array.from({ length: count }, (_, index) => makeStoryClient(args, browser, `Tab ${index + 1}`))
}

/**
 * The component a docs page documents (its description and props table). Its stories take the shared
 * story args, not its props, hence the cast.
 */
export const documents = <Args = StoryArgs>(component: unknown) => component as ComponentType<Args>
