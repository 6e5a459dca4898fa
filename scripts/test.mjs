// `npm test`: everything CI runs, in one command, ending with one line: `N passed, N failed`.
//
// First the checks (lint, typecheck, build, package checks, Storybook build); each counts as one passed or
// failed item, and a failed check does not stop the rest, so one run shows every problem. Then each test
// suite, a vitest run whose JSON report is summed into the same line.
//
// `npm test -- unit browser` runs only the named checks and suites.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromiumLaunchOptions } from './chromium.mjs'

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm'
const checks = [
  { name: 'lint', args: ['run', 'lint'] },
  { name: 'typecheck', args: ['run', 'typecheck'] },
  { name: 'build', args: ['run', 'build'] },
  // publint, attw, and the list of files a pack ships (scripts/checkPackFiles.mjs).
  { name: 'check:package', args: ['run', 'check:package'] },
  { name: 'build-storybook', args: ['run', 'build-storybook', '--', '--quiet'] },
]
const suites = [
  { name: 'unit', args: ['--project', 'unit'] },
  { name: 'react18', args: ['--config', 'test/react18/vitest.config.ts'] },
  // The gateway's tests start a real Django REST framework SimpleJWT and a real Redis (Debian packages).
  { name: 'browser', args: ['--project', 'browser'], chromium: true, backends: true },
  { name: 'storybook', args: ['--config', 'vitest.storybook.config.ts'], chromium: true },
]

const only = process.argv.slice(2)
const unknown = only.filter((name) => ![...checks, ...suites].some((item) => item.name === name))
if (unknown.length > 0) {
  console.error(`Unknown check or suite: ${unknown.join(', ')}.`)
  console.error(`Known: ${[...checks, ...suites].map((item) => item.name).join(', ')}.`)
  process.exit(2)
}
const selected = (item) => only.length === 0 || only.includes(item.name)

// The browser suites drive Debian's (or any) Chromium through playwright-core, which never downloads one.
const chromium = chromiumLaunchOptions.executablePath
if (suites.some((suite) => suite.chromium && selected(suite)) && !existsSync(chromium)) {
  console.error(
    `Chromium not found at ${chromium}; install it (apt-get install chromium) or set CHROMIUM_PATH to a ` +
      'Chromium or Chrome executable.',
  )
  console.log('\n0 passed, 1 failed')
  process.exit(1)
}

// Debian's Python runs the SimpleJWT test server (a `python3` first on PATH may not see Debian's packages).
const python = process.env.SIMPLEJWT_PYTHON ?? '/usr/bin/python3'
const backends = [
  {
    missing: () =>
      spawnSync(python, ['-c', 'import rest_framework_simplejwt'], { stdio: 'ignore' }).status !== 0,
    what: `Django REST framework SimpleJWT for ${python}`,
    apt: 'python3-djangorestframework-simplejwt',
  },
  {
    missing: () => spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status !== 0,
    what: 'redis-server',
    apt: 'redis-server',
  },
]
if (suites.some((suite) => suite.backends && selected(suite))) {
  const absent = backends.filter((backend) => backend.missing())
  if (absent.length > 0) {
    console.error(
      `Not installed: ${absent.map((backend) => backend.what).join(', ')} (the gateway's tests run against ` +
        `them). Install with: apt-get install -y ${absent.map((backend) => backend.apt).join(' ')}`,
    )
    console.log('\n0 passed, 1 failed')
    process.exit(1)
  }
}

let passed = 0
let failed = 0
let skipped = 0
const broken = []

for (const check of checks.filter(selected)) {
  console.log(`\n=== ${check.name} ===`)
  const run = spawnSync(npm, check.args, { stdio: 'inherit' })
  if (run.status === 0) passed += 1
  else {
    failed += 1
    broken.push(`${check.name} (exit ${run.status})`)
  }
}

const dir = mkdtempSync(join(tmpdir(), 'rjs-test-'))
for (const suite of suites.filter(selected)) {
  const out = join(dir, `${suite.name}.json`)
  console.log(`\n=== ${suite.name} ===`)
  const run = spawnSync(
    'npx',
    ['vitest', 'run', ...suite.args, '--reporter=default', '--reporter=json', `--outputFile.json=${out}`],
    { stdio: 'inherit' },
  )
  if (!existsSync(out)) {
    broken.push(`${suite.name} (exit ${run.status}, no report)`)
    failed += 1
    continue
  }
  const report = JSON.parse(readFileSync(out, 'utf8'))
  passed += report.numPassedTests
  failed += report.numFailedTests
  skipped += report.numPendingTests + (report.numTodoTests ?? 0)
  if (run.status !== 0 && report.numFailedTests === 0) {
    // A suite can fail without a failing test: a file that does not load, an unhandled error.
    broken.push(`${suite.name} (exit ${run.status})`)
    failed += 1
  }
}
if (broken.length > 0) console.log(`\ndid not pass: ${broken.join(', ')}`)
console.log(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`)
process.exit(failed > 0 || passed === 0 ? 1 : 0)
