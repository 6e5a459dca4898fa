// @vitest-environment node
import { describe, expect, it } from 'vitest'
import { compilerOptions, errorsOf, unusedExpectErrors } from './compileFixture'

// Against the source (the paths of tsconfig.json). The same fixture against the built .d.ts files is compiled
// by test/e2e/registeredTypes.test.ts, in the serial suite, as it builds the package first.

describe('Register, against the source', { timeout: 120_000 }, () => {
  const options = compilerOptions()

  it("types every hook, component and the client once 'react-jwt-session' is augmented", () => {
    expect(errorsOf(['appTypes.ts', 'register.ts', 'usage.tsx'], options)).toEqual([])
  })

  it("works the same when 'react-jwt-session/core' is augmented", () => {
    expect(errorsOf(['appTypes.ts', 'registerCore.ts', 'usage.tsx'], options)).toEqual([])
  })

  it('without a registration the same fixture fails: the expectations are real', () => {
    const errors = errorsOf(['appTypes.ts', 'usage.tsx'], options)
    // The two credential typos compile (unused @ts-expect-error), and the expectTypeOf calls mismatch.
    expect(unusedExpectErrors(errors)).toHaveLength(2)
    expect(errors.length).toBeGreaterThan(10)
  })
})
