// @vitest-environment node
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createSsrServer, type SsrServer } from '../../example/ssr/createSsrServer'
import { chromiumLaunchOptions } from '../../scripts/chromium.mjs'

// The SSR example (SPEC §5, RELIABILITY #13) in real Chromium: the page is rendered with the session
// `refreshOnServer` got, hydrated with it, and the browser makes no refresh call of its own.

const JWT = /eyJ[\w-]+\.[\w-]+\.[\w-]+/
const EVIL_NAME = '</script><script>window.__xss = 1</script><!--'

const users = [
  {
    id: 'u_alice',
    username: 'alice',
    password: 'alice-password',
    name: 'Alice Admin',
    role: 'admin',
    items: [
      { id: 'a1', title: 'Rotate the signing key', done: false },
      { id: 'a2', title: 'Review access logs', done: true },
    ],
  },
  { id: 'u_mallory', username: 'mallory', password: 'mallory-password', name: EVIL_NAME, role: 'member' },
]

let browser: Browser
const servers: SsrServer[] = []
const contexts: BrowserContext[] = []

beforeAll(async () => {
  browser = await chromium.launch(chromiumLaunchOptions)
})

afterEach(async () => {
  await Promise.all(contexts.splice(0).map((context) => context.close()))
  await Promise.all(servers.splice(0).map((server) => server.close()))
})

afterAll(async () => {
  await browser?.close()
})

async function start() {
  const ssr = await createSsrServer({ log: false, users })
  servers.push(ssr)
  const { url } = await ssr.listen(0)
  const context = await browser.newContext()
  contexts.push(context)
  return { ssr, auth: ssr.auth, url, context }
}

/** A tab that records the paths it requests and everything it logs. */
async function openTab(context: BrowserContext) {
  const page = await context.newPage()
  const requests: string[] = []
  const logs: { type: string; text: string }[] = []
  page.on('request', (request) => requests.push(new URL(request.url()).pathname))
  page.on('console', (message) => logs.push({ type: message.type(), text: message.text() }))
  page.on('pageerror', (error) => logs.push({ type: 'pageerror', text: error.message }))
  return {
    page,
    requests,
    logs,
    refreshCalls: () => requests.filter((path) => path === '/auth/refresh').length,
  }
}

async function logInThroughApi(context: BrowserContext, url: string, username: string) {
  // The context's request API shares the tabs' cookie jar, so this is "signed in on an earlier visit".
  const res = await context.request.post(`${url}/auth/login`, {
    data: { username, password: `${username}-password` },
  })
  expect(res.status()).toBe(200)
}

/** Problems React or the browser reported: hydration mismatches, errors, CSP violations. */
const problems = (logs: { type: string; text: string }[]) =>
  logs.filter(
    (log) =>
      (log.type === 'error' || log.type === 'warning' || log.type === 'pageerror') &&
      // A refused refresh is a 401 the browser logs as a failed resource load; that is not a page problem.
      !/Failed to load resource: the server responded with a status of 401/.test(log.text),
  )

const hydrationWarnings = (logs: { type: string; text: string }[]) =>
  logs.filter((log) => /hydrat|did not match|server rendered HTML/i.test(log.text))

async function scanForTokens(page: Page) {
  return page.evaluate((source) => {
    const jwt = new RegExp(source)
    const found: string[] = []
    const check = (where: string, value: string | null) => {
      if (value && jwt.test(value)) found.push(where)
    }
    check('url', location.href)
    check('history', JSON.stringify(history.state))
    for (let i = 0; i < localStorage.length; i += 1) {
      const key = localStorage.key(i) ?? ''
      check(`localStorage:${key}`, localStorage.getItem(key))
    }
    for (let i = 0; i < sessionStorage.length; i += 1) {
      const key = sessionStorage.key(i) ?? ''
      check(`sessionStorage:${key}`, sessionStorage.getItem(key))
    }
    check('document.cookie', document.cookie)
    check('DOM', document.documentElement.outerHTML)
    return found
  }, JWT.source)
}

describe('server-rendered page with refreshOnServer', () => {
  it('renders the signed-in page on the server and hydrates it with no refresh call from the browser', async () => {
    const { auth, url, context } = await start()
    await logInThroughApi(context, url, 'alice')
    const cookieBefore = (await context.cookies()).find((c) => c.name === 'rjs_refresh')?.value
    const tab = await openTab(context)

    const response = await tab.page.goto(`${url}/`)
    expect(response?.status()).toBe(200)
    const html = (await response?.text()) ?? ''
    // The markup is the authenticated view, not a loading gate or a signed-out view.
    expect(html).toContain('data-testid="profile"')
    expect(html).toMatch(/Signed in as <strong data-testid="user-name">Alice Admin<\/strong>/)
    expect(html).not.toContain('data-testid="loading"')
    expect(html).not.toContain('data-testid="sign-in"')
    expect(html).toMatch(/<script id="rjs-session" type="application\/json">\{"access_token":"eyJ/)
    expect(response?.headers()['cache-control']).toBe('no-store')
    // The server's refresh rotated the cookie and the page passed the new one on to the browser.
    expect(auth.stats.refreshes).toBe(1)
    const setCookie = (await response?.headersArray())?.filter((h) => h.name.toLowerCase() === 'set-cookie')
    expect(setCookie?.some((h) => h.value.startsWith('rjs_refresh='))).toBe(true)
    const cookieAfter = (await context.cookies()).find((c) => c.name === 'rjs_refresh')?.value
    expect(cookieAfter).toBeDefined()
    expect(cookieAfter).not.toBe(cookieBefore)

    // Hydrated and live: the handed-over token works for client.fetch.
    await tab.page.getByRole('button', { name: 'Load my items' }).click()
    await expect.poll(() => tab.page.locator('[data-testid="items"] li').count()).toBe(2)
    await tab.page.waitForLoadState('networkidle')

    expect(tab.refreshCalls()).toBe(0)
    expect(auth.stats).toMatchObject({ refreshes: 1, reuseDetections: 0 })
    expect(tab.requests).toContain('/api/items')
    expect(hydrationWarnings(tab.logs)).toEqual([])
    expect(problems(tab.logs)).toEqual([])

    // The token reached the page only in the HTML: the data block is gone from the DOM, nothing is stored.
    expect(await tab.page.locator('#rjs-session').count()).toBe(0)
    expect(await scanForTokens(tab.page)).toEqual([])
    expect(tab.page.url()).toBe(`${url}/`)
  })

  it('renders again on reload with the rotated cookie: one server refresh per load, no reuse', async () => {
    const { auth, url, context } = await start()
    await logInThroughApi(context, url, 'alice')
    const tab = await openTab(context)
    for (let load = 1; load <= 3; load += 1) {
      const response = await tab.page.goto(`${url}/`)
      expect(await response?.text()).toContain('Alice Admin')
      await expect.poll(() => tab.page.locator('#rjs-session').count()).toBe(0)
      await tab.page.waitForLoadState('networkidle')
      expect(auth.stats.refreshes).toBe(load)
    }
    expect(auth.stats.reuseDetections).toBe(0)
    expect(tab.refreshCalls()).toBe(0)
    expect(hydrationWarnings(tab.logs)).toEqual([])
    expect(problems(tab.logs)).toEqual([])
  })

  it('serves a signed-out visitor the sign-in form, with no refresh call from the browser, then server-renders the next load', async () => {
    const { auth, url, context } = await start()
    const tab = await openTab(context)

    const response = await tab.page.goto(`${url}/`)
    const html = (await response?.text()) ?? ''
    expect(html).not.toContain('data-testid="loading"')
    expect(html).toContain('Sign in')
    expect(html).toContain('<script id="rjs-session" type="application/json">null</script>')
    // No cookie, so the server did not even call the refresh endpoint.
    expect(auth.stats.refreshes).toBe(0)

    // The server found no session (initialSession null): the browser starts signed out and asks nothing.
    await tab.page.getByRole('button', { name: 'Sign in' }).waitFor()
    await tab.page.waitForLoadState('networkidle')
    expect(tab.refreshCalls()).toBe(0)
    await tab.page.getByLabel('Username').fill('alice')
    await tab.page.getByLabel('Password').fill('alice-password')
    await tab.page.getByRole('button', { name: 'Sign in' }).click()
    await tab.page.getByTestId('profile').waitFor()
    expect(auth.stats.logins).toBe(1)

    const reload = await tab.page.goto(`${url}/`)
    expect(await reload?.text()).toContain('data-testid="profile"')
    await tab.page.getByTestId('user-name').waitFor()
    await tab.page.waitForLoadState('networkidle')
    expect(tab.refreshCalls()).toBe(0)
    expect(auth.stats).toMatchObject({ refreshes: 1, reuseDetections: 0 })
    expect(hydrationWarnings(tab.logs)).toEqual([])
    expect(problems(tab.logs)).toEqual([])
  })

  it('escapes the embedded session: a user name that closes the script block stays text', async () => {
    const { url, context } = await start()
    await logInThroughApi(context, url, 'mallory')
    const tab = await openTab(context)

    const response = await tab.page.goto(`${url}/`)
    const html = (await response?.text()) ?? ''
    expect(html).not.toContain('<script>window.__xss')
    expect(html).toContain('\\u003c/script\\u003e\\u003cscript\\u003ewindow.__xss = 1')
    await expect.poll(() => tab.page.locator('#rjs-session').count()).toBe(0)
    await tab.page.waitForLoadState('networkidle')

    expect(await tab.page.getByTestId('user-name').textContent()).toBe(EVIL_NAME)
    expect(await tab.page.evaluate(() => (window as { __xss?: number }).__xss)).toBeUndefined()
    expect(tab.refreshCalls()).toBe(0)
    expect(hydrationWarnings(tab.logs)).toEqual([])
    expect(problems(tab.logs)).toEqual([])
  })

  it('after signing out, the next load is signed out: the server cleared the refresh cookie', async () => {
    const { auth, url, context } = await start()
    await logInThroughApi(context, url, 'alice')
    const tab = await openTab(context)
    await tab.page.goto(`${url}/`)
    await tab.page.getByRole('button', { name: 'Sign out' }).click()
    await tab.page.getByRole('button', { name: 'Sign in' }).waitFor()
    await expect.poll(() => auth.stats.logouts).toBe(1)

    const reload = await tab.page.goto(`${url}/`)
    const html = (await reload?.text()) ?? ''
    expect(html).not.toContain('data-testid="profile"')
    expect(html).toContain('>null</script>')
    expect(auth.stats.refreshes).toBe(1)
  })
})
