import { execFile } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { compilerOptions, errorsOf, root, unusedExpectErrors } from '../types/compileFixture'

// The registered fixture of test/types/register.test.ts against the package as built by tsup, whose .d.ts
// files re-export `Register` from a shared chunk under another name: the augmentation must still reach it.
// Here, in the serial suite, because it builds the package.

describe('Register, against the built .d.ts files', { timeout: 120_000 }, () => {
  let out = ''
  const built = (format: 'd.ts' | 'd.cts') =>
    compilerOptions({
      'react-jwt-session': [join(out, `index.${format}`)],
      'react-jwt-session/core': [join(out, `core.${format}`)],
    })

  beforeAll(async () => {
    // Inside the repository, so the built files resolve react, zustand and the rest from its node_modules.
    out = await mkdtemp(join(root, 'node_modules/.cache-register-'))
    const tsup = join(root, 'node_modules/tsup/dist/cli-default.js')
    await promisify(execFile)(process.execPath, [tsup, '--out-dir', out, '--silent'], { cwd: root })
  }, 240_000)

  afterAll(async () => {
    if (out !== '') await rm(out, { recursive: true, force: true })
  })

  it.each(['d.ts', 'd.cts'] as const)(
    "augmenting 'react-jwt-session' reaches the interface (%s)",
    (format) => {
      expect(errorsOf(['appTypes.ts', 'register.ts', 'usage.tsx'], built(format))).toEqual([])
    },
  )

  it("augmenting 'react-jwt-session/core' does too", () => {
    expect(errorsOf(['appTypes.ts', 'registerCore.ts', 'usage.tsx'], built('d.ts'))).toEqual([])
  })

  it('without a registration the fixture fails against the build as well', () => {
    expect(unusedExpectErrors(errorsOf(['appTypes.ts', 'usage.tsx'], built('d.ts')))).toHaveLength(2)
  })
})
