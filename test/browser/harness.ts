// Real-Chromium harness: the core client bundled with esbuild, served with a tiny test page by the reference
// auth server (strict rotation, short-lived tokens) on 127.0.0.1, and a scanner that proves no token leaked.
import { mkdir, writeFile } from 'node:fs/promises'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { fileURLToPath } from 'node:url'
import { build, type Plugin } from 'esbuild'
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core'
import { type AuthServer, createAuthServer } from '../../example/server/createServer.js'
import { chromiumLaunchOptions } from '../../scripts/chromium.mjs'

const root = fileURLToPath(new URL('../..', import.meta.url))

/** Anything shaped like a JWT (header.payload.signature, both JSON parts base64url of `{"…`). */
export const JWT_SHAPED = /eyJ[\w-]+\.eyJ[\w-]+\.[\w-]*/

export const REFRESH_COOKIE = 'rjs_refresh'

export function launchChromium(): Promise<Browser> {
  return chromium.launch(chromiumLaunchOptions)
}

let bundled: Promise<string> | undefined

/**
 * `src/core` as one IIFE script that puts `createAuthClient` (and the opt-in `storageEvents`) on
 * `window.ReactJwtSession`. `plugins` build a modified copy of the package (another release of it, say);
 * without them the build is made once and reused.
 */
export function bundleClient(plugins: Plugin[] = []): Promise<string> {
  if (plugins.length === 0) {
    bundled ??= buildClient([])
    return bundled
  }
  return buildClient(plugins)
}

function buildClient(plugins: Plugin[]): Promise<string> {
  return build({
    stdin: {
      contents:
        "import { createAuthClient } from './src/core/index.ts'\nimport { storageEvents } from './src/storageEvents/index.ts'\n" +
        'window.ReactJwtSession = { createAuthClient, storageEvents }\n',
      resolveDir: root,
      sourcefile: 'test-entry.ts',
      loader: 'ts',
    },
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    logLevel: 'silent',
    plugins,
  }).then((result) => {
    const file = result.outputFiles[0]
    if (!file) throw new Error('esbuild produced no output')
    return file.text
  })
}

/**
 * The test page. Query parameters: `name` (channel and lock name), `crossTab=off`, `requestTimeout` (ms),
 * `noBroadcastChannel=1` (BroadcastChannel removed before the client loads, and the page opts in to the
 * storage-event fallback), `build` (which build of
 * the client the page loads). It never logs or stores a token: the tests identify a
 * token by its `jti` claim.
 */
export const pageScript = `
const params = new URLSearchParams(location.search)
const client = window.ReactJwtSession.createAuthClient({
  crossTab:
    params.get('crossTab') === 'off'
      ? false
      : {
          name: params.get('name') || 'rjs-browser-test',
          // The storage-event channel is opt-in: a page without BroadcastChannel opts in to it.
          fallback: params.get('noBroadcastChannel') === '1' ? window.ReactJwtSession.storageEvents : undefined,
        },
  requestTimeout: Number(params.get('requestTimeout') || 10000),
})
const view = document.getElementById('status')
const probe = { changes: 0, transitions: [], renderedAt: [], lifecycle: [], longestStall: 0, refreshCalls: [] }
// The refresh requests this tab sent (when), so a test can tell which tab renewed.
const pageFetch = window.fetch.bind(window)
window.fetch = (input, init) => {
  if (new URL(String(input instanceof Request ? input.url : input), location.href).pathname === '/auth/refresh')
    probe.refreshCalls.push(Date.now())
  return pageFetch(input, init)
}
document.addEventListener('freeze', () => probe.lifecycle.push({ event: 'freeze', at: Date.now() }))
document.addEventListener('resume', () => probe.lifecycle.push({ event: 'resume', at: Date.now() }))
// A heartbeat: the longest time the page's main thread ran nothing proves that a frozen tab was frozen.
let beat = Date.now()
setInterval(() => {
  const at = Date.now()
  probe.longestStall = Math.max(probe.longestStall, at - beat)
  beat = at
}, 100)
const jtiOf = (token) => {
  try {
    return JSON.parse(atob(token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/'))).jti ?? null
  } catch {
    return null
  }
}
const summary = (s) => ({
  status: s.status,
  reason: s.reason,
  user: s.user ? s.user.username : null,
  sub: s.claims ? s.claims.sub : null,
  jti: s.claims ? s.claims.jti : null,
  expiresAt: s.expiresAt,
  // The jti inside the token the tab holds (never the token itself): it must be the jti of \`claims\`.
  tokenJti: jtiOf(s.accessToken),
  refreshing: s.refreshing,
  error: s.error ? s.error.code : null,
})
client.subscribe((s, previous) => {
  probe.changes += 1
  if (s.status !== previous.status || s.claims?.sub !== previous.claims?.sub) {
    const at = Date.now()
    probe.transitions.push({ ...summary(s), at })
    view.textContent = s.status === 'authenticated' ? 'Signed in as ' + s.user.username : s.status
    view.dataset.status = s.status
    // The frame that shows it: the first animation frame after the DOM changed.
    requestAnimationFrame(() => probe.renderedAt.push({ status: s.status, at, rendered: Date.now() }))
  }
})
window.__auth = {
  state: () => summary(client.getState()),
  probe: () => probe,
  login: (username, password) => client.login({ username, password }).then(() => summary(client.getState())),
  logout: (everywhere) => {
    const at = Date.now()
    const done = client.logout({ everywhere: !!everywhere })
    return done.then(() => at)
  },
  logoutAt: () => {
    const at = Date.now()
    void client.logout()
    return at
  },
  refresh: () => client.refresh().then((s) => (s ? s.claims.jti : null), (e) => 'error:' + e.code),
  fetchStatus: (path) => client.fetch(path).then((r) => r.status),
}
client.start()
`

/** The test page, loading the client of `build` (one of the harness's builds; the default one if none). */
export const pageHtml = (build: string) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>react-jwt-session cross-tab test</title></head>
<body><p id="status" data-status="loading">loading</p>
<script>if (new URLSearchParams(location.search).get('noBroadcastChannel') === '1') delete window.BroadcastChannel</script>
<script src="/__test/client.js?build=${encodeURIComponent(build)}"></script>
<script src="/__test/page.js"></script>
</body></html>`

export interface RefreshRecord {
  /** When the request reached the server (epoch ms). */
  at: number
  /** The HTTP status it was answered with (0 when the connection went away first). */
  status: number
}

export interface Harness {
  url: string
  server: AuthServer
  /** Every `POST /auth/refresh` that reached the server, in order. */
  refreshes: RefreshRecord[]
  /** Every log line of the server (scanned for tokens too). */
  serverLog: string[]
  /**
   * Holds the next refresh request before the server looks at it, until `release()` — or drops it unanswered
   * when its page goes away first, as a request lost with a closed tab.
   */
  holdNextRefresh(): { arrived: Promise<void>; release(): void }
  close(): Promise<void>
}

export interface HarnessOptions {
  /** Access-token lifetime of the reference server (s). */
  accessTtl?: number
  /** Further builds of the client by name (e.g. another release); a tab picks one with `TabOptions.build`. */
  builds?: Record<string, string>
}

export async function startHarness({ accessTtl = 3, builds = {} }: HarnessOptions = {}): Promise<Harness> {
  const script = await bundleClient()
  const scriptOf = (build: string | null) => (build ? builds[build] : script)
  const refreshes: RefreshRecord[] = []
  const serverLog: string[] = []
  let hold: { arrive: () => void; released: Promise<void> } | null = null

  const extraRoutes = async (req: IncomingMessage, res: ServerResponse, url: URL) => {
    if (req.method === 'GET' && (url.pathname === '/' || url.pathname === '/index.html')) {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' })
      res.end(pageHtml(url.searchParams.get('build') ?? ''))
      return true
    }
    if (
      req.method === 'GET' &&
      (url.pathname === '/__test/client.js' || url.pathname === '/__test/page.js')
    ) {
      const body = url.pathname.endsWith('client.js') ? scriptOf(url.searchParams.get('build')) : pageScript
      if (body === undefined) throw new Error(`no build named ${url.searchParams.get('build')}`)
      res.writeHead(200, { 'Content-Type': 'text/javascript; charset=utf-8', 'Cache-Control': 'no-store' })
      res.end(body)
      return true
    }
    if (req.method === 'GET' && url.pathname === '/favicon.ico') {
      res.writeHead(204)
      res.end()
      return true
    }
    if (url.pathname === '/auth/refresh') {
      const record: RefreshRecord = { at: Date.now(), status: 0 }
      refreshes.push(record)
      res.on('finish', () => {
        record.status = res.statusCode
      })
      const held = hold
      if (held) {
        hold = null
        held.arrive()
        const gone = new Promise<'gone'>((resolve) => res.on('close', () => resolve('gone')))
        if ((await Promise.race([held.released.then(() => 'released' as const), gone])) === 'gone') {
          res.destroy()
          return true
        }
      }
    }
    return false
  }

  const server = createAuthServer({
    accessTtl,
    extraRoutes,
    log: (line: string) => {
      serverLog.push(line)
    },
  })
  const { url } = await server.listen(0, '127.0.0.1')
  return {
    url,
    server,
    refreshes,
    serverLog,
    holdNextRefresh() {
      let arrive = () => {}
      let release = () => {}
      const arrived = new Promise<void>((resolve) => {
        arrive = resolve
      })
      const released = new Promise<void>((resolve) => {
        release = resolve
      })
      hold = { arrive, released }
      return { arrived, release }
    },
    close: () => server.close(),
  }
}

export interface TabState {
  status: 'loading' | 'authenticated' | 'unauthenticated'
  reason: string | null
  user: string | null
  sub: string | null
  jti: string | null
  expiresAt: number | null
  /** The `jti` inside the token the tab holds; `null` without a (JWT-shaped) token. */
  tokenJti: string | null
  refreshing: boolean
  error: string | null
}

export interface Transition extends TabState {
  at: number
}

export interface Tab {
  page: Page
  /** Console messages and page errors of this page, as text. */
  console: string[]
  state(): Promise<TabState>
  transitions(): Promise<Transition[]>
  waitFor(predicate: (state: TabState) => boolean, timeout?: number): Promise<TabState>
}

export interface TabOptions {
  name?: string
  crossTab?: boolean
  requestTimeout?: number
  noBroadcastChannel?: boolean
  /** Which of the harness's builds of the client the tab loads (default: the package as it is). */
  build?: string
}

/** Opens the test page in a new tab of `context` and waits until its client has settled. */
export async function openTab(
  context: BrowserContext,
  harness: Pick<Harness, 'url'>,
  options: TabOptions = {},
  settled = true,
): Promise<Tab> {
  const page = await context.newPage()
  const messages: string[] = []
  page.on('console', (message) => messages.push(`${message.type()}: ${message.text()}`))
  page.on('pageerror', (error) => messages.push(`pageerror: ${error.message}`))
  const query = new URLSearchParams()
  if (options.name) query.set('name', options.name)
  if (options.crossTab === false) query.set('crossTab', 'off')
  if (options.requestTimeout) query.set('requestTimeout', String(options.requestTimeout))
  if (options.noBroadcastChannel) query.set('noBroadcastChannel', '1')
  if (options.build) query.set('build', options.build)
  await page.goto(`${harness.url}/?${query}`)
  const tab: Tab = {
    page,
    console: messages,
    state: () => page.evaluate(() => window.__auth.state()),
    transitions: () => page.evaluate(() => window.__auth.probe().transitions),
    async waitFor(predicate, timeout = 15_000) {
      const deadline = Date.now() + timeout
      for (;;) {
        const state = await tab.state()
        if (predicate(state)) return state
        if (Date.now() > deadline) throw new Error(`tab state never matched; last: ${JSON.stringify(state)}`)
        await new Promise((resolve) => setTimeout(resolve, 20))
      }
    },
  }
  if (settled) await tab.waitFor((state) => state.status !== 'loading')
  return tab
}

/**
 * Freezes a tab: its main thread runs nothing, its timers and incoming messages queue up, as in a tab Chrome
 * froze in the background. `Page.setWebLifecycleState` is sent first, but this headless Chromium ignores it
 * (no freeze event, timers keep firing), so the tab is also paused in the debugger, which stops it for real.
 * Returns the thaw function.
 */
export async function freezeTab(context: BrowserContext, tab: Tab): Promise<() => Promise<void>> {
  const cdp = await context.newCDPSession(tab.page)
  await cdp.send('Page.setWebLifecycleState', { state: 'frozen' })
  await cdp.send('Debugger.enable')
  await cdp.send('Debugger.pause')
  return async () => {
    await cdp.send('Page.setWebLifecycleState', { state: 'active' })
    await cdp.send('Debugger.resume')
    await cdp.send('Debugger.disable')
    await cdp.detach()
  }
}

export interface LeakReport {
  /** Where a JWT-shaped string was found, e.g. `page 2 localStorage["key"]` (never the token itself). */
  leaks: string[]
  /** The refresh cookie as the browser holds it, if it holds one. */
  refreshCookie: { httpOnly: boolean; sameSite: string; path: string } | null
  /** Whether any page's `document.cookie` mentioned the refresh cookie. */
  refreshCookieVisibleToScript: boolean
}

/**
 * Looks everywhere a token must never be: localStorage, sessionStorage, `document.cookie`, IndexedDB
 * (names and contents), the URL and history length of every page, every console message, and the server log.
 */
export async function scanForTokens(
  context: BrowserContext,
  tabs: Tab[],
  harness?: Pick<Harness, 'serverLog'>,
): Promise<LeakReport> {
  const leaks: string[] = []
  let refreshCookieVisibleToScript = false
  for (const [index, tab] of tabs.entries()) {
    const where = `page ${index}`
    if (tab.page.isClosed()) {
      for (const line of tab.console) if (JWT_SHAPED.test(line)) leaks.push(`${where} console`)
      continue
    }
    const found = await tab.page.evaluate(async (source) => {
      const shaped = new RegExp(source)
      const hits: string[] = []
      const scanStorage = (label: string, storage: Storage) => {
        for (let i = 0; i < storage.length; i += 1) {
          const key = storage.key(i) ?? ''
          if (shaped.test(key) || shaped.test(storage.getItem(key) ?? '')) hits.push(`${label}[${key}]`)
        }
      }
      scanStorage('localStorage', localStorage)
      scanStorage('sessionStorage', sessionStorage)
      if (shaped.test(document.cookie)) hits.push('document.cookie')
      if (shaped.test(location.href)) hits.push('URL')
      if (shaped.test(document.documentElement.outerHTML)) hits.push('DOM')
      const databases = await indexedDB.databases()
      for (const { name } of databases) {
        if (!name) continue
        if (shaped.test(name)) hits.push(`indexedDB name ${name}`)
        const db = await new Promise<IDBDatabase>((resolve, reject) => {
          const open = indexedDB.open(name)
          open.onsuccess = () => resolve(open.result)
          open.onerror = () => reject(open.error)
        })
        for (const store of Array.from(db.objectStoreNames)) {
          const all = await new Promise<unknown[]>((resolve, reject) => {
            const request = db.transaction(store, 'readonly').objectStore(store).getAll()
            request.onsuccess = () => resolve(request.result)
            request.onerror = () => reject(request.error)
          })
          if (shaped.test(JSON.stringify(all))) hits.push(`indexedDB ${name}/${store}`)
        }
        db.close()
      }
      return { hits, cookie: document.cookie }
    }, JWT_SHAPED.source)
    leaks.push(...found.hits.map((hit) => `${where} ${hit}`))
    if (found.cookie.includes(REFRESH_COOKIE)) refreshCookieVisibleToScript = true
    for (const line of tab.console) if (JWT_SHAPED.test(line)) leaks.push(`${where} console`)
  }
  for (const line of harness?.serverLog ?? []) if (JWT_SHAPED.test(line)) leaks.push('server log')
  const cookies = await context.cookies()
  const refresh = cookies.find((cookie) => cookie.name === REFRESH_COOKIE)
  for (const cookie of cookies) {
    // The refresh token is opaque, not a JWT; an access token must never be in any cookie.
    if (JWT_SHAPED.test(cookie.value)) leaks.push(`cookie ${cookie.name}`)
  }
  return {
    leaks,
    refreshCookie: refresh
      ? { httpOnly: refresh.httpOnly, sameSite: refresh.sameSite, path: refresh.path }
      : null,
    refreshCookieVisibleToScript,
  }
}

/** Percentile (nearest rank) of a list of numbers. */
export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b)
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length))
  return sorted[Math.min(sorted.length, rank) - 1] ?? Number.NaN
}

declare global {
  interface Window {
    __auth: {
      state(): TabState
      probe(): {
        changes: number
        transitions: Transition[]
        renderedAt: Array<{ status: string; at: number; rendered: number }>
        lifecycle: Array<{ event: 'freeze' | 'resume'; at: number }>
        longestStall: number
        refreshCalls: number[]
      }
      login(username: string, password: string): Promise<TabState>
      logout(everywhere?: boolean): Promise<number>
      logoutAt(): number
      refresh(): Promise<string | null>
      fetchStatus(path: string): Promise<number>
    }
  }
}

/**
 * Writes the figures a suite reports (never asserts: tests do not time things) to
 * `test-results/{name}-figures.json`, and logs them.
 */
export async function reportFigures(name: string, figures: Record<string, unknown>): Promise<void> {
  await mkdir('test-results', { recursive: true })
  await writeFile(`test-results/${name}-figures.json`, `${JSON.stringify(figures, null, 2)}\n`)
  console.log(`${name} figures:`, JSON.stringify(figures, null, 2))
}
