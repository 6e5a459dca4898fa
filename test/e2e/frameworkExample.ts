// The framework examples (SPEC §13) driven in real Chromium against their production builds: each example's
// own start script builds it (once per source tree) and serves it with the reference auth server on one
// origin. Both examples show the same views, so one suite checks both.
import { type ChildProcess, spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { JWT_SHAPE, launchChromium, scanForTokens, waitFor } from './support'

const root = fileURLToPath(new URL('../../', import.meta.url))
const JWT_ALL = new RegExp(JWT_SHAPE.source, 'g')

export interface Example {
  url: string
  stop(): Promise<void>
}

/**
 * Runs `node <script>` on a free port and waits for the line with its URL. The script builds the example
 * first when its sources changed, which takes minutes for Next.js on a small machine.
 */
export function startExample(script: string, env: Record<string, string> = {}): Promise<Example> {
  const child: ChildProcess = spawn(process.execPath, [script], {
    cwd: root,
    env: {
      ...process.env,
      NODE_ENV: 'production',
      PORT: '0',
      RJS_LOG: '0',
      NEXT_TELEMETRY_DISABLED: '1',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const output: string[] = []
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null) resolve()
      else {
        child.once('exit', () => resolve())
        child.kill('SIGTERM')
      }
    })
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output.push(chunk.toString())
      const match = /example: (http:\/\/\S+)/.exec(output.join(''))
      if (match?.[1]) resolve({ url: match[1], stop })
    }
    child.stdout?.on('data', onData)
    child.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString()))
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code}:\n${output.join('')}`)))
  })
}

interface Tab {
  page: Page
  logs: { type: string; text: string }[]
  refreshCalls: () => number
  /** The views the tab showed, in order, from the first byte of each document. */
  views: () => Promise<string[]>
}

async function openTab(context: BrowserContext): Promise<Tab> {
  const page = await context.newPage()
  const paths: string[] = []
  const logs: { type: string; text: string }[] = []
  page.on('request', (request) => paths.push(new URL(request.url()).pathname))
  page.on('console', (message) => logs.push({ type: message.type(), text: message.text() }))
  page.on('pageerror', (error) => logs.push({ type: 'pageerror', text: error.message }))
  return {
    page,
    logs,
    refreshCalls: () => paths.filter((path) => path === '/auth/refresh').length,
    views: () => page.evaluate(() => (window as unknown as { __views: string[] }).__views),
  }
}

/** Records which view (dashboard, login) each document showed, from its first parsed node on. */
async function newContext(browser: Browser) {
  const context = await browser.newContext()
  await context.addInitScript(() => {
    const views: string[] = []
    ;(window as unknown as { __views: string[] }).__views = views
    const record = () => {
      const view = document.getElementById('dashboard-title')
        ? 'dashboard'
        : document.getElementById('login-title')
          ? 'login'
          : null
      if (view !== null && view !== views[views.length - 1]) views.push(view)
    }
    new MutationObserver(record).observe(document, { childList: true, subtree: true })
  })
  return context
}

/** Hydration mismatches, React errors, failed scripts: anything but a refused refresh's 401 line. */
const problems = (logs: { type: string; text: string }[]) =>
  logs.filter(
    (log) =>
      (log.type === 'error' || log.type === 'warning' || log.type === 'pageerror') &&
      !/Failed to load resource: the server responded with a status of 401/.test(log.text),
  )

const refreshCookie = async (context: BrowserContext) =>
  (await context.cookies()).find((cookie) => cookie.name === 'rjs_refresh')?.value

export function describeFrameworkExample(name: string, script: string) {
  describe(`${name} example`, () => {
    let example: Example
    let browser: Browser
    const contexts: BrowserContext[] = []

    beforeAll(async () => {
      ;[example, browser] = await Promise.all([startExample(script), launchChromium()])
    }, 900_000)
    afterAll(async () => {
      await browser?.close()
      await example?.stop()
    })
    afterEach(async () => {
      for (const context of contexts.splice(0)) await context.close()
    })

    const context = async () => {
      const made = await newContext(browser)
      contexts.push(made)
      return made
    }
    const logIn = async (ctx: BrowserContext, username = 'alice') => {
      // The context's request API shares the tabs' cookie jar: "signed in on an earlier visit".
      const res = await ctx.request.post(`${example.url}/auth/login`, {
        data: { username, password: `${username}-password` },
      })
      expect(res.status()).toBe(200)
    }

    it('renders the first HTML signed in, passes the rotated cookie on, and the browser makes no refresh call', async () => {
      const ctx = await context()
      await logIn(ctx)
      const before = await refreshCookie(ctx)
      const tab = await openTab(ctx)

      const response = await tab.page.goto(`${example.url}/dashboard`)
      expect(response?.status()).toBe(200)
      const html = (await response?.text()) ?? ''
      expect(html).toContain('data-testid="user-name">Alice Admin<')
      expect(html).toContain('id="dashboard-title"')
      expect(response?.headers()['cache-control']).toMatch(/no-store/)
      const setCookie = (await response?.headersArray())?.filter((h) => h.name.toLowerCase() === 'set-cookie')
      expect(setCookie?.some((h) => h.value.startsWith('rjs_refresh=') && /HttpOnly/i.test(h.value))).toBe(
        true,
      )
      const after = await refreshCookie(ctx)
      expect(after).toMatch(/^[\w-]{43}$/)
      expect(after).not.toBe(before)

      // Hydrated and live: the handed-over token works for client.fetch.
      await tab.page.getByRole('button', { name: 'Load my items' }).click()
      await expect.poll(() => tab.page.getByTestId('items').locator('li').count()).toBe(3)
      await tab.page.waitForLoadState('networkidle')
      expect(tab.refreshCalls()).toBe(0)
      expect(await tab.views()).toEqual(['dashboard'])
      expect(problems(tab.logs)).toEqual([])

      // One token reached the page, in the HTML it was handed; none in storage, cookies visible to JS, the URL.
      expect(new Set(html.match(JWT_ALL) ?? []).size).toBe(1)
      expect(
        await scanForTokens(
          tab.page,
          tab.logs.map((log) => log.text),
        ),
      ).toEqual([])
    })

    it('redirects a signed-out visit to a protected URL on the server, with no flash of it', async () => {
      const ctx = await context()
      const direct = await ctx.request.get(`${example.url}/dashboard`, { maxRedirects: 0 })
      expect(direct.status()).toBeGreaterThanOrEqual(300)
      expect(direct.status()).toBeLessThan(400)
      expect(direct.headers().location).toMatch(/^(http:\/\/[^/]+)?\/login\?next=%2Fdashboard$/)
      expect(await direct.text()).not.toContain('dashboard-title')

      const tab = await openTab(ctx)
      await tab.page.goto(`${example.url}/dashboard`)
      await tab.page.locator('#login-title').waitFor()
      expect(new URL(tab.page.url()).pathname).toBe('/login')
      await tab.page.waitForLoadState('networkidle')
      expect(await tab.views()).toEqual(['login'])
      expect(problems(tab.logs)).toEqual([])
    })

    it('signs in through the form, and sign-out in one tab reaches the other', async () => {
      const ctx = await context()
      const a = await openTab(ctx)
      await a.page.goto(`${example.url}/dashboard`)
      await a.page.getByLabel('Username').fill('bob')
      await a.page.getByLabel('Password').fill('bob-password')
      await a.page.getByRole('button', { name: 'Sign in' }).click()
      await a.page.locator('#dashboard-title').waitFor()
      expect(new URL(a.page.url()).pathname).toBe('/dashboard')
      // The sign-in set the cookie; the client-side navigations and prefetches since then renewed nothing
      // on the server (a renewal would have rotated it).
      const signedInCookie = await refreshCookie(ctx)
      const refreshesSignedOut = a.refreshCalls()
      await a.page.getByRole('link', { name: 'Home' }).click()
      await a.page.getByRole('link', { name: 'Dashboard' }).click()
      await a.page.locator('#dashboard-title').waitFor()
      await a.page.waitForLoadState('networkidle')
      expect(await refreshCookie(ctx)).toBe(signedInCookie)
      expect(a.refreshCalls()).toBe(refreshesSignedOut)

      // The second tab is rendered signed in by the server with the cookie the first tab's sign-in set.
      const b = await openTab(ctx)
      const response = await b.page.goto(`${example.url}/dashboard`)
      expect(await response?.text()).toContain('data-testid="user-name">Bob Member<')
      await b.page.waitForLoadState('networkidle')

      await a.page.getByRole('button', { name: 'Sign out', exact: true }).click()
      await b.page.locator('#login-title').waitFor()
      await a.page.locator('#login-title').waitFor()
      await waitFor('the refresh cookie to be cleared', async () => (await refreshCookie(ctx)) === undefined)
      // The server agrees: a reload of the protected page is redirected.
      await b.page.reload()
      expect(new URL(b.page.url()).pathname).toBe('/login')
      expect(problems(a.logs)).toEqual([])
      expect(problems(b.logs)).toEqual([])
    })

    it('signs out everywhere: another browser loses its session too', async () => {
      const laptop = await context()
      const phone = await context()
      await logIn(laptop)
      await logIn(phone)
      const a = await openTab(laptop)
      const b = await openTab(phone)
      await a.page.goto(`${example.url}/dashboard`)
      await b.page.goto(`${example.url}/dashboard`)
      await a.page.getByRole('button', { name: 'Sign out everywhere' }).click()
      await a.page.locator('#login-title').waitFor()
      // The phone's refresh token was revoked: its next page load is redirected by the server.
      await b.page.reload()
      expect(new URL(b.page.url()).pathname).toBe('/login')
    })
  })
}
