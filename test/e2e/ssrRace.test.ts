// @vitest-environment node
// SPEC §13's race in real Chromium: a page load renews on the server with the refresh cookie C while a tab's
// own renewal with the same C is in flight. The server-side refresh cannot take the tabs' Web Lock, so only
// the auth server's reuse interval can make this safe. Run on the React Router example (its build is quick),
// once with the examples' 5 s interval and once, as the control, with none.
import type { Browser, Route } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Example, startExample } from './frameworkExample'
import { launchChromium, waitFor } from './support'

let browser: Browser
beforeAll(async () => {
  browser = await launchChromium()
})
afterAll(async () => {
  await browser?.close()
})

/**
 * Signs in, holds the tab's first silent renewal (sent with cookie C) while a second tab loads the
 * dashboard (the server renews with the same C and hands the page the successor), then lets the held
 * renewal reach the server. Returns what each tab shows afterwards and how a fresh page load fares.
 */
async function raceSsrWithTab(example: Example) {
  const context = await browser.newContext()
  try {
    const login = await context.request.post(`${example.url}/auth/login`, {
      data: { username: 'alice', password: 'alice-password' },
    })
    expect(login.status()).toBe(200)

    let held: { route: Route; cookie: string } | null = null
    const renewals: number[] = []
    await context.route('**/auth/refresh', async (route) => {
      if (held === null) {
        // The browser's own renewal, with the cookie it holds now (C): keep it in flight.
        held = { route, cookie: (await route.request().allHeaders()).cookie ?? '' }
        return
      }
      await route.continue()
    })
    context.on('response', (response) => {
      if (new URL(response.url()).pathname === '/auth/refresh') renewals.push(response.status())
    })

    const tab = await context.newPage()
    await tab.goto(`${example.url}/dashboard`)
    await tab.locator('#dashboard-title').waitFor()
    // ACCESS_TTL is 4 s: the tab renews at about 3 s, and that request is held.
    const inFlight = await waitFor('the tab to start its renewal', () => held ?? false, 15_000)
    expect(inFlight.cookie).toMatch(/rjs_refresh=/)

    // Meanwhile a page load: the server renews with the same cookie C.
    const page = await context.newPage()
    const response = await page.goto(`${example.url}/dashboard`)
    const pageSignedIn = (await response?.text())?.includes('data-testid="user-name">Alice Admin<') ?? false

    // Now the tab's renewal with C reaches the server, after the page load already used C. Chromium attaches
    // cookies when a held request goes on, so C is put back in the jar for it: the request carries the cookie
    // it was sent with.
    const [, value = ''] = /rjs_refresh=([^;]+)/.exec(inFlight.cookie) ?? []
    await context.addCookies([
      { name: 'rjs_refresh', value, url: example.url, httpOnly: true, sameSite: 'Strict' },
    ])
    await inFlight.route.continue()
    // Then the tabs settle: with the session alive, one more renewal succeeds; after a revocation the tabs
    // are signed out, by the other tab's message or by their own refused renewal.
    const shows = async (p: typeof tab) =>
      (await p.locator('#dashboard-title').count()) > 0 ? 'dashboard' : 'signed out'
    await waitFor(
      'a renewal after the held one, or both tabs signed out',
      async () =>
        renewals.length >= 2 || ((await shows(tab)) === 'signed out' && (await shows(page)) === 'signed out'),
      30_000,
    )
    await tab.waitForTimeout(300)

    const tabShows = await shows(tab)
    const pageShows = await shows(page)
    const reload = await context.newPage()
    await reload.goto(`${example.url}/dashboard`)
    return {
      pageSignedIn,
      heldRenewal: renewals[0],
      laterRenewals: renewals.slice(1),
      tabShows,
      pageShows,
      nextLoad: new URL(reload.url()).pathname,
    }
  } finally {
    await context.close()
  }
}

describe('a page load renewing on the server while a tab renews with the same cookie', () => {
  it('is survived with the reuse interval: both tabs stay signed in, the session lives on', async () => {
    const example = await startExample('example/react-router/start.mjs', {
      ACCESS_TTL: '4',
      REUSE_INTERVAL: '5',
    })
    try {
      const { laterRenewals, ...outcome } = await raceSsrWithTab(example)
      expect(laterRenewals.length).toBeGreaterThan(0)
      expect(laterRenewals.every((status) => status === 200)).toBe(true)
      expect(outcome).toEqual({
        pageSignedIn: true,
        heldRenewal: 200,
        tabShows: 'dashboard',
        pageShows: 'dashboard',
        nextLoad: '/dashboard',
      })
    } finally {
      await example.stop()
    }
  }, 600_000)

  it('control: without a reuse interval the same race revokes the session and signs the tabs out', async () => {
    const example = await startExample('example/react-router/start.mjs', {
      ACCESS_TTL: '4',
      REUSE_INTERVAL: '0',
    })
    try {
      const { laterRenewals, ...outcome } = await raceSsrWithTab(example)
      // A tab the sign-out message has not reached yet finds out at its next renewal.
      expect(laterRenewals.every((status) => status === 401)).toBe(true)
      expect(outcome).toEqual({
        pageSignedIn: true,
        heldRenewal: 401,
        tabShows: 'signed out',
        pageShows: 'signed out',
        nextLoad: '/login',
      })
    } finally {
      await example.stop()
    }
  }, 600_000)
})
