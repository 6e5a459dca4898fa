// Part of `npm run check:package`: what `npm pack` would ship is exactly the build, the README, the licence
// and package.json, and every file the `exports` map points at is in it.
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm'
// --ignore-scripts: list the dist/ on disk (`npm run build` ran before); a real pack runs `prepack`.
const [pack] = JSON.parse(
  execFileSync(npm, ['pack', '--dry-run', '--json', '--ignore-scripts'], { encoding: 'utf8' }),
)
const files = pack.files.map((file) => file.path).sort()
const pkg = JSON.parse(readFileSync('package.json', 'utf8'))

const problems = []
const allowed = (path) => path.startsWith('dist/') || ['README.md', 'LICENSE', 'package.json'].includes(path)
for (const path of files)
  if (!allowed(path)) problems.push(`ships ${path}, which is not dist, README, LICENSE or package.json`)
for (const path of ['README.md', 'LICENSE', 'package.json']) {
  if (!files.includes(path)) problems.push(`does not ship ${path}`)
}
const targets = (value) =>
  typeof value === 'string' ? [value] : Object.values(value ?? {}).flatMap((inner) => targets(inner))
for (const target of targets(pkg.exports)) {
  const path = target.replace(/^\.\//, '')
  if (!files.includes(path)) problems.push(`exports point at ${path}, which the pack does not contain`)
}
if (!/\bbuild\b/.test(pkg.scripts?.prepack ?? '')) problems.push('no `prepack` script that builds dist/')

if (problems.length > 0) {
  console.error(`npm pack file list:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`)
  process.exit(1)
}
console.log(
  `npm pack ships ${files.length} files: dist/ (${files.length - 3}), README.md, LICENSE, package.json`,
)
