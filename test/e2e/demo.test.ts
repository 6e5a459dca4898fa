// @vitest-environment node
// The demo app (example/app) in real Chromium against the reference auth server: sign-in, the loading gate
// on reload, silent renewal, logout and Back.
import { copyFile, mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import type { BrowserContext } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import {
  claimsOf,
  countRequests,
  type DemoServer,
  docsDir,
  newDemoContext,
  recordApiCalls,
  resultsDir,
  setUpDemoSuite,
  signIn,
  startDemoServer,
  waitFor,
} from './support'

const suite = setUpDemoSuite()

async function setup(accessTtl: number, options: Parameters<typeof startDemoServer>[1] = {}) {
  const server: DemoServer = await startDemoServer(suite.appDir, { accessTtl, ...options })
  suite.defer(server.close)
  const context: BrowserContext = await newDemoContext(suite.browser)
  suite.defer(() => context.close())
  const page = await context.newPage()
  return { server, context, page }
}

const views = (page: import('playwright-core').Page) => page.evaluate(() => window.__views ?? [])

describe('demo app', () => {
  it('signs in from the login page to the dashboard, which lists the items loaded with the token', async () => {
    const { server, page } = await setup(30)
    const api = recordApiCalls(page)
    const refreshes = countRequests(page, '/auth/refresh')
    await page.goto(`${server.url}/dashboard`)
    // Never signed in on this browser: no session check (sessionHint), no gate; the guard sends the visitor
    // to the login page, which will bring them back.
    await page.getByRole('heading', { name: 'Sign in' }).waitFor()
    expect(new URL(page.url()).pathname + new URL(page.url()).search).toBe('/login?next=%2Fdashboard')
    expect(await views(page)).toEqual(['login'])
    expect(refreshes.count).toBe(0)

    await mkdir(resultsDir, { recursive: true })
    await page.screenshot({ path: join(resultsDir, 'e2e-login.png') })

    await signIn(page, 'alice')
    expect(new URL(page.url()).pathname).toBe('/dashboard')
    await page.getByRole('list', { name: 'Items' }).getByText('Rotate the signing key').waitFor()
    expect(await page.getByRole('main').textContent()).toContain('Alice Admin')
    expect(api.length).toBe(1)
    expect(api[0]?.bearer).toMatch(/^eyJ/)
    expect(server.auth.stats).toMatchObject({ logins: 1, refreshes: 0 })

    await page.screenshot({ path: join(resultsDir, 'e2e-dashboard.png') })
    // The README's copies are refreshed on demand only, so a test run never dirties the working tree.
    if (process.env.UPDATE_SCREENSHOTS === '1') {
      await mkdir(docsDir, { recursive: true })
      await copyFile(join(resultsDir, 'e2e-login.png'), join(docsDir, 'screenshot-login.png'))
      await copyFile(join(resultsDir, 'e2e-dashboard.png'), join(docsDir, 'screenshot-dashboard.png'))
    }
  })

  it('shows what went wrong at sign-in: wrong password, too many attempts, server unreachable', async () => {
    const { server, page } = await setup(30, { loginRateLimit: { maxFailures: 2 } })
    await page.goto(`${server.url}/login`)
    const alert = page.getByRole('alert')

    await page.getByLabel('Username').fill('alice')
    await page.getByLabel('Password').fill('not-the-password')
    await page.getByRole('button', { name: 'Sign in' }).click()
    await alert.getByText('Wrong username or password.').waitFor()
    expect(await page.getByLabel('Password').getAttribute('aria-invalid')).toBe('true')

    await page.getByRole('button', { name: 'Sign in' }).click()
    await alert.getByText('Wrong username or password.').waitFor()
    await page.getByRole('button', { name: 'Sign in' }).click()
    await alert.getByText(/^Too many attempts\. Try again in \d+ s\.$/).waitFor()

    await page.route('**/auth/login', (route) => route.abort('connectionrefused'))
    await page.getByLabel('Username').fill('bob')
    await page.getByLabel('Password').fill('bob-password')
    await page.getByRole('button', { name: 'Sign in' }).click()
    await alert.getByText('The server could not be reached. Check your connection and try again.').waitFor()

    await page.unroute('**/auth/login')
    await signIn(page, 'bob')
    expect(await page.getByRole('main').textContent()).toContain('Bob Member')
    expect(server.auth.stats).toMatchObject({ logins: 1, failedLogins: 2 })
  })

  it('restores the session on each of 5 reloads behind the gate, with exactly one refresh request each', async () => {
    const { server, page } = await setup(30)
    await page.goto(`${server.url}/login`)
    await signIn(page)
    const refreshes = countRequests(page, '/auth/refresh')
    const before = server.auth.stats.refreshes

    for (let reload = 1; reload <= 5; reload += 1) {
      await page.reload()
      await page.getByRole('heading', { name: 'Dashboard' }).waitFor()
      await page.getByRole('list', { name: 'Items' }).waitFor()
      // The view recorder starts with the new document: the gate came first, then the dashboard, and the
      // login page never showed in between.
      expect(await views(page)).toEqual(['gate', 'dashboard'])
      expect(refreshes.count).toBe(reload)
      expect(server.auth.stats.refreshes).toBe(before + reload)
    }
    expect(server.auth.stats.reuseDetections).toBe(0)
  })

  it('renews the token silently: past the first token’s lifetime, API calls work with a new token', async () => {
    const { server, page } = await setup(3)
    const api = recordApiCalls(page)
    const responses: number[] = []
    page.on('response', (response) => {
      if (new URL(response.url()).pathname.startsWith('/api/')) responses.push(response.status())
    })
    await page.goto(`${server.url}/login`)
    await signIn(page)
    await page.getByRole('list', { name: 'Items' }).waitFor()
    const first = api[0]?.bearer
    expect(first).toMatch(/^eyJ/)

    // Wait until the first token is past its expiry (server clock = this machine's clock).
    const { exp } = claimsOf(first ?? '')
    await waitFor('the first token to expire', () => Date.now() > exp * 1000 + 250)
    expect(server.auth.stats.refreshes).toBeGreaterThanOrEqual(1)

    await page.getByRole('button', { name: 'Reload list' }).click()
    await waitFor('a second /api call', () => api.length >= 2 && responses.length >= 2)
    const second = api[1]?.bearer
    expect(second).toMatch(/^eyJ/)
    expect(second).not.toBe(first)
    expect(claimsOf(second ?? '').exp * 1000).toBeGreaterThan(Date.now())
    // No 401 and so no 401-triggered refresh: the renewal happened before expiry, on the timer.
    expect(responses).toEqual([200, 200])
    expect(await page.getByRole('heading', { name: 'Dashboard' }).isVisible()).toBe(true)
    expect(server.auth.stats.reuseDetections).toBe(0)
  })

  it('stays signed out after logout, on Back and on reload', async () => {
    const { server, page } = await setup(30)
    await page.goto(`${server.url}/login`)
    await signIn(page)
    await page.getByRole('list', { name: 'Items' }).waitFor()

    await page.getByRole('link', { name: 'Sign out', exact: true }).click()
    await page.getByRole('heading', { name: 'Sign in' }).waitFor()
    expect(await page.getByRole('status').filter({ hasText: 'You signed out.' }).count()).toBe(1)
    // A plain login page: whoever signs in next is not sent back to this user's page.
    expect(new URL(page.url()).search).toBe('')
    expect(server.auth.stats.logouts).toBe(1)

    await page.evaluate(() => {
      window.__views = []
    })
    const api = recordApiCalls(page)
    await page.goBack()
    await waitFor('the guard to send Back to the login page', async () => {
      return new URL(page.url()).pathname === '/login' && (await views(page)).length > 0
    })
    expect(new URL(page.url()).search).toBe('')
    expect(await views(page)).not.toContain('dashboard')
    expect(api).toEqual([])

    // A reload finds no session: the sign-out cleared the session hint, so the page does not even ask (no
    // gate, no refresh call); the server cleared the refresh cookie too (security.test.ts checks it).
    const refreshes = countRequests(page, '/auth/refresh')
    await page.reload()
    await page.getByRole('heading', { name: 'Sign in' }).waitFor()
    expect(await views(page)).toEqual(['login'])
    expect(refreshes.count).toBe(0)
    expect(api).toEqual([])
  })
})
