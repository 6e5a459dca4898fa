// Runs every test suite the project has and prints one closing line: `N passed, N failed`.
// Each suite is a vitest run; their JSON reports are summed.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const only = process.argv.slice(2)
const suites = [
  { name: 'unit', args: ['--project', 'unit'] },
  {
    name: 'react18',
    args: ['--config', 'test/react18/vitest.config.ts'],
    when: 'test/react18/vitest.config.ts',
  },
  { name: 'browser', args: ['--project', 'browser'] },
  { name: 'storybook', args: ['--config', 'vitest.storybook.config.ts'], when: 'vitest.storybook.config.ts' },
].filter((s) => (only.length === 0 || only.includes(s.name)) && (!s.when || existsSync(s.when)))

const dir = mkdtempSync(join(tmpdir(), 'rjs-test-'))
let passed = 0
let failed = 0
let skipped = 0
const broken = []
for (const suite of suites) {
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
if (broken.length > 0) console.log(`\nsuites that did not finish cleanly: ${broken.join(', ')}`)
console.log(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`)
process.exit(failed > 0 || passed === 0 ? 1 : 0)
