// @vitest-environment node
// Sign-in with a real OpenID Provider through the gateway, in Chromium: oidc-provider on localhost, the page
// (example/oidc/app: the core client with no options and a RequireAuth fallback that sends a signed-out visit
// to /auth/login) with the gateway on 127.0.0.1 — two sites. A protected page → the provider's sign-in form →
// back on that page signed in; three tabs over two access-token lifetimes with rotating refresh tokens; a
// replayed callback; sign-out revoking at the provider; opaque and JWT access tokens; no token anywhere the
// page's script, the URL or the console could show it.
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { createSessionGateway, type SessionGateway } from 'react-jwt-session/gateway'
import { oidc } from 'react-jwt-session/gateway/oidc'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { startProvider } from '../../example/oidc/provider.mjs'
import { type OidcExample, startOidcExample } from '../../example/oidc/server'
import { openTab } from '../browser/harness'
import { serveGateway } from '../servers/serveGateway'
import {
  buildDemoApp,
  collectConsole,
  JWT_SHAPE,
  launchChromium,
  scanForTokens,
  sleep,
  waitFor,
} from './support'

const cleanups: Array<() => Promise<unknown>> = []
const suite = {
  browser: undefined as unknown as Browser,
  appDir: '',
  defer: (cleanup: () => Promise<unknown>) => cleanups.push(cleanup),
}
beforeAll(async () => {
  ;[suite.appDir, suite.browser] = await Promise.all([buildDemoApp('example/oidc/app'), launchChromium()])
})
afterAll(async () => {
  await suite.browser?.close()
})
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

async function setup(options: { accessTokenTtl?: number; accessTokenFormat?: 'opaque' | 'jwt' } = {}) {
  const example: OidcExample = await startOidcExample({
    staticDir: suite.appDir,
    secret: 'a-test-secret-of-at-least-thirty-two-bytes!',
    accessTokenTtl: options.accessTokenTtl ?? 30,
    accessTokenFormat: options.accessTokenFormat ?? 'opaque',
    onError: () => {},
  })
  suite.defer(example.close)
  const context: BrowserContext = await suite.browser.newContext()
  suite.defer(() => context.close())
  return { example, context }
}

/** A tab that records its console, the Bearer tokens it sends and the callback URLs it visits. */
async function tab(context: BrowserContext) {
  const page = await context.newPage()
  const consoleLines = collectConsole(page)
  const bearers: string[] = []
  const callbacks: string[] = []
  page.on('request', (request) => {
    const authorization = request.headers().authorization
    if (authorization?.startsWith('Bearer ')) bearers.push(authorization.slice(7))
    if (new URL(request.url()).pathname === '/auth/callback') callbacks.push(request.url())
  })
  return { page, consoleLines, bearers, callbacks }
}

/** On the provider's pages: its sign-in form (any password), then its consent form. */
async function signInAtProvider(page: Page, login: string) {
  await page.waitForURL((url) => url.hostname === 'localhost')
  await page.locator('input[name="login"]').fill(login)
  await page.locator('input[name="password"]').fill('any password')
  await page.locator('button[type="submit"]').click()
  await page.getByRole('button', { name: 'Continue' }).click()
}

/** Every place the page's script, its URL or its console could have kept a token, as text. */
async function visibleText(page: Page, consoleLines: string[]) {
  const inPage = await page.evaluate(() =>
    [
      JSON.stringify({ ...localStorage }),
      JSON.stringify({ ...sessionStorage }),
      document.cookie,
      location.href,
      JSON.stringify(history.state),
      document.documentElement.outerHTML,
    ].join('\n'),
  )
  return `${inPage}\n${consoleLines.join('\n')}`
}

describe('sign-in with an OpenID Provider (Chromium, oidc-provider)', () => {
  it('a protected page → the provider’s sign-in form → back on that page signed in; the tokens stay where they belong', async () => {
    const { example, context } = await setup()
    const { page, consoleLines, bearers, callbacks } = await tab(context)
    await page.goto(`${example.url}/reports/2026?view=table#q4`)
    await signInAtProvider(page, 'alice')
    await page.getByRole('heading', { name: 'Hello Alice' }).waitFor()
    expect(page.url()).toBe(`${example.url}/reports/2026?view=table#q4`)
    // The API gets the provider's opaque access token and knows who it belongs to.
    await page.getByRole('status', { name: 'API user' }).getByText('alice').waitFor()
    expect(bearers.length).toBeGreaterThan(0)
    for (const token of bearers) expect(token).not.toMatch(JWT_SHAPE)
    expect(example.provider.stats).toMatchObject({ authorizationCodeGrants: 1, refusedGrants: 0 })
    expect(callbacks).toHaveLength(1)

    // The session cookie is HttpOnly and sealed; the transaction cookie is gone.
    const cookies = await context.cookies(example.url)
    expect(cookies.map((c) => c.name)).toEqual(['__Host-session'])
    expect(cookies[0]).toMatchObject({ httpOnly: true, secure: true, sameSite: 'Strict', path: '/' })
    const secrets = [...bearers, ...example.provider.refreshTokens]
    for (const secret of secrets) expect(cookies[0]?.value).not.toContain(secret)
    const text = await visibleText(page, consoleLines)
    for (const secret of secrets) expect(text).not.toContain(secret)
    expect(await scanForTokens(page, consoleLines)).toEqual([])
    expect(await page.evaluate(() => history.length)).toBeGreaterThan(0)
  })

  it('3 tabs over 2 access-token lifetimes: ≤ lifetimes + 1 refresh grants at the provider, none refused, every tab signed in', async () => {
    const ttl = 4
    const { example, context } = await setup({ accessTokenTtl: ttl })
    const first = await tab(context)
    await first.page.goto(`${example.url}/`)
    await signInAtProvider(first.page, 'alice')
    await first.page.getByRole('heading', { name: 'Hello Alice' }).waitFor()
    const tabs = [first, await tab(context), await tab(context)]
    for (const other of tabs.slice(1)) {
      await other.page.goto(`${example.url}/`)
      await other.page.getByRole('heading', { name: 'Hello Alice' }).waitFor()
    }
    const before = example.provider.stats.refreshGrants
    await sleep(2 * ttl * 1000)
    for (const { page } of tabs) await page.getByRole('heading', { name: 'Hello Alice' }).waitFor()
    const grants = example.provider.stats.refreshGrants - before
    expect(grants).toBeGreaterThanOrEqual(1)
    expect(grants).toBeLessThanOrEqual(2 + 1)
    expect(example.provider.stats.refusedGrants).toBe(0)
    // Every tab used a token the provider still accepts.
    for (const { page } of tabs) {
      await page.reload()
      await page.getByRole('status', { name: 'API user' }).getByText('alice').waitFor()
    }
    expect(example.provider.stats.refusedGrants).toBe(0)
  })

  it('a replayed callback is a 400 and sets no cookie', async () => {
    const { example, context } = await setup()
    const { page, callbacks } = await tab(context)
    await page.goto(`${example.url}/`)
    await signInAtProvider(page, 'alice')
    await page.getByRole('heading', { name: 'Hello Alice' }).waitFor()
    const cookiesBefore = await context.cookies(example.url)
    const replay = await context.newPage()
    const response = await replay.goto(callbacks[0] as string)
    expect(response?.status()).toBe(400)
    expect(await response?.headerValue('set-cookie')).toBeNull()
    expect(await context.cookies(example.url)).toEqual(cookiesBefore)
    expect(example.provider.stats.authorizationCodeGrants).toBe(1)
  })

  it('sign-out in one tab signs out the others, and the provider then reports the refresh token inactive', async () => {
    const { example, context } = await setup()
    const a = await tab(context)
    await a.page.goto(`${example.url}/`)
    await signInAtProvider(a.page, 'alice')
    await a.page.getByRole('heading', { name: 'Hello Alice' }).waitFor()
    const b = await tab(context)
    await b.page.goto(`${example.url}/inbox`)
    await b.page.getByRole('heading', { name: 'Hello Alice' }).waitFor()
    const last = example.provider.refreshTokens.at(-1) as string
    expect(await example.provider.isActive(last)).toBe(true)

    await a.page.getByRole('link', { name: 'Sign out' }).click()
    await a.page.getByText('Signed out.').waitFor()
    // Tab B lost its session too; its guard sends it to the provider again.
    await b.page.waitForURL((url) => url.hostname === 'localhost')
    await waitFor('the revocation', async () => !(await example.provider.isActive(last)))
    await waitFor('the cookie cleared', async () => (await context.cookies(example.url)).length === 0)
    expect(example.provider.stats.revocations).toBeGreaterThanOrEqual(1)
  })

  it('“Sign out of the provider too”: revoked, then the provider’s end-session page, then back on the app signed out of both', async () => {
    const { example, context } = await setup()
    const { page } = await tab(context)
    await page.goto(`${example.url}/`)
    await signInAtProvider(page, 'alice')
    await page.getByRole('heading', { name: 'Hello Alice' }).waitFor()
    const last = example.provider.refreshTokens.at(-1) as string
    await page.getByRole('button', { name: 'Sign out of the provider too' }).click()
    await page.waitForURL((url) => url.hostname === 'localhost')
    expect(await example.provider.isActive(last)).toBe(false)
    await page.getByRole('button', { name: 'Yes, sign me out' }).click()
    await page.waitForURL(`${example.url}/signed-out`)
    await page.getByText('Signed out.').waitFor()
    // The provider's session is over too: the next sign-in asks for the password again.
    await page.goto(`${example.url}/`)
    await page.waitForURL((url) => url.hostname === 'localhost')
    await page.locator('input[name="password"]').waitFor()
    expect(await context.cookies(example.url)).toEqual([])
  })

  it('a JWT access token (resource indicator) reaches the API as a JWT; the page signs in the same way', async () => {
    const { example, context } = await setup({ accessTokenFormat: 'jwt' })
    const { page, consoleLines, bearers } = await tab(context)
    await page.goto(`${example.url}/`)
    await signInAtProvider(page, 'bob')
    await page.getByRole('heading', { name: 'Hello Bob' }).waitFor()
    await waitFor('a Bearer request', () => bearers.length > 0)
    for (const token of bearers) expect(token).toMatch(JWT_SHAPE)
    expect(await scanForTokens(page, consoleLines)).toEqual([])
    const text = await visibleText(page, consoleLines)
    for (const secret of [...bearers, ...example.provider.refreshTokens]) expect(text).not.toContain(secret)
  })

  it('the user saying no at the provider comes back to a readable error, not another trip to the provider', async () => {
    const { example, context } = await setup()
    const { page } = await tab(context)
    await page.goto(`${example.url}/reports`)
    await page.waitForURL((url) => url.hostname === 'localhost')
    await page.getByRole('link', { name: '[ Cancel ]' }).click()
    await page.getByRole('alert').getByText('Sign-in did not finish (access_denied).').waitFor()
    expect(new URL(page.url()).pathname).toBe('/reports')
    expect(await context.cookies(example.url)).toEqual([])
  })

  // The budget above, on the core client's test page, with its control: the same three tabs with cross-tab
  // coordination off renew on their own and overrun it, so the budget can fail.
  it.each([
    ['on', true],
    ['off (control)', false],
  ])(
    '3 tabs over 2 lifetimes with cross-tab %s: refresh grants at the provider against the budget',
    async (_name, crossTab) => {
      const ttl = 4
      // The provider needs the callback URL, the page server needs the gateway, the gateway needs the provider.
      let gateway: SessionGateway | undefined
      const late: SessionGateway = {
        handle: (request) => (gateway as SessionGateway).handle(request),
        session: (request) => (gateway as SessionGateway).session(request),
      }
      const pages = await serveGateway([late])
      suite.defer(pages.close)
      const provider = await startProvider({
        redirectUris: [`${pages.url}/auth/callback`],
        accessTokenTtl: ttl,
      })
      suite.defer(provider.close)
      gateway = createSessionGateway({
        upstream: oidc({
          issuer: provider.issuer,
          clientId: provider.clientId,
          clientSecret: provider.clientSecret,
          authorizationParams: { prompt: 'consent' },
        }),
        secret: 'a-test-secret-of-at-least-thirty-two-bytes!',
      })
      const context = await suite.browser.newContext()
      suite.defer(() => context.close())
      const query = crossTab ? '/?name=oidc-budget' : '/?crossTab=off'
      const first = await context.newPage()
      await first.goto(`${pages.url}/auth/login?returnTo=${encodeURIComponent(query)}`)
      await signInAtProvider(first, 'alice')
      await first.waitForURL(`${pages.url}${query}`)
      await first.waitForFunction(() => window.__auth?.state().status === 'authenticated')
      const options = crossTab ? { name: 'oidc-budget' } : { crossTab: false }
      const tabs = [await openTab(context, pages, options), await openTab(context, pages, options)]
      for (const t of tabs) expect((await t.state()).status).toBe('authenticated')

      const before = provider.stats.refreshGrants
      await sleep(2 * ttl * 1000)
      const grants = provider.stats.refreshGrants - before
      expect(provider.stats.refusedGrants).toBe(0)
      if (crossTab) expect(grants).toBeLessThanOrEqual(2 + 1)
      else expect(grants).toBeGreaterThan(2 + 1)
    },
  )
})
