// Screenshots of the built Storybook, to look at what the stories render.
//   npm run build-storybook && node test/stories/screenshots.mjs [story-id-part ...]
// Serves storybook-static on 127.0.0.1, opens each story in Debian's Chromium and writes
// test-results/stories/<id>.png (gitignored). With arguments, only the ids containing one of them.
import { mkdirSync, readFileSync } from 'node:fs'
import { createServer } from 'node:http'
import { extname, join, normalize } from 'node:path'
import { chromium } from 'playwright-core'
import { chromiumLaunchOptions } from '../../scripts/chromium.mjs'

const root = 'storybook-static'
const out = 'test-results/stories'
const types = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.css': 'text/css',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.woff2': 'font/woff2',
  '.png': 'image/png',
}

const server = createServer((request, response) => {
  if (request.url === '/favicon.ico') return response.writeHead(204).end()
  const path = normalize(decodeURIComponent(new URL(request.url, 'http://x').pathname)).replace(
    /^(\.\.[/\\])+/,
    '',
  )
  try {
    const body = readFileSync(join(root, path.endsWith('/') ? `${path}index.html` : path))
    response.writeHead(200, { 'Content-Type': types[extname(path)] ?? 'application/octet-stream' })
    response.end(body)
  } catch {
    response.writeHead(404).end()
  }
})
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
const base = `http://127.0.0.1:${server.address().port}`

const filters = process.argv.slice(2)
const { entries } = JSON.parse(readFileSync(join(root, 'index.json'), 'utf8'))
const ids = Object.values(entries)
  .filter((entry) => entry.type === 'story' || entry.type === 'docs')
  .map((entry) => entry.id)
  .filter((id) => filters.length === 0 || filters.some((part) => id.includes(part)))

mkdirSync(out, { recursive: true })
const browser = await chromium.launch(chromiumLaunchOptions)
const page = await browser.newPage({ viewport: { width: 900, height: 700 } })
const problems = []
page.on('console', (message) => {
  if (message.type() === 'error' || message.type() === 'warning')
    problems.push(`${message.type()}: ${message.text()} ${message.location()?.url ?? ''}`)
})
page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`))
page.on('response', (response) => {
  if (response.status() >= 400) problems.push(`${response.status()}: ${response.url()}`)
})
const wait = Number(process.env.SHOT_WAIT ?? 1_500)
for (const id of ids) {
  const viewMode = id.endsWith('--docs') ? 'docs' : 'story'
  await page.goto(`${base}/iframe.html?id=${id}&viewMode=${viewMode}`)
  await page.waitForTimeout(viewMode === 'docs' ? wait * 2 : wait)
  await page.screenshot({ path: join(out, `${id}.png`), fullPage: true })
  console.log(`${out}/${id}.png`)
}
await browser.close()
server.close()
if (problems.length > 0) console.log(`\nconsole:\n${problems.join('\n')}`)
