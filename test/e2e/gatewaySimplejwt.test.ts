// @vitest-environment node
// The gateway in front of a real Django REST framework SimpleJWT (Debian's package, ROTATE_REFRESH_TOKENS and
// BLACKLIST_AFTER_ROTATION on: a replayed refresh token is refused "Token is blacklisted"), driven by tabs of
// one real Chromium context. The page holds only the access token; SimpleJWT's refresh token stays sealed in
// the gateway's HttpOnly cookie. A control defeats the gateway's guard (no single flight across requests, no
// reuse interval) and shows the blacklisted refusals and sign-outs the guard prevents.
import { decodeJwt } from 'jose'
import type { Browser, BrowserContext, Response as PageResponse } from 'playwright-core'
import { createSessionGateway, memoryStore, type SessionGateway } from 'react-jwt-session/gateway'
import { simplejwt } from 'react-jwt-session/gateway/simplejwt'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { type SimpleJwtServer, startSimpleJwt } from '../../example/simplejwt/startSimpleJwt.mjs'
import {
  freezeTab,
  launchChromium,
  openTab,
  reportFigures,
  scanForTokens,
  type Tab,
  type TabOptions,
} from '../browser/harness'
import { type GatewayPageServer, serveGateway } from '../servers/serveGateway'
import { sleep } from './support'

const JWT_GLOBAL = /eyJ[\w-]+\.eyJ[\w-]+\.[\w-]*/g
const COOKIE = '__Host-session'
const secret = 'a-test-secret-of-at-least-32-bytes-0123456789'

let browser: Browser
let simple: SimpleJwtServer | undefined
let server: GatewayPageServer | undefined
let context: BrowserContext | undefined
let tabs: Tab[] = []
/** Every answer the pages received, headers and body as text. */
let received: string[] = []
let runs = 0
const figures: Record<string, unknown> = {}

beforeAll(async () => {
  browser = await launchChromium()
})

afterAll(async () => {
  await browser?.close()
  await reportFigures('gateway-simplejwt', figures)
})

afterEach(async () => {
  await context?.close()
  await server?.close()
  await simple?.close()
  context = undefined
  server = undefined
  simple = undefined
})

/**
 * SimpleJWT with `accessTtl`-second access tokens, and `gateways` in front of it on one origin (refresh requests
 * staggered by `staggerMs`, see serveGateway).
 */
async function setup(accessTtl: number, gateways: (upstreamUrl: string) => SessionGateway[], staggerMs = 0) {
  runs += 1
  simple = await startSimpleJwt({ accessTtl, recordTokens: true })
  server = await serveGateway(gateways(simple.url), { apiUrl: simple.url, staggerMs })
  context = await browser.newContext()
  tabs = []
  received = []
  return { simple, server, context }
}

/**
 * The storms' requests reach the gateway this far apart. Sent in one instant, replays of one token can all pass
 * SimpleJWT's blacklist check before the first rotation writes the blacklist (its check and write are not one
 * transaction), so the control would show the race only sometimes; a few hundred ms apart, as requests through a
 * load balancer arrive, SimpleJWT refuses every replay. The gateway's guard must hold either way.
 */
const STAGGER_MS = 250

const guarded = (url: string) => [createSessionGateway({ upstream: simplejwt({ url }), secret })]

/**
 * The gateway with its guard defeated: every request reaches another instance with its own memory, no shared
 * store and no reuse interval, so concurrent refreshes of one cookie each call SimpleJWT with the same token.
 */
const unguarded = (url: string) =>
  Array.from({ length: 5 }, () =>
    createSessionGateway({ upstream: simplejwt({ url }), secret, reuseInterval: 0, store: memoryStore() }),
  )

async function open(options: TabOptions = {}) {
  if (!context || !server) throw new Error('setup() first')
  const tab = await openTab(context, server, { name: `rjs-gateway-${runs}`, ...options })
  tab.page.on('response', (response) => void record(response))
  tabs.push(tab)
  return tab
}

async function record(response: PageResponse) {
  const headers = await response.allHeaders().catch(() => ({}))
  const body = await response.text().catch(() => '')
  received.push(`${response.url()}\n${JSON.stringify(headers)}\n${body}`)
}

const login = (tab: Tab) => tab.page.evaluate(() => window.__auth.login('alice', 'alice-password'))
const states = (list: Tab[]) => Promise.all(list.map((tab) => tab.state()))

/** All tabs at once: focus, visibility and pageshow events, and a refresh() call, as a focus storm. */
const storm = (list: Tab[]) =>
  Promise.all(
    list.map((tab) =>
      tab.page.evaluate(() => {
        window.dispatchEvent(new Event('focus'))
        document.dispatchEvent(new Event('visibilitychange'))
        window.dispatchEvent(new Event('pageshow'))
        return window.__auth.refresh()
      }),
    ),
  )

async function signOutsSince(list: Tab[], since: number) {
  let count = 0
  for (const tab of list) {
    const after = (await tab.transitions()).filter((transition) => transition.at >= since)
    count += after.filter((transition) => transition.status === 'unauthenticated').length
  }
  return count
}

/** A refresh token is one SimpleJWT issued, or any JWT whose payload says `token_type: refresh`. */
function refreshTokensIn(text: string, known: string[]) {
  const found = known.filter((token) => text.includes(token) || text.includes(token.split('.')[2] as string))
  for (const [jwt] of text.matchAll(JWT_GLOBAL)) {
    try {
      if (decodeJwt(jwt).token_type === 'refresh') found.push(jwt)
    } catch {
      // Not a decodable JWT: not a SimpleJWT token.
    }
  }
  return found
}

/** No refresh token anywhere the page can see, and the session cookie HttpOnly and unseen by scripts. */
async function expectNoRefreshTokenInThePage() {
  if (!context || !simple) throw new Error('setup() first')
  const known = (await simple.stats()).refreshTokens
  expect(known.length).toBeGreaterThan(1)
  // Storage, document.cookie, IndexedDB, URL, DOM and console: no JWT-shaped string at all.
  const report = await scanForTokens(context, tabs)
  expect(report.leaks).toEqual([])
  const pageSide = await Promise.all(
    tabs.map((tab) =>
      tab.page.evaluate(() => ({
        cookie: document.cookie,
        storage: JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }),
        dom: document.documentElement.outerHTML,
      })),
    ),
  )
  const visible = [...pageSide.map((side) => JSON.stringify(side)), ...tabs.flatMap((tab) => tab.console)]
  expect(refreshTokensIn(visible.join('\n'), known)).toEqual([])
  expect(pageSide.every((side) => !side.cookie.includes(COOKIE))).toBe(true)
  // Every answer the pages received, headers included: access tokens yes, refresh tokens never.
  expect(received.length).toBeGreaterThan(0)
  expect(received.some((text) => text.includes('access_token'))).toBe(true)
  expect(refreshTokensIn(received.join('\n'), known)).toEqual([])
  const cookies = await context.cookies()
  const session = cookies.find((cookie) => cookie.name === COOKIE)
  expect(session).toMatchObject({ httpOnly: true, secure: true, sameSite: 'Strict', path: '/' })
  for (const cookie of cookies) expect(refreshTokensIn(cookie.value, known)).toEqual([])
}

describe('the gateway in front of a real SimpleJWT, in real Chromium', () => {
  it('5 tabs over 3 token lifetimes, a focus storm and a frozen tab: ≤ lifetimes + 1 refreshes, none refused', async () => {
    const ttl = 5
    const lifetime = ttl * 1000
    const { simple } = await setup(ttl, guarded)
    const list = await Promise.all(Array.from({ length: 5 }, () => open()))
    expect((await states(list)).map((state) => state.status)).toEqual(Array(5).fill('unauthenticated'))

    const t0 = Date.now()
    const signedIn = await login(list[0] as Tab)
    expect(signedIn).toMatchObject({ status: 'authenticated', user: 'alice' })
    for (const tab of list) await tab.waitFor((state) => state.jti === signedIn.jti)
    const before = await simple.stats()
    expect(before).toMatchObject({ logins: 1, refreshes: 0, blacklisted: 0 })

    // Tab 5 is frozen across the first refresh point, past its token's expiry, then thawed.
    const frozen = list[4] as Tab
    const frozenAt = Date.now()
    const thaw = await freezeTab(context as BrowserContext, frozen)
    await sleep(t0 + 1.5 * lifetime - Date.now())
    await thaw()
    const frozenFor = Date.now() - frozenAt
    // A focus storm in every tab at once, mid-lifetime.
    await sleep(t0 + 1.8 * lifetime - Date.now())
    const stormed = await storm(list)
    expect(stormed.every((jti) => typeof jti === 'string' && jti.length > 0)).toBe(true)
    await sleep(t0 + 3 * lifetime - Date.now())

    const { longestStall } = await frozen.page.evaluate(() => window.__auth.probe())
    expect(longestStall).toBeGreaterThan(frozenFor * 0.8)
    const after = await simple.stats()
    figures.fiveTabs = {
      accessTtlSeconds: ttl,
      lifetimes: 3,
      upstreamRefreshes: after.refreshes,
      blacklisted: after.blacklisted,
      gatewayRefreshRequests: server?.requests.filter((request) => request.route === 'refresh').length,
      frozenTabStalledMs: longestStall,
      // Each request to the gateway after the sign-in: [route, ms after it, status].
      timeline: server?.requests
        .filter((request) => request.at >= t0)
        .map((r) => [r.route, r.at - t0, r.status]),
    }
    const timeline = JSON.stringify(
      server?.requests.map((request) => [request.route, request.at - t0, request.status]),
    )
    // A token of 5 s held for 15 s was renewed at least 3 times (before each expiry), at most once more (the storm).
    expect(after.refreshes, timeline).toBeGreaterThanOrEqual(3)
    expect(after.refreshes, timeline).toBeLessThanOrEqual(3 + 1)
    expect(after.blacklisted).toBe(0)
    expect(after.refreshRefusals).toBe(0)
    expect(await signOutsSince(list, t0)).toBe(0)
    const final = await states(list)
    expect(final.map((state) => state.status)).toEqual(Array(5).fill('authenticated'))
    expect(new Set(final.map((state) => state.jti)).size).toBe(1)
    // Django accepts the token every tab holds: none is used past its real expiry.
    const apiCalls = await Promise.all(
      list.map((tab) => tab.page.evaluate(() => window.__auth.fetchStatus('/api/me'))),
    )
    expect(apiCalls).toEqual(Array(5).fill(200))
    expect(server?.apiStatuses).toEqual(Array(5).fill(200))

    await expectNoRefreshTokenInThePage()
  })

  it.each([
    ['at once (single flight)', 0],
    [`${STAGGER_MS} ms apart (reuse interval)`, STAGGER_MS],
  ])(
    'tabs without cross-tab coordination (crossTab: false) storm the gateway %s: one SimpleJWT call a storm',
    async (_, stagger) => {
      const { simple } = await setup(60, guarded, stagger)
      const first = await open({ crossTab: false })
      await login(first)
      for (let i = 1; i < 5; i += 1)
        await (await open({ crossTab: false })).waitFor((s) => s.status === 'authenticated')
      const since = Date.now()
      const base = await simple.stats()

      for (let round = 1; round <= 3; round += 1) {
        const jtis = await storm(tabs)
        // One rotation, the same answer in every tab: the gateway's single flight shared the upstream call.
        expect(new Set(jtis).size).toBe(1)
        expect((await simple.stats()).refreshes - base.refreshes).toBe(round)
      }
      const stats = await simple.stats()
      figures[`stormWithoutCrossTab${stagger ? 'Staggered' : ''}`] = {
        tabs: 5,
        storms: 3,
        upstreamRefreshes: stats.refreshes - base.refreshes,
        blacklisted: stats.blacklisted,
      }
      expect(stats.blacklisted).toBe(0)
      expect(await signOutsSince(tabs, since)).toBe(0)
      expect((await states(tabs)).map((state) => state.status)).toEqual(Array(5).fill('authenticated'))

      await expectNoRefreshTokenInThePage()
    },
  )

  it('a renewal answer lost on the way: the retry with the old cookie gets it again (reuse interval), no refusal', async () => {
    const { simple, server } = await setup(60, guarded)
    const tab = await open()
    const signedIn = await login(tab)
    const since = Date.now()
    const lost = server.loseNextAnswer('refresh')

    // SimpleJWT rotates (and blacklists the old token), the answer is lost, so the browser keeps the old
    // cookie; the client retries the network failure with it.
    const renewed = await tab.page.evaluate(() => window.__auth.refresh())
    await lost

    const stats = await simple.stats()
    const attempts = server.requests.filter((request) => request.route === 'refresh' && request.at >= since)
    figures.lostAnswer = {
      refreshRequests: attempts.map((request) => (request.lost ? 'lost' : request.status)),
      upstreamRefreshes: stats.refreshes,
      blacklisted: stats.blacklisted,
    }
    expect(attempts.map((request) => (request.lost ? 'lost' : request.status))).toEqual(['lost', 200])
    // The retry was answered from the rotation the lost answer carried: no second SimpleJWT call, no refusal.
    expect(stats).toMatchObject({ refreshes: 1, blacklisted: 0, refreshRefusals: 0 })
    expect(renewed).toMatch(/^[\w-]+$/)
    expect(renewed).not.toBe(signedIn.jti)
    expect(await tab.state()).toMatchObject({ status: 'authenticated', jti: renewed })
    // It came with the rotated cookie: the next renewal is an ordinary one.
    expect(await tab.page.evaluate(() => window.__auth.refresh())).toMatch(/^[\w-]+$/)
    expect(await simple.stats()).toMatchObject({ refreshes: 2, blacklisted: 0 })
    await expectNoRefreshTokenInThePage()
  })

  it('control: the lost answer without the reuse interval — SimpleJWT refuses the replayed token, the tab signs out', async () => {
    const { simple, server } = await setup(60, (url) => [
      createSessionGateway({ upstream: simplejwt({ url }), secret, reuseInterval: 0 }),
    ])
    const tab = await open()
    await login(tab)
    const lost = server.loseNextAnswer('refresh')

    const renewed = await tab.page.evaluate(() => window.__auth.refresh())
    await lost

    const stats = await simple.stats()
    figures.lostAnswerControl = { upstreamRefreshes: stats.refreshes, blacklisted: stats.blacklisted }
    expect(stats).toMatchObject({ refreshes: 1, blacklisted: 1 })
    expect(renewed).toBeNull()
    expect(await tab.state()).toMatchObject({ status: 'unauthenticated' })
  })

  it('control: the same storm with the guard defeated replays the refresh token and SimpleJWT refuses it', async () => {
    const { simple } = await setup(60, unguarded, STAGGER_MS)
    const first = await open({ crossTab: false })
    await login(first)
    for (let i = 1; i < 5; i += 1)
      await (await open({ crossTab: false })).waitFor((s) => s.status === 'authenticated')
    const since = Date.now()
    expect((await simple.stats()).blacklisted).toBe(0)

    const results = await storm(tabs)

    const stats = await simple.stats()
    figures.controlGuardDefeated = {
      tabs: 5,
      blacklisted: stats.blacklisted,
      signOuts: await signOutsSince(tabs, since),
    }
    expect(stats.blacklisted).toBeGreaterThan(0)
    expect(results.filter((result) => result === null).length).toBeGreaterThan(0)
    expect(await signOutsSince(tabs, since)).toBeGreaterThan(0)
  })
})
