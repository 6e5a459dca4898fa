// @vitest-environment node
// Sign-out across tabs (two pages of one browser context) and across devices (two contexts), in real
// Chromium against the reference auth server.
import type { BrowserContext, Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import {
  type DemoServer,
  newDemoContext,
  recordApiCalls,
  setUpDemoSuite,
  signIn,
  startDemoServer,
} from './support'

const suite = setUpDemoSuite()

async function server(accessTtl: number): Promise<DemoServer> {
  const started = await startDemoServer(suite.appDir, { accessTtl })
  suite.defer(started.close)
  return started
}

async function context(): Promise<BrowserContext> {
  const made = await newDemoContext(suite.browser)
  suite.defer(() => made.close())
  return made
}

const cachedQueries = (page: Page) =>
  page.evaluate(() => window.__rjsDemo?.queryClient.getQueryCache().getAll().length ?? -1)

/** In the page: the `Date.now()` at which the dashboard went away and the login page showed. */
function watchSignOut(page: Page) {
  return page.evaluate(() => {
    const marks: { dashboardGone?: number; loginShown?: number } = {}
    ;(window as unknown as { __signOut: typeof marks }).__signOut = marks
    const observer = new MutationObserver(() => {
      const now = Date.now()
      if (marks.dashboardGone === undefined && !document.getElementById('dashboard-title'))
        marks.dashboardGone = now
      if (marks.loginShown === undefined && document.getElementById('login-title')) {
        marks.loginShown = now
        observer.disconnect()
      }
    })
    observer.observe(document, { childList: true, subtree: true })
  })
}

const signOutMarks = (page: Page) =>
  page.evaluate(
    () => (window as unknown as { __signOut: { dashboardGone?: number; loginShown?: number } }).__signOut,
  )

describe('sign-out', () => {
  it('in one tab signs out the other tab, empties its query cache and stops its API calls', async () => {
    const { url } = await server(30)
    const tabs = await context()
    const a = await tabs.newPage()
    const b = await tabs.newPage()
    await a.goto(`${url}/login`)
    await b.goto(`${url}/login`)

    const latencies: Array<{ dashboardGone: number; loginShown: number }> = []
    const rounds = 5
    for (let round = 0; round < rounds; round++) {
      // Signing in in tab A signs in tab B too; B's login page sends it on to the dashboard.
      await signIn(a)
      await b.getByRole('heading', { name: 'Dashboard' }).waitFor()
      await b.getByRole('list', { name: 'Items' }).waitFor()
      expect(await cachedQueries(b)).toBe(1)

      const bApi = recordApiCalls(b)
      await watchSignOut(b)
      const clickedAt = await a.evaluate(() => {
        const link = document.querySelector<HTMLAnchorElement>('a[href="/logout"]')
        if (!link) throw new Error('no Sign out link')
        const at = Date.now()
        link.click()
        return at
      })
      await b.getByRole('heading', { name: 'Sign in' }).waitFor()
      await a.getByRole('heading', { name: 'Sign in' }).waitFor()
      const marks = await signOutMarks(b)
      latencies.push({
        dashboardGone: (marks.dashboardGone ?? Number.NaN) - clickedAt,
        loginShown: (marks.loginShown ?? Number.NaN) - clickedAt,
      })

      expect(
        await b.getByRole('status').filter({ hasText: 'You were signed out in another tab.' }).count(),
      ).toBe(1)
      expect(await b.getByRole('list', { name: 'Items' }).count()).toBe(0)
      expect(await cachedQueries(b)).toBe(0)
      // Give a stray refetch or retry time to show up: none may carry a token.
      await new Promise((resolve) => setTimeout(resolve, 300))
      expect(bApi.filter((call) => call.bearer !== null)).toEqual([])
    }

    const stat = (key: 'dashboardGone' | 'loginShown') => {
      const sorted = latencies.map((l) => l[key]).sort((x, y) => x - y)
      return `${sorted.join(', ')} ms (median ${sorted[Math.floor(sorted.length / 2)]} ms)`
    }
    console.log(
      `Cross-tab sign-out latency over ${rounds} rounds, click in tab A → tab B:\n` +
        `  dashboard removed: ${stat('dashboardGone')}\n` +
        `  login page shown:  ${stat('loginShown')}`,
    )
  })

  it('everywhere, from a second browser, signs out the first at its next refresh', async () => {
    const { url, auth } = await server(5)
    const laptop = await (await context()).newPage()
    const phone = await (await context()).newPage()
    await laptop.goto(`${url}/login`)
    await signIn(laptop, 'alice')
    // Counted from the sign-in on (the page load's own refresh found no cookie).
    const laptopRefreshes: number[] = []
    laptop.on('response', (response) => {
      if (new URL(response.url()).pathname === '/auth/refresh') laptopRefreshes.push(response.status())
    })
    await phone.goto(`${url}/login`)
    await signIn(phone, 'alice')

    await phone.getByRole('button', { name: 'Sign out everywhere' }).click()
    await phone.getByRole('heading', { name: 'Sign in' }).waitFor()

    // The laptop has no idea yet; its next silent refresh (about 4 s after its sign-in) is refused.
    await laptop.getByRole('heading', { name: 'Sign in' }).waitFor({ timeout: 15_000 })
    expect(laptopRefreshes).toEqual([401])
    expect(await laptop.getByRole('status').filter({ hasText: 'Your session was revoked' }).count()).toBe(1)
    expect(await cachedQueries(laptop)).toBe(0)
    expect(auth.stats).toMatchObject({ logins: 2, refreshes: 0, reuseDetections: 0 })

    // Reloading does not bring it back: the laptop's refresh cookie belongs to a revoked session, and the
    // revocation cleared the demo's session hint, so the reload does not even ask.
    await laptop.reload()
    await laptop.getByRole('heading', { name: 'Sign in' }).waitFor()
    expect(await laptop.evaluate(() => localStorage.length)).toBe(0)
    expect(laptopRefreshes).toEqual([401])
    // Asked anyway, the server refuses the laptop's cookie.
    const again = await laptop.evaluate(() =>
      fetch('/auth/refresh', { method: 'POST' }).then((r) => r.status),
    )
    expect(again).toBe(401)
  })
})
