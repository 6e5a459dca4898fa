import { describe, expect, it } from 'vitest'
import {
  collectConsole,
  JWT_SHAPE,
  newDemoContext,
  recordApiCalls,
  scanForTokens,
  setUpDemoSuite,
  signIn,
  startDemoServer,
  waitFor,
} from './support'

const suite = setUpDemoSuite()

describe('token storage', () => {
  it('the scanner finds a token wherever a page could leave one (control)', async () => {
    const { url, close } = await startDemoServer(suite.appDir, { accessTtl: 30 })
    const context = await newDemoContext(suite.browser)
    try {
      const page = await context.newPage()
      const consoleLines = collectConsole(page)
      await page.goto(`${url}/login`)
      const token = `eyJhbGciOiJIUzI1NiJ9.${Buffer.from('{"sub":"x"}').toString('base64url')}.c2lnbmF0dXJl`
      await context.addCookies([{ name: 'leak', value: token, url }])
      await page.evaluate(async (leaked) => {
        localStorage.setItem('leak', leaked)
        sessionStorage.setItem('leak', leaked)
        window.history.replaceState({ leaked }, '', `/login?token=${leaked}`)
        console.log('token', leaked)
        await new Promise<void>((resolve, reject) => {
          const open = indexedDB.open('leaky', 1)
          open.onupgradeneeded = () => open.result.createObjectStore('tokens')
          open.onerror = () => reject(open.error)
          open.onsuccess = () => {
            const tx = open.result.transaction('tokens', 'readwrite')
            tx.objectStore('tokens').put({ value: leaked }, 'current')
            tx.oncomplete = () => {
              open.result.close()
              resolve()
            }
          }
        })
      }, token)
      await waitFor('the console line', () => consoleLines.length > 0)
      const where = (await scanForTokens(page, consoleLines)).map(
        (finding) => finding.where.split(/[[ #]/)[0],
      )
      expect(new Set(where)).toEqual(
        new Set([
          'localStorage',
          'sessionStorage',
          'document.cookie',
          'location',
          'history.state',
          'indexedDB',
          'console',
        ]),
      )
    } finally {
      await context.close()
      await close()
    }
  })

  it('no JWT in storage, cookies, IndexedDB, the URL or the console; the refresh cookie is HttpOnly', async () => {
    const { auth, url, close } = await startDemoServer(suite.appDir, { accessTtl: 3 })
    const context = await newDemoContext(suite.browser)
    try {
      const page = await context.newPage()
      const consoleLines = collectConsole(page)
      const api = recordApiCalls(page)
      await page.goto(`${url}/login`)
      await signIn(page)
      await page.getByRole('list', { name: 'Items' }).waitFor()

      // A second tab (its session arrives over BroadcastChannel), a silent renewal, an API call, a reload.
      const other = await context.newPage()
      const otherConsole = collectConsole(other)
      await other.goto(`${url}/dashboard`)
      await other.getByRole('list', { name: 'Items' }).waitFor()
      await waitFor('a silent refresh', () => auth.stats.refreshes >= 1)
      await page.getByRole('button', { name: 'Reload list' }).click()
      await waitFor('the reloaded list', () => api.length >= 2)
      await page.reload()
      await page.getByRole('list', { name: 'Items' }).waitFor()

      // The page really held tokens (the API saw them), so an empty scan means something.
      expect(api.filter((call) => JWT_SHAPE.test(call.bearer ?? '')).length).toBeGreaterThanOrEqual(2)

      const cookies = await context.cookies()
      const refresh = cookies.find((cookie) => cookie.name === 'rjs_refresh')
      expect(refresh).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/auth' })
      expect(cookies.find((cookie) => cookie.name === 'rjs_fgp')).toMatchObject({ httpOnly: true })
      expect(await page.evaluate(() => document.cookie)).not.toContain('rjs_')

      expect(await scanForTokens(page, consoleLines)).toEqual([])
      expect(await scanForTokens(other, otherConsole)).toEqual([])

      await page.getByRole('link', { name: 'Sign out', exact: true }).click()
      await page.getByRole('heading', { name: 'Sign in' }).waitFor()
      await other.getByRole('heading', { name: 'Sign in' }).waitFor()
      expect(await scanForTokens(page, consoleLines)).toEqual([])
      expect(await scanForTokens(other, otherConsole)).toEqual([])
      expect((await context.cookies()).map((cookie) => cookie.name)).not.toContain('rjs_refresh')
      expect(auth.stats.reuseDetections).toBe(0)
    } finally {
      await context.close()
      await close()
    }
  })
})
