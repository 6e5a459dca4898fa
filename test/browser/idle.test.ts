// @vitest-environment node
// The idle timeout in real Chromium: two tabs of one browser context (BroadcastChannel and Web Locks are
// real), the reference auth server over HTTP on 127.0.0.1, real time with a short timeout.
import type { IncomingMessage, ServerResponse } from 'node:http'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from 'vitest'
import { type AuthServer, createAuthServer } from '../../example/server/createServer.js'
import { sleep } from '../e2e/support'
import { launchChromium } from './harness'

const root = fileURLToPath(new URL('../..', import.meta.url))
const TIMEOUT = 8_000
const WARNING = 3_000

// The core client and the idle timeout, with what the test reads from the page. No React: the hook and the
// dialog only read what `idleTimeout` publishes, which is what is recorded here.
const entry = `
import { createAuthClient } from './src/core/index.ts'
import { idleTimeout } from './src/idle/idleTimeout.ts'
import { getIdleController } from './src/idle/idleRegistry.ts'
const client = createAuthClient({ crossTab: { name: 'rjs-idle-test' } })
// No name option: the idle timeout reads the client's channel name (getTabInfo().name).
idleTimeout(client, { timeout: ${TIMEOUT}, warning: ${WARNING} })
const idle = getIdleController(client)
const log = []
let last = ''
const record = () => {
  const s = client.getState()
  const { isWarning, remaining } = idle.getSnapshot()
  const line = s.status + ' ' + (s.reason ?? '') + ' ' + (isWarning ? 'warning' : remaining === null ? 'off' : 'active')
  if (line !== last) log.push({ at: Date.now(), status: s.status, reason: s.reason, warning: isWarning })
  last = line
}
client.subscribe(record)
idle.subscribe(record)
window.__idle = {
  state: () => ({ status: client.getState().status, reason: client.getState().reason, ...idle.getSnapshot() }),
  log: () => log,
  login: (username, password) => client.login({ username, password }).then(() => true),
  logout: () => client.logout().then(() => true),
}
client.start()
`

// Wraps setInterval before any script of the page runs: the idle machinery (and the client) must set none.
const countIntervals = `
window.__intervals = 0
const original = window.setInterval
window.setInterval = function (...args) { window.__intervals += 1; return original.apply(this, args) }
`

const html =
  '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>idle test</title></head>' +
  '<body><p>idle test</p><script src="/__idle/page.js"></script></body></html>'

let browser: Browser
let script: string
let server: AuthServer
let url: string
let logoutCalls = 0
let context: BrowserContext

beforeAll(async () => {
  browser = await launchChromium()
  const result = await build({
    stdin: { contents: entry, resolveDir: root, sourcefile: 'idle-entry.ts', loader: 'ts' },
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    logLevel: 'silent',
  })
  script = result.outputFiles[0]?.text ?? ''
})
afterAll(async () => {
  await browser?.close()
})

beforeEach(async () => {
  logoutCalls = 0
  const extraRoutes = (req: IncomingMessage, res: ServerResponse, requestUrl: URL) => {
    if (requestUrl.pathname.startsWith('/auth/logout')) logoutCalls += 1
    if (req.method !== 'GET') return false
    if (requestUrl.pathname === '/' || requestUrl.pathname === '/__idle/page.js') {
      const page = requestUrl.pathname === '/'
      res.writeHead(200, {
        'Content-Type': page ? 'text/html; charset=utf-8' : 'text/javascript; charset=utf-8',
        'Cache-Control': 'no-store',
      })
      res.end(page ? html : script)
      return true
    }
    if (requestUrl.pathname === '/favicon.ico') {
      res.writeHead(204)
      res.end()
      return true
    }
    return false
  }
  server = createAuthServer({ accessTtl: 900, extraRoutes, log: false })
  url = (await server.listen(0, '127.0.0.1')).url
  context = await browser.newContext()
  await context.addInitScript(countIntervals)
})
afterEach(async () => {
  await context?.close()
  await server?.close()
})

interface IdleState {
  status: string
  reason: string | null
  isWarning: boolean
  remaining: number | null
}
interface LogLine {
  at: number
  status: string
  reason: string | null
  warning: boolean
}
declare global {
  interface Window {
    __idle: {
      state(): IdleState
      log(): LogLine[]
      login(username: string, password: string): Promise<boolean>
      logout(): Promise<boolean>
    }
    __releaseIdleLock?: () => void
    __intervals: number
  }
}

async function open(): Promise<Page> {
  const page = await context.newPage()
  const errors: string[] = []
  page.on('pageerror', (error) => errors.push(error.message))
  await page.goto(`${url}/`)
  await page.waitForFunction(() => window.__idle.state().status !== 'loading')
  expect(errors).toEqual([])
  return page
}

/** Tab A signs in; tab B opens beside it and takes the session. */
async function twoSignedInTabs(): Promise<[Page, Page]> {
  const a = await open()
  await a.evaluate(() => window.__idle.login('alice', 'alice-password'))
  const b = await open()
  await b.waitForFunction(() => window.__idle.state().status === 'authenticated')
  return [a, b]
}

const state = (page: Page) => page.evaluate(() => window.__idle.state())

it('activity only in tab A keeps tab B signed in, and unwarned, well past the timeout', async () => {
  const [a, b] = await twoSignedInTabs()
  const started = Date.now()
  // The user works in tab A for twice the timeout: the mouse moves there every 400 ms, never in tab B.
  for (let i = 0; Date.now() - started < 2 * TIMEOUT; i += 1) {
    await a.mouse.move(10 + (i % 50) * 4, 10 + (i % 7) * 10)
    await sleep(400)
  }
  expect(await state(b)).toMatchObject({ status: 'authenticated', isWarning: false })
  expect(await state(a)).toMatchObject({ status: 'authenticated', isWarning: false })
  // Tab B never warned: what it heard from tab A (at most every 3 s) was always in time.
  expect((await b.evaluate(() => window.__idle.log())).filter((line) => line.warning)).toEqual([])
  expect(logoutCalls).toBe(0)
  for (const page of [a, b]) expect(await page.evaluate(() => window.__intervals)).toBe(0)
})

it('no activity anywhere: both tabs warn, both sign out for inactivity, and the server sees one logout', async () => {
  const [a, b] = await twoSignedInTabs()
  const signedIn = Date.now()
  for (const page of [a, b]) {
    await page.waitForFunction(() => window.__idle.state().status === 'unauthenticated', null, {
      timeout: 2 * TIMEOUT,
    })
  }
  await sleep(500)
  for (const page of [a, b]) {
    const log = await page.evaluate(() => window.__idle.log())
    const warned = log.find((line) => line.warning && line.status === 'authenticated')
    const out = log.find((line) => line.status === 'unauthenticated' && line.at > (warned?.at ?? 0))
    // The warning came about `timeout - warning` after the sign-in; the sign-out at the timeout, for 'idle'.
    expect(warned?.at).toBeGreaterThanOrEqual(signedIn + TIMEOUT - WARNING - 1_500)
    expect(out).toMatchObject({ reason: 'idle' })
    expect(await state(page)).toMatchObject({ status: 'unauthenticated', reason: 'idle', remaining: null })
    expect(await page.evaluate(() => window.__intervals)).toBe(0)
  }
  expect(logoutCalls).toBe(1)
  expect(server.stats.logouts).toBe(1)
})

it('an idle sign-out left waiting for the lock does not sign out the next session, in either tab', async () => {
  const [a, b] = await twoSignedInTabs()
  // Tab B holds the idle lock (as a tab busy signing out, or frozen): when the timeout passes, both tabs'
  // sign-outs wait for it.
  await b.evaluate(() => {
    void navigator.locks.request(
      'rjs-idle-test:idle',
      () => new Promise<void>((resolve) => (window.__releaseIdleLock = resolve)),
    )
  })
  await sleep(TIMEOUT + 1_000)
  expect(await state(a)).toMatchObject({ status: 'authenticated' })
  // The user signs out and in again in tab A: a new session in both tabs, with a fresh timeout.
  await a.evaluate(() => window.__idle.logout())
  await b.waitForFunction(() => window.__idle.state().status === 'unauthenticated')
  await a.evaluate(() => window.__idle.login('alice', 'alice-password'))
  await b.waitForFunction(() => window.__idle.state().status === 'authenticated')
  // The lock comes free: the sign-outs of the ended session find nothing to do.
  await b.evaluate(() => window.__releaseIdleLock?.())
  await sleep(1_500)
  expect(await state(a)).toMatchObject({ status: 'authenticated', isWarning: false })
  expect(await state(b)).toMatchObject({ status: 'authenticated', isWarning: false })
  expect(logoutCalls).toBe(1)
})
