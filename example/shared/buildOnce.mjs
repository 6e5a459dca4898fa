// @ts-check
// Builds a framework example only when its inputs changed: a production build of Next.js takes minutes on
// a small machine, and the tests and `npm run example:*` would otherwise repeat it every time.
import { createHash } from 'node:crypto'
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'

export const root = fileURLToPath(new URL('../../', import.meta.url))

/**
 * A hash of every file under `dirs` (relative to the repo root) except the `skip` names, plus the
 * lockfile: the same inputs give the same build.
 * @param {string[]} dirs
 * @param {string[]} skip directory or file names to leave out (build output, generated files)
 */
export function hashInputs(dirs, skip) {
  const hash = createHash('sha256')
  const files = [
    ...dirs.flatMap((dir) =>
      readdirSync(join(root, dir), { recursive: true, withFileTypes: true })
        .filter((entry) => entry.isFile())
        .map((entry) => join(entry.parentPath, entry.name))
        .filter(
          (file) =>
            !relative(root, file)
              .split('/')
              .some((part) => skip.includes(part)),
        ),
    ),
    join(root, 'package-lock.json'),
  ].sort()
  for (const file of files) hash.update(relative(root, file)).update('\0').update(readFileSync(file))
  return hash.digest('hex').slice(0, 16)
}

/**
 * Runs `build` unless `stampFile` holds the current hash of the inputs; writes the hash after a build.
 * @param {{ dirs: string[], skip: string[], stampFile: string, build: () => Promise<void> }} options
 * @returns {Promise<boolean>} whether it built
 */
export async function buildOnce({ dirs, skip, stampFile, build }) {
  const hash = hashInputs(dirs, skip)
  if (existsSync(stampFile) && readFileSync(stampFile, 'utf8') === hash) return false
  await build()
  writeFileSync(stampFile, hash)
  return true
}
