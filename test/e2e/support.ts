// Shared pieces of the end-to-end tests: the demo app built once, the reference server, Chromium, and a
// scanner that looks for JWT-shaped strings wherever a page could leak one.
import { type ChildProcess, execFile, spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs'
import { mkdir } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll } from 'vitest'
import {
  type AuthServer,
  type AuthServerOptions,
  createAuthServer,
} from '../../example/server/createServer.js'
import { chromiumLaunchOptions } from '../../scripts/chromium.mjs'

const root = fileURLToPath(new URL('../../', import.meta.url))
const run = promisify(execFile)

/** Where the tests put screenshots (gitignored); `docs/` holds the committed copies for the README. */
export const resultsDir = join(root, 'test-results')
export const docsDir = join(root, 'docs')

export const JWT_SHAPE = /eyJ[\w-]+\.eyJ[\w-]+\.[\w-]*/

declare global {
  interface Window {
    /** The views the page showed, in order, recorded from the first byte of the document. */
    __views?: string[]
  }
}

/** Every file an app build depends on (`app` is a folder like `example/app`), hashed: an unchanged tree reuses the last build. */
function sourceHash(app: string) {
  const hash = createHash('sha256')
  const files = [
    ...[app, 'src'].flatMap((dir) =>
      readdirSync(join(root, dir), { recursive: true, withFileTypes: true })
        .filter(
          (entry) =>
            entry.isFile() && !join(entry.parentPath, entry.name).includes(`${join(root, app)}/dist`),
        )
        .map((entry) => join(entry.parentPath, entry.name)),
    ),
    join(root, 'package-lock.json'),
  ].sort()
  for (const file of files) hash.update(relative(root, file)).update('\0').update(readFileSync(file))
  return hash.digest('hex').slice(0, 16)
}

/**
 * Builds an example app (production build; the demo unless `app` names another folder with a
 * vite.config.ts) into a temp dir, once per source tree; returns the dir.
 */
export async function buildDemoApp(app = 'example/app'): Promise<string> {
  const outDir = join(tmpdir(), `rjs-${app.replace(/\W+/g, '-')}-${sourceHash(app)}`)
  if (existsSync(join(outDir, 'index.html'))) return outDir
  const staging = `${outDir}.${process.pid}`
  await mkdir(staging, { recursive: true })
  // A child process, because vitest sets NODE_ENV=test and Vite would then bundle React's development build;
  // the tests drive the production build a user gets from `npm start`.
  const vite = join(root, 'node_modules/vite/bin/vite.js')
  const config = join(root, app, 'vite.config.ts')
  await run(
    process.execPath,
    [vite, 'build', '--config', config, '--outDir', staging, '--logLevel', 'warn'],
    {
      env: { ...process.env, NODE_ENV: 'production' },
    },
  )
  rmSync(outDir, { recursive: true, force: true })
  renameSync(staging, outDir)
  return outDir
}

export interface DemoServer {
  auth: AuthServer
  url: string
  port: number
  close(): Promise<void>
}

/** The reference auth server serving the built app, on a free port of 127.0.0.1. */
export async function startDemoServer(
  staticDir: string,
  options: Omit<AuthServerOptions, 'staticDir'> = {},
): Promise<DemoServer> {
  const auth = createAuthServer({ log: false, ...options, staticDir })
  const { url } = await auth.listen(0)
  return { auth, url, port: Number(new URL(url).port), close: () => auth.close() }
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch(chromiumLaunchOptions)
}

/**
 * A browser context (one "browser profile") for the demo: the test flag that exposes the query client, and
 * a recorder of which view each page showed, in order, from the first render on.
 */
export async function newDemoContext(browser: Browser): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: { width: 960, height: 720 } })
  await context.addInitScript(() => {
    window.__RJS_E2E__ = true
    window.__views = []
    const current = () =>
      document.querySelector('[data-testid="gate"]')
        ? 'gate'
        : document.getElementById('dashboard-title')
          ? 'dashboard'
          : document.getElementById('login-title')
            ? 'login'
            : null
    new MutationObserver(() => {
      const views = window.__views
      const view = current()
      if (views && view !== null && view !== views[views.length - 1]) views.push(view)
    }).observe(document, { childList: true, subtree: true })
  })
  return context
}

/** Console output of a page (and its uncaught errors), collected for the leak scan. */
export function collectConsole(page: Page): string[] {
  const lines: string[] = []
  page.on('console', (message) => lines.push(message.text()))
  page.on('pageerror', (error) => lines.push(`${error.name}: ${error.message}\n${error.stack ?? ''}`))
  return lines
}

/** Signs in through the demo's form and waits for the dashboard. */
export async function signIn(page: Page, username = 'alice', password = `${username}-password`) {
  await page.getByLabel('Username').fill(username)
  await page.getByLabel('Password').fill(password)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await page.getByRole('heading', { name: 'Dashboard' }).waitFor()
}

/** The `Authorization: Bearer` token of each request to `/api/` the page sends, in order. */
export function recordApiCalls(page: Page) {
  const calls: Array<{ url: string; bearer: string | null; at: number }> = []
  page.on('request', (request) => {
    if (!new URL(request.url()).pathname.startsWith('/api/')) return
    const header = request.headers().authorization ?? null
    calls.push({ url: request.url(), bearer: header?.replace(/^Bearer /, '') ?? null, at: Date.now() })
  })
  return calls
}

/** Counts requests to a path (e.g. `/auth/refresh`) the page sends from now on. */
export function countRequests(page: Page, pathname: string) {
  const counter = { count: 0 }
  page.on('request', (request) => {
    if (new URL(request.url()).pathname === pathname) counter.count += 1
  })
  return counter
}

export interface LeakFinding {
  where: string
  sample: string
}

/**
 * Everywhere a page's JavaScript could have written a token: localStorage, sessionStorage,
 * `document.cookie`, IndexedDB (every database, every store), Cache Storage, `window.name`, the URL and
 * history state, plus the console lines given. Returns each JWT-shaped string found, shortened.
 */
export async function scanForTokens(page: Page, consoleLines: string[] = []): Promise<LeakFinding[]> {
  const places = await page.evaluate(async () => {
    const found: Array<{ where: string; text: string }> = []
    const add = (where: string, value: unknown) => {
      found.push({ where, text: typeof value === 'string' ? value : JSON.stringify(value) })
    }
    for (const [name, storage] of [
      ['localStorage', window.localStorage],
      ['sessionStorage', window.sessionStorage],
    ] as const) {
      for (let i = 0; i < storage.length; i++) {
        const key = storage.key(i)
        if (key !== null) add(`${name}[${key}]`, `${key}=${storage.getItem(key)}`)
      }
    }
    add('document.cookie', document.cookie)
    add('window.name', window.name)
    add('location', window.location.href)
    add('history.state', window.history.state)
    for (const info of await indexedDB.databases()) {
      if (!info.name) continue
      const name = info.name
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const request = indexedDB.open(name)
        request.onsuccess = () => resolve(request.result)
        request.onerror = () => reject(request.error)
      })
      for (const store of Array.from(db.objectStoreNames)) {
        const records = await new Promise<unknown[]>((resolve, reject) => {
          const request = db.transaction(store, 'readonly').objectStore(store).getAll()
          request.onsuccess = () => resolve(request.result)
          request.onerror = () => reject(request.error)
        })
        add(`indexedDB ${name}/${store}`, records)
      }
      db.close()
    }
    if ('caches' in window) {
      for (const name of await caches.keys()) {
        const cache = await caches.open(name)
        for (const request of await cache.keys()) {
          const response = await cache.match(request)
          add(`caches ${name}`, `${request.url} ${(await response?.text()) ?? ''}`)
        }
      }
    }
    return found
  })
  consoleLines.forEach((line, i) => {
    places.push({ where: `console #${i}`, text: line })
  })
  return places.flatMap(({ where, text }) => {
    const match = JWT_SHAPE.exec(text)
    return match ? [{ where, sample: `${match[0].slice(0, 24)}…` }] : []
  })
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** Polls `check` until it returns a value other than `undefined`/`false`, or throws after `timeout` ms. */
export async function waitFor<T>(
  what: string,
  check: () => T | undefined | false | Promise<T | undefined | false>,
  timeout = 20_000,
): Promise<T> {
  const until = Date.now() + timeout
  for (;;) {
    const value = await check()
    if (value !== undefined && value !== false) return value
    if (Date.now() > until) throw new Error(`Timed out after ${timeout} ms waiting for ${what}`)
    await sleep(50)
  }
}

/** Decodes a JWT's payload (test side only; the page never does this with its token). */
export function claimsOf(token: string): { exp: number; iat: number; sub: string } {
  const payload = token.split('.')[1] ?? ''
  return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'))
}

/**
 * The hooks every e2e file needs: one Chromium and one build of the demo for the file, and `defer(cleanup)`
 * for what a test opens (servers, contexts), closed after each test in reverse order.
 */
export function setUpDemoSuite() {
  const cleanups: Array<() => Promise<unknown>> = []
  const suite = {
    browser: undefined as unknown as Browser,
    appDir: '',
    defer: (cleanup: () => Promise<unknown>) => {
      cleanups.push(cleanup)
    },
  }
  beforeAll(async () => {
    ;[suite.appDir, suite.browser] = await Promise.all([buildDemoApp(), launchChromium()])
  })
  afterAll(async () => {
    await suite.browser?.close()
  })
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
  })
  return suite
}

/**
 * Runs `node <script>` from the repository root, as its npm script does. `ready` resolves with what `readyLine`
 * captures from the output (the URL the script prints), or rejects with the whole output when the script exits
 * first; `stop` ends it and resolves with its exit code.
 */
export function runScript(script: string, readyLine: RegExp, env: Record<string, string>) {
  const child: ChildProcess = spawn(process.execPath, [script], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const output: string[] = []
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  child.stdout?.on('data', (chunk) => output.push(String(chunk)))
  child.stderr?.on('data', (chunk) => output.push(String(chunk)))
  const ready = new Promise<string>((resolve, reject) => {
    const look = () => {
      const match = readyLine.exec(output.join(''))
      if (match?.[1]) resolve(match[1])
    }
    child.stdout?.on('data', look)
    void exited.then((code) => reject(new Error(`${script} exited (${code}):\n${output.join('')}`)))
  })
  const stop = async () => {
    if (child.exitCode === null) child.kill('SIGTERM')
    return exited
  }
  return { ready, exited, output, stop }
}
