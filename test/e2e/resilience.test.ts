import { describe, expect, it } from 'vitest'
import {
  claimsOf,
  newDemoContext,
  recordApiCalls,
  setUpDemoSuite,
  signIn,
  startDemoServer,
  waitFor,
} from './support'

const suite = setUpDemoSuite()

describe('auth server outage', () => {
  it('keeps the session with an error shown while the server is down, and recovers when it is back', async () => {
    const { auth, url, port, close } = await startDemoServer(suite.appDir, { accessTtl: 4 })
    const context = await newDemoContext(suite.browser)
    try {
      const page = await context.newPage()
      const api = recordApiCalls(page)
      await page.goto(`${url}/login`)
      await signIn(page)
      await page.getByRole('list', { name: 'Items' }).waitFor()
      const first = api[0]?.bearer ?? ''

      // Same instance, same keys and sessions: only the socket goes away.
      await close()
      const banner = page.getByRole('alert').filter({ hasText: 'Could not renew the session.' })
      await banner.waitFor({ timeout: 15_000 })
      expect(await banner.textContent()).toContain('The auth server cannot be reached.')

      // Past the token's expiry the user is still signed in (no redirect to the login page) and told why.
      await waitFor('the token to expire', () => Date.now() > claimsOf(first).exp * 1000 + 250)
      await page.getByText('expired, waiting for the server').waitFor()
      expect(await page.getByRole('heading', { name: 'Dashboard' }).isVisible()).toBe(true)
      // (No gate on the first load: the demo's sessionHint knows this browser never signed in.)
      expect(await page.evaluate(() => window.__views)).toEqual(['login', 'dashboard'])

      await auth.listen(port)
      // The backoff retry (1 s, 2 s, 4 s … with jitter) finds the server again.
      await banner.waitFor({ state: 'detached', timeout: 20_000 })
      await page.getByText('expired, waiting for the server').waitFor({ state: 'detached' })

      const before = api.length
      await page.getByRole('button', { name: 'Reload list' }).click()
      await waitFor('the list to reload', () => api.length > before)
      await page.getByText(/^Loaded at .* through client\.fetch\.$/).waitFor()
      const renewed = api.at(-1)?.bearer ?? ''
      expect(renewed).not.toBe(first)
      expect(claimsOf(renewed).exp * 1000).toBeGreaterThan(Date.now())
      expect(auth.stats).toMatchObject({ logins: 1, reuseDetections: 0 })
      expect(auth.stats.refreshes).toBeGreaterThanOrEqual(1)
      // (No gate on the first load: the demo's sessionHint knows this browser never signed in.)
      expect(await page.evaluate(() => window.__views)).toEqual(['login', 'dashboard'])
    } finally {
      await context.close()
      await close()
    }
  })
})
