// @vitest-environment node
import { readFile } from 'node:fs/promises'
import type { Plugin } from 'esbuild'
import type { Browser, BrowserContext } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { sleep } from '../e2e/support'
import {
  bundleClient,
  type Harness,
  launchChromium,
  openTab,
  scanForTokens,
  startHarness,
  type Tab,
  type TabOptions,
} from './harness'

// Tabs of two releases of the package open side by side in one Chromium context, as after a deploy: the tab
// opened before it runs this build, a tab opened after it runs "the next release" — a copy of the package
// built with another cross-tab protocol version and a changed message shape (its session messages name the
// token `token`, not `accessToken`), as a later release that reshapes a message would. Against the reference
// server (strict refresh-token rotation, a replayed token revokes the session and is counted), tokens living 3 s.
//
// Controls built the same way show each guard matters: this release with the version check removed takes the
// next release's session messages and ends up with the claims of one token and the bytes of another; a next
// release that renamed the refresh lock replays the refresh token when both tabs renew at once.
//
// Across versions no session is handed over (that is what ignoring a message means), so each release's tab
// keeps a session of its own and renews it itself: one refresh per token lifetime for each of the two
// tokens, serialized by the shared lock.

const ttl = 3 // s
const lifetime = ttl * 1000
const alice = ['alice', 'alice-password'] as const
/** Replaces `from` by `to` in `source`, failing the build when `from` is not there (the source moved on). */
function replaceOnce(source: string, from: string, to: string): string {
  if (!source.includes(from))
    throw new Error(`release build: \`${from}\` not found in the source it rewrites`)
  return source.replace(from, to)
}

/** How one build of the package differs from this one: a rewrite for each `src/core` module it changes. */
type Release = Partial<Record<'tabProtocol' | 'crossTab' | 'withLock', (source: string) => string>>

/** An esbuild plugin that rewrites the named `src/core` modules for one build of the package. */
const rewriteRelease = (release: Release): Plugin => ({
  name: 'rewrite-release',
  setup(build) {
    for (const [module, rewrite] of Object.entries(release)) {
      build.onLoad({ filter: new RegExp(`src[\\\\/]core[\\\\/]${module}\\.ts$`) }, async (args) => ({
        contents: rewrite(await readFile(args.path, 'utf8')),
        loader: 'ts',
      }))
    }
  },
})

/**
 * The next release's wire format: protocol version 2, and its session messages carry the token as `token`.
 * It shadows `BroadcastChannel` inside its own crossTab module only, so the rest of the package is untouched.
 */
const nextRelease: Release = {
  tabProtocol: (source) =>
    replaceOnce(source, 'export const TAB_PROTOCOL = 1', 'export const TAB_PROTOCOL = 2'),
  crossTab: (source) => `${nextWire}\n${source}`,
}
const nextWire = `
const PageChannel = globalThis.BroadcastChannel
const renameOut = (data) => {
  if (!data || !data.session) return data
  const { accessToken, ...session } = data.session
  return { ...data, session: { ...session, token: accessToken } }
}
const renameIn = (data) =>
  data && data.session && 'token' in data.session
    ? { ...data, session: { ...data.session, accessToken: data.session.token } }
    : data
const BroadcastChannel = typeof PageChannel === 'function'
  ? class extends PageChannel {
      postMessage(data) { super.postMessage(renameOut(data)) }
      set onmessage(listener) { super.onmessage = listener && ((event) => listener({ data: renameIn(event.data) })) }
    }
  : undefined
`

/** This release with the version check removed: every message is treated as one it knows. */
const withoutVersionCheck: Release = {
  tabProtocol: (source) => replaceOnce(source, 'v === TAB_PROTOCOL', 'true'),
}

/** The next release, had it renamed the refresh lock. */
const nextWithOwnLock: Release = {
  ...nextRelease,
  withLock: (source) => replaceOnce(source, ':refresh`', ':refresh:v2`'),
}

let browser: Browser
/** The builds a scenario can load, each made (once) by the first scenario that needs it. */
const makers: Record<string, Release> = {
  next: nextRelease,
  unguarded: withoutVersionCheck,
  nextOwnLock: nextWithOwnLock,
}
const made = new Map<string, Promise<string>>()
const buildOf = (name: string) => {
  const maker = makers[name]
  if (!maker) throw new Error(`no build named ${name}`)
  if (!made.has(name)) made.set(name, bundleClient([rewriteRelease(maker)]))
  return made.get(name)!
}
let harness: Harness
let context: BrowserContext
let tabs: Tab[] = []
let runs = 0
let channel = ''
/** Whether the scenario ends with the browser holding a live refresh cookie (checked to be HttpOnly). */
let expectCookie = true

beforeAll(async () => {
  browser = await launchChromium()
})

afterAll(async () => {
  await browser?.close()
})

/** A fresh server and browser context serving this release and the builds named. */
async function setup(...names: string[]) {
  runs += 1
  channel = `rjs-releases-${runs}`
  expectCookie = true
  const builds = Object.fromEntries(await Promise.all(names.map(async (name) => [name, await buildOf(name)])))
  harness = await startHarness({ accessTtl: ttl, builds })
  context = await browser.newContext()
  tabs = []
}

afterEach(async () => {
  try {
    const report = await scanForTokens(context, tabs, harness)
    expect(report.leaks).toEqual([])
    expect(report.refreshCookieVisibleToScript).toBe(false)
    if (expectCookie) expect(report.refreshCookie).toMatchObject({ httpOnly: true, sameSite: 'Strict' })
    // No page threw: a message of another release is ignored quietly. (The browser's own "Failed to load
    // resource" lines for the 401 of a refresh with no session are not the page's errors.)
    const errors = tabs.flatMap((tab) => tab.console.filter((line) => /^(error|pageerror)/.test(line)))
    expect(errors.filter((line) => !line.includes('Failed to load resource'))).toEqual([])
  } finally {
    await context.close()
    await harness.close()
  }
})

async function open(options: TabOptions = {}) {
  const tab = await openTab(context, harness, { name: channel, ...options })
  tabs.push(tab)
  return tab
}

const login = (tab: Tab, [username, password] = alice) =>
  tab.page.evaluate(([u, p]) => window.__auth.login(u, p), [username, password] as const)

const refreshCalls = (tab: Tab) => tab.page.evaluate(() => window.__auth.probe().refreshCalls)

/**
 * A tab of this release (or of `options.build`) signed in, then a tab of `next` opened beside it, as after a
 * deploy. The new tab asks the open tabs for the session, but they speak another version: it restores the
 * session with the browser's cookie instead.
 */
async function twoReleases(next: string, options: TabOptions = {}) {
  const a = await open(options)
  const signedIn = await login(a)
  const b = await open({ ...options, build: next })
  return { a, b, signedIn }
}

describe('tabs of two releases side by side', () => {
  it('both stay signed in, each session renewed once per lifetime, no refresh token replayed', async () => {
    await setup('next')
    const { a, b, signedIn } = await twoReleases('next')

    // B could not be handed A's session (another version): it restored it with one refresh of its own.
    const restored = await b.state()
    expect(restored).toMatchObject({ status: 'authenticated', user: 'alice', tokenJti: restored.jti })
    expect(await refreshCalls(b)).toHaveLength(1)
    // A ignored B's restored session (the next release's shape): it still holds its own token, the one its
    // claims describe, and its only refresh call is the one it made on load, before anyone had signed in.
    expect(await a.state()).toMatchObject({
      status: 'authenticated',
      jti: signedIn.jti,
      tokenJti: signedIn.jti,
    })
    expect(await refreshCalls(a)).toHaveLength(1)

    const t0 = Date.now()
    await sleep(3 * lifetime)

    // Two sessions live side by side (one per release), and each is renewed by its own tab, at most once
    // per lifetime: the shared refresh lock serializes the two, so the rotating refresh token is never replayed.
    const timeline = JSON.stringify(harness.refreshes.map((record) => [record.at - t0, record.status]))
    for (const tab of [a, b]) {
      const calls = (await refreshCalls(tab)).filter((at) => at >= t0)
      const gaps = calls.slice(1).map((at, i) => at - calls[i]!)
      expect(calls.length, timeline).toBeGreaterThanOrEqual(3)
      expect(calls.length, timeline).toBeLessThanOrEqual(4)
      expect(
        gaps.every((gap) => gap > lifetime / 2),
        timeline,
      ).toBe(true)
    }
    expect(harness.refreshes.filter((record) => record.at >= t0 && record.status !== 200)).toEqual([])
    expect(harness.server.stats.reuseDetections).toBe(0)
    for (const tab of [a, b]) {
      const state = await tab.state()
      expect(state).toMatchObject({ status: 'authenticated', user: 'alice', tokenJti: state.jti })
      const after = (await tab.transitions()).filter((transition) => transition.at >= t0)
      expect(after.map((transition) => transition.status)).not.toContain('unauthenticated')
      // The token each tab holds is one the API accepts.
      expect(await tab.page.evaluate(() => window.__auth.fetchStatus('/api/me'))).toBe(200)
    }
  })

  it('refreshes of both releases at the same moment wait for each other on the one lock name', async () => {
    await setup('next')
    const { a, b } = await twoReleases('next')
    const before = await Promise.all([a.state(), b.state()])
    const since = Date.now()

    // A's refresh reaches the server and is held there, A holding the lock; then B wants to renew too.
    const hold = harness.holdNextRefresh()
    const renewedA = a.page.evaluate(() => window.__auth.refresh())
    await hold.arrived
    const renewedB = b.page.evaluate(() => window.__auth.refresh())
    await sleep(500)
    const arrivedWhileHeld = harness.refreshes.filter((record) => record.at >= since).length
    hold.release()
    const jtis = await Promise.all([renewedA, renewedB])

    // B waited for the lock A held, so it sent the cookie A's refresh rotated, not the one A had sent.
    expect(arrivedWhileHeld).toBe(1)
    expect(harness.refreshes.filter((record) => record.at >= since).map((record) => record.status)).toEqual([
      200, 200,
    ])
    expect(harness.server.stats.reuseDetections).toBe(0)
    expect(jtis[0]).not.toBe(before[0]?.jti)
    expect(jtis[1]).not.toBe(before[1]?.jti)
    for (const tab of [a, b]) {
      const state = await tab.state()
      expect(state).toMatchObject({ status: 'authenticated', tokenJti: state.jti })
    }
  })

  it('sign-out in either tab reaches the other; a sign-in does not cross versions', async () => {
    await setup('next')
    expectCookie = false
    const { a, b } = await twoReleases('next')

    // Sign-out in the next release's tab: every version honours it.
    await b.page.evaluate(() => window.__auth.logout())
    expect(await a.waitFor((state) => state.status === 'unauthenticated')).toMatchObject({
      reason: 'other-tab',
      user: null,
      tokenJti: null,
    })

    // A signs in again. B does not adopt a session of a version it does not know (it would sign in on reload).
    const again = await login(a)
    await sleep(300)
    expect(await b.state()).toMatchObject({ status: 'unauthenticated', reason: 'logout' })

    // A tab of the next release opened now restores the session; sign-out in this release's tab reaches it.
    const c = await open({ build: 'next' })
    const restored = await c.state()
    expect(restored).toMatchObject({ status: 'authenticated', user: 'alice', tokenJti: restored.jti })
    expect(restored.jti).not.toBe(again.jti)
    await a.page.evaluate(() => window.__auth.logout())
    expect(await c.waitFor((state) => state.status === 'unauthenticated')).toMatchObject({
      reason: 'other-tab',
      tokenJti: null,
    })
    expect(await c.page.evaluate(() => window.__auth.fetchStatus('/api/me'))).toBe(401)
    expect(harness.server.stats.reuseDetections).toBe(0)
  })

  it('without BroadcastChannel, sign-out crosses releases through the storage key { type, at, v }', async () => {
    await setup('next')
    expectCookie = false
    const { a, b } = await twoReleases('next', { noBroadcastChannel: true })
    expect(await b.page.evaluate(() => typeof window.BroadcastChannel)).toBe('undefined')
    expect(await b.state()).toMatchObject({ status: 'authenticated', user: 'alice' })

    await b.page.evaluate(() => window.__auth.logout())
    const stored = await b.page.evaluate((key) => localStorage.getItem(key), `${channel}:event`)
    expect(JSON.parse(stored ?? 'null')).toEqual({ type: 'logout', at: expect.any(Number), v: 2 })
    expect(await a.waitFor((state) => state.status === 'unauthenticated')).toMatchObject({
      reason: 'other-tab',
    })
  })
})

describe('controls: each guard matters', () => {
  it('this release without the version check takes the next release’s session: its claims and token no longer match', async () => {
    await setup('next', 'unguarded')
    // The steps of the first test above, with A on this release built without the version check.
    const { a, b, signedIn } = await twoReleases('next', { build: 'unguarded' })
    const restored = await b.state()
    expect(restored).toMatchObject({ status: 'authenticated', tokenJti: restored.jti })

    // B's restored session (its token renamed) reached A, which read it as its own shape: A took B's claims and
    // expiry but, finding no \`accessToken\` in it, kept its old token. What the first test asserts of A — signed
    // in with its own token, the one its claims describe — fails: A's state now mixes two tokens.
    const state = await a.waitFor((s) => s.jti !== signedIn.jti)
    expect(state).toMatchObject({ status: 'authenticated', jti: restored.jti, tokenJti: signedIn.jti })
    expect(state.tokenJti).not.toBe(state.jti)
  })

  it('a next release with its own lock name replays the refresh token when both tabs renew at once', async () => {
    await setup('nextOwnLock')
    expectCookie = false
    const { a, b } = await twoReleases('nextOwnLock')
    const since = Date.now()

    const hold = harness.holdNextRefresh()
    const renewedA = a.page.evaluate(() => window.__auth.refresh())
    await hold.arrived
    const renewedB = b.page.evaluate(() => window.__auth.refresh())
    await sleep(500)
    const arrivedWhileHeld = harness.refreshes.filter((record) => record.at >= since).length
    hold.release()
    await Promise.all([renewedA, renewedB])

    // B did not wait: both requests carried the same refresh token, and the server saw it replayed.
    expect(arrivedWhileHeld).toBe(2)
    expect(harness.server.stats.reuseDetections).toBeGreaterThan(0)
    expect((await Promise.all([a.state(), b.state()])).map((state) => state.status)).toContain(
      'unauthenticated',
    )
  })
})
