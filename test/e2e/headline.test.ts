// @vitest-environment node
// The README's headline app (example/headline, the same file the README shows), built for production and
// driven in real Chromium against the reference auth server: redirect to sign-in and back, sign-out to the
// sign-in page, and never a blank screen or the previous user's page for the next user.
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import {
  buildDemoApp,
  collectConsole,
  type DemoServer,
  launchChromium,
  startDemoServer,
  waitFor,
} from './support'

declare global {
  interface Window {
    /** What the page showed, in order: `loading`, `login`, `home`, `signing-out`, or `blank`. */
    __headlineViews?: string[]
  }
}

let browser: Browser
let appDir: string
const cleanups: Array<() => Promise<unknown>> = []

beforeAll(async () => {
  ;[appDir, browser] = await Promise.all([buildDemoApp('example/headline'), launchChromium()])
})
afterAll(async () => {
  await browser?.close()
})
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

async function server(): Promise<DemoServer> {
  const started = await startDemoServer(appDir, { accessTtl: 60 })
  cleanups.push(started.close)
  return started
}

/** A browser profile whose pages record each view they show, from the first byte of the document on. */
async function context(): Promise<BrowserContext> {
  const made = await browser.newContext()
  cleanups.push(() => made.close())
  await made.addInitScript(() => {
    window.__headlineViews = []
    const current = () => {
      const root = document.getElementById('root')
      if (!root) return null
      const text = root.textContent ?? ''
      if (text.includes('Loading…')) return 'loading'
      if (text.includes('Signing out…')) return 'signing-out'
      if (text.includes('Hello ')) return 'home'
      if (root.querySelector('form')) return 'login'
      return text.trim() === '' ? 'blank' : `other: ${text.slice(0, 40)}`
    }
    let shown = false
    const record = (view: string | null) => {
      const views = window.__headlineViews
      if (view !== null && view !== 'blank') shown = true
      if (views && view !== null && shown && view !== views[views.length - 1]) views.push(view)
    }
    // Views as the DOM changes (a state may last less than a frame), but `blank` only when a frame is about to
    // be painted with it: React may commit an empty tree and replace it before the browser paints.
    new MutationObserver(() => {
      const view = current()
      if (view !== 'blank') record(view)
    }).observe(document, { childList: true, subtree: true, characterData: true })
    const frame = () => {
      record(current())
      requestAnimationFrame(frame)
    }
    requestAnimationFrame(frame)
  })
  return made
}

const views = (page: Page) => page.evaluate(() => window.__headlineViews ?? [])
const path = (page: Page) => {
  const url = new URL(page.url())
  return url.pathname + url.search + url.hash
}

async function signIn(page: Page, username: string) {
  await page.getByLabel('Username').fill(username)
  await page.getByLabel('Password').fill(`${username}-password`)
  await page.getByRole('button', { name: 'Sign in' }).click()
}

/** Waits until the page shows the signed-in home at `expected`. */
const homeAt = (page: Page, expected: string) =>
  waitFor(`the home page at ${expected}`, async () => {
    const text = (await page.textContent('#root')) ?? ''
    return text.includes('Hello ') && path(page) === expected && text
  })

describe('the headline app', () => {
  it('sends a signed-out visit to sign-in, lands back on the asked-for page, signs out to the sign-in page', async () => {
    const { url } = await server()
    const page = await (await context()).newPage()
    const consoleLines = collectConsole(page)

    await page.goto(`${url}/reports/2026?tab=billing#totals`)
    await page.getByRole('button', { name: 'Sign in' }).waitFor()
    expect(path(page)).toBe(`/login?next=${encodeURIComponent('/reports/2026?tab=billing#totals')}`)

    await signIn(page, 'alice')
    const text = await homeAt(page, '/reports/2026?tab=billing#totals')
    expect(text).toContain('Hello Alice Admin, this is /reports/2026.')

    await page.getByRole('link', { name: 'Sign out' }).click()
    await page.getByRole('button', { name: 'Sign in' }).waitFor()
    expect(path(page)).toBe('/login')

    // Every painted frame shows something: "Loading…" while the guard redirects (there is no session gate:
    // sessionHint knows this browser has no session), the form, the page, "Signing out…", the form again.
    expect(await views(page)).toEqual(['loading', 'login', 'home', 'signing-out', 'login'])
    // The anonymous first load made no refused refresh (sessionHint), so the console stayed clean.
    expect(consoleLines).toEqual([])
  })

  it('after a sign-out on a protected page, the next user lands on the home page, not that page', async () => {
    const { url } = await server()
    const page = await (await context()).newPage()

    await page.goto(`${url}/alice/private?x=1`)
    await signIn(page, 'alice')
    await homeAt(page, '/alice/private?x=1')

    await page.getByRole('link', { name: 'Sign out' }).click()
    await page.getByRole('button', { name: 'Sign in' }).waitFor()
    await signIn(page, 'bob')
    const text = await homeAt(page, '/')
    expect(text).toContain('Hello Bob Member, this is /.')
  })

  it('a sign-out in another tab sends this tab to a plain sign-in page', async () => {
    const { url } = await server()
    const tabs = await context()
    const a = await tabs.newPage()
    await a.goto(`${url}/alice/private`)
    await signIn(a, 'alice')
    await homeAt(a, '/alice/private')

    const b = await tabs.newPage()
    await b.goto(`${url}/alice/settings`)
    await homeAt(b, '/alice/settings')

    await a.getByRole('link', { name: 'Sign out' }).click()
    await b.getByRole('button', { name: 'Sign in' }).waitFor()
    expect(path(b)).toBe('/login')

    await signIn(b, 'bob')
    await homeAt(b, '/')
    expect(await views(b)).not.toContain('blank')
  })

  it('a visit to /login while signed in goes to the validated next page, never off-site', async () => {
    const { url } = await server()
    const page = await (await context()).newPage()
    await page.goto(`${url}/login?next=${encodeURIComponent('//evil.example/steal')}`)
    await signIn(page, 'alice')
    await homeAt(page, '/')
    expect(new URL(page.url()).origin).toBe(url)
  })
})
