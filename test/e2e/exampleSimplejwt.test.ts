// @vitest-environment node
// `npm run example:simplejwt`, as the README says: the command starts Django REST framework SimpleJWT, the
// gateway and the demo app on one origin; a real Chromium signs in through the demo's form, sees Django's
// items, renews silently and signs out.
import { describe, expect, it } from 'vitest'
import { SIMPLEJWT_INSTALL } from '../../example/simplejwt/startSimpleJwt.mjs'
import {
  buildDemoApp,
  collectConsole,
  countRequests,
  newDemoContext,
  recordApiCalls,
  runScript,
  scanForTokens,
  setUpDemoSuite,
  signIn,
  waitFor,
} from './support'

const suite = setUpDemoSuite()

/** Runs the npm script's command; `ready` resolves with the URL it prints, or rejects with its output. */
const startExample = (env: Record<string, string>) =>
  runScript('example/simplejwt/start.mjs', /SimpleJWT: (http:\/\/127\.0\.0\.1:\d+)/, env)

describe('npm run example:simplejwt', () => {
  it('serves the demo against SimpleJWT through the gateway: sign-in, Django items, silent renewal, sign-out', async () => {
    const example = startExample({ PORT: '0', ACCESS_TTL: '4', APP_DIST: await buildDemoApp() })
    suite.defer(example.stop)
    const url = await example.ready
    const printed = example.output.join('')
    expect(printed).toContain('alice / alice-password')
    const django = /SimpleJWT at (http:\/\/127\.0\.0\.1:\d+)/.exec(printed)?.[1] as string
    expect(django).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)

    const context = await newDemoContext(suite.browser)
    suite.defer(() => context.close())
    const page = await context.newPage()
    const consoleLines = collectConsole(page)
    const api = recordApiCalls(page)
    const refreshes = countRequests(page, '/auth/refresh')
    await page.goto(`${url}/login`)
    await signIn(page, 'alice')
    await page.getByRole('list', { name: 'Items' }).getByText('Rotate the signing key').waitFor()
    expect(await page.getByRole('main').textContent()).toContain('Alice Admin')
    expect(api[0]?.bearer).toMatch(/^eyJ/)

    // SimpleJWT's access token lives 4 s: the page renews through the gateway without a sign-out.
    await waitFor('a silent renewal', () => refreshes.count >= 1, 15_000)
    await page.getByRole('button', { name: 'Reload list' }).click()
    await waitFor(
      'the list loaded with the renewed token',
      () => api.length >= 2 && api.at(-1)?.bearer !== api[0]?.bearer,
      10_000,
    )
    const stats = (await (await fetch(`${django}/__stats`)).json()) as Record<string, number>
    expect(stats).toMatchObject({ logins: 1, blacklisted: 0 })
    expect(stats.refreshes).toBeGreaterThanOrEqual(1)

    const session = (await context.cookies()).find((cookie) => cookie.name === '__Host-session')
    expect(session).toMatchObject({ httpOnly: true, secure: true, sameSite: 'Strict' })
    expect(await scanForTokens(page, consoleLines)).toEqual([])

    await page.getByRole('link', { name: 'Sign out', exact: true }).click()
    await page.getByRole('heading', { name: 'Sign in' }).waitFor()
    expect((await context.cookies()).find((cookie) => cookie.name === '__Host-session')).toBeUndefined()
    expect((await (await fetch(`${django}/__stats`)).json()) as Record<string, number>).toMatchObject({
      blacklists: 1,
    })

    // Ctrl+C (SIGTERM) stops both servers.
    expect(await example.stop()).toBe(0)
    await expect(fetch(`${django}/__stats`)).rejects.toThrow()
  })

  it('says which Debian package to install when SimpleJWT is missing', async () => {
    const example = startExample({ PORT: '0', SIMPLEJWT_PYTHON: '/nonexistent/python3' })
    suite.defer(example.stop)
    await expect(example.ready).rejects.toThrow(SIMPLEJWT_INSTALL)
    expect(await example.exited).toBe(1)
  })
})
