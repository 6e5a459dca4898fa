// @vitest-environment node
// `npm run example:oidc`, as the README says: the command starts the OpenID Provider and the page with the
// gateway; a real Chromium opens the page, is sent to the provider's sign-in form, signs in, comes back signed
// in, sees the API answer with the provider's access token, and signs out.
import type { Browser } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { buildDemoApp, collectConsole, launchChromium, runScript, scanForTokens, waitFor } from './support'

const cleanups: Array<() => Promise<unknown>> = []
let browser: Browser
let appDir: string

beforeAll(async () => {
  ;[appDir, browser] = await Promise.all([buildDemoApp('example/oidc/app'), launchChromium()])
})
afterAll(async () => {
  await browser?.close()
})
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

/** Runs the npm script's command; `ready` resolves with the URL it prints, or rejects with its output. */
const startExample = (env: Record<string, string>) =>
  runScript('example/oidc/start.mjs', /OpenID Provider: (http:\/\/127\.0\.0\.1:\d+)/, env)

describe('npm run example:oidc', () => {
  it('opens the page, signs in at the provider, comes back signed in with the API answering, and signs out', async () => {
    const example = startExample({ PORT: '0', PROVIDER_PORT: '0', APP_DIST: appDir })
    cleanups.push(example.stop)
    const url = await example.ready
    const printed = example.output.join('')
    expect(printed).toMatch(/the provider at http:\/\/localhost:\d+ \(another site\)/)

    const context = await browser.newContext()
    cleanups.push(() => context.close())
    const page = await context.newPage()
    const consoleLines = collectConsole(page)
    await page.goto(`${url}/projects`)
    await page.waitForURL((to) => to.hostname === 'localhost')
    await page.locator('input[name="login"]').fill('carol')
    await page.locator('input[name="password"]').fill('any password')
    await page.locator('button[type="submit"]').click()
    await page.getByRole('button', { name: 'Continue' }).click()
    await page.getByRole('heading', { name: 'Hello Carol' }).waitFor()
    expect(new URL(page.url()).pathname).toBe('/projects')
    await page.getByRole('status', { name: 'API user' }).getByText('carol').waitFor()
    expect(await scanForTokens(page, consoleLines)).toEqual([])

    await page.getByRole('link', { name: 'Sign out' }).click()
    await page.getByText('Signed out.').waitFor()
    await waitFor('the session cookie cleared', async () => (await context.cookies(url)).length === 0)
  })
})
