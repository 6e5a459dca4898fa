// @vitest-environment node
// <AuthDevtools> in real Chromium, against the reference auth server over HTTP: the open panel during a
// renewal (the screenshot in docs/), and no token in its DOM beyond the last 6 characters.
import { copyFile, mkdir } from 'node:fs/promises'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { createAuthServer } from '../../example/server/createServer.js'
import { JWT_SHAPED, launchChromium } from './harness'

const root = fileURLToPath(new URL('../..', import.meta.url))

const entry = `
import { createElement as h } from 'react'
import { createRoot } from 'react-dom/client'
import { AuthProvider, createAuthClient } from './src/index.ts'
import { AuthDevtools } from './src/devtools/production.ts'
const client = createAuthClient({ crossTab: { name: 'rjs-devtools-test' } })
window.__devtools = {
  login: () => client.login({ username: 'alice', password: 'alice-password' }).then(() => true),
  token: () => client.getState().accessToken,
}
const App = () =>
  h('main', { style: { font: '15px/1.5 system-ui, sans-serif', padding: '24px 32px', color: '#1f2328' } },
    h('h1', { style: { margin: '0 0 8px' } }, 'Orders'),
    h('p', null, 'Signed in as Alice Admin. The auth devtools float in the corner of every page in development.'),
    h('ul', null, h('li', null, 'Order 1042 · shipped'), h('li', null, 'Order 1043 · packing'), h('li', null, 'Order 1044 · new')))
createRoot(document.getElementById('root')).render(
  h(AuthProvider, { client }, h(App), h(AuthDevtools, { initialIsOpen: true })),
)
`

const html =
  '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>devtools</title></head>' +
  '<body style="margin:0;background:#fff"><div id="root"></div><script src="/__devtools/page.js"></script></body></html>'

let browser: Browser
let script = ''
beforeAll(async () => {
  browser = await launchChromium()
  const result = await build({
    stdin: { contents: entry, resolveDir: root, sourcefile: 'devtools-entry.ts', loader: 'ts' },
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'silent',
  })
  script = result.outputFiles[0]?.text ?? ''
})
afterAll(async () => {
  await browser?.close()
})

declare global {
  interface Window {
    __devtools: { login(): Promise<boolean>; token(): string | null }
  }
}

it('shows the session, the renewal in flight and the event log; no whole token anywhere in its DOM', async () => {
  let release: () => void = () => {}
  let holding = false
  const extraRoutes = async (req: IncomingMessage, res: ServerResponse, url: URL) => {
    if (url.pathname === '/auth/refresh' && holding) {
      holding = false
      await new Promise<void>((resolve) => {
        release = resolve
      })
      return false
    }
    if (req.method !== 'GET' || (url.pathname !== '/' && url.pathname !== '/__devtools/page.js')) return false
    const page = url.pathname === '/'
    res.writeHead(200, {
      'Content-Type': page ? 'text/html; charset=utf-8' : 'text/javascript; charset=utf-8',
    })
    res.end(page ? html : script)
    return true
  }
  const server = createAuthServer({ accessTtl: 300, extraRoutes, log: false })
  const { url } = await server.listen(0, '127.0.0.1')
  const context = await browser.newContext({ viewport: { width: 960, height: 640 } })
  try {
    const page = await context.newPage()
    const errors: string[] = []
    page.on('pageerror', (error) => errors.push(error.message))
    // The browser reports the first visit's refused refresh (401) itself; anything else is the page's.
    page.on('console', (message) => {
      if (!message.text().startsWith('Failed to load resource'))
        errors.push(`${message.type()}: ${message.text()}`)
    })
    await page.goto(`${url}/`)
    const panel = page.getByRole('region', { name: 'Auth devtools' })
    const value = (name: string) => panel.locator(`dd[data-field="${name}"]`)
    await value('Reason').getByText('no-session').waitFor()
    await page.evaluate(() => window.__devtools.login())
    await value('Status').getByText('authenticated').waitFor()
    expect(await value('Cross-tab').textContent()).toBe('broadcast')

    holding = true
    await panel.getByRole('button', { name: 'Renew now' }).click()
    await value('Next renewal').getByText('renewing now…').waitFor()
    const token = (await page.evaluate(() => window.__devtools.token())) ?? ''
    expect(token).toMatch(JWT_SHAPED)
    expect(await value('Token').textContent()).toBe(`…${token.slice(-6)}`)
    expect(await page.content()).not.toMatch(JWT_SHAPED)

    await mkdir(join(root, 'test-results'), { recursive: true })
    await page.screenshot({ path: join(root, 'test-results/devtools.png') })
    if (process.env.UPDATE_SCREENSHOTS === '1') {
      await copyFile(join(root, 'test-results/devtools.png'), join(root, 'docs/screenshot-devtools.png'))
    }

    release()
    await panel.getByText(/token renewed \(this-tab\)/).waitFor()
    await panel.getByText(/refresh ok in \d+ ms/).waitFor()
    expect(await page.content()).not.toMatch(JWT_SHAPED)
    expect(errors).toEqual([])
  } finally {
    release()
    await context.close()
    await server.close()
  }
})
