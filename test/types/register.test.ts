// @vitest-environment node
import { execFile } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import ts from 'typescript'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

// `declare module 'react-jwt-session' { interface Register { … } }` is global to a TypeScript program, so the
// registered fixture cannot share a program with the other type tests (vitest's typecheck compiles them all
// in one). Each case here is a program of its own over test/types/registered, with the repository's strict
// compiler options, against the source (the paths of tsconfig.json) and against the built .d.ts files.

const root = fileURLToPath(new URL('../..', import.meta.url))
const fixture = join(root, 'test/types/registered')
const file = (name: string) => join(fixture, name)

function compilerOptions(paths?: Record<string, string[]>): ts.CompilerOptions {
  const configPath = join(root, 'tsconfig.json')
  const { config } = ts.readConfigFile(configPath, ts.sys.readFile)
  const parsed = ts.parseJsonConfigFileContent(config, ts.sys, root, undefined, configPath)
  return { ...parsed.options, ...(paths ? { paths } : {}), noEmit: true }
}

// The programs share their parsed files (lib, React's types, the source): each one then costs only its checks.
const parsed = new Map<string, ts.SourceFile | undefined>()
const host = ts.createCompilerHost({})
const readSourceFile = host.getSourceFile
host.getSourceFile = (fileName, languageVersion, ...rest) => {
  const key = `${fileName}:${JSON.stringify(languageVersion)}`
  if (!parsed.has(key)) parsed.set(key, readSourceFile(fileName, languageVersion, ...rest))
  return parsed.get(key)
}

/** The fixture's own errors (the package's source, compiled along with it, is checked by `npm run typecheck`). */
function errorsOf(rootNames: string[], options: ts.CompilerOptions): string[] {
  const program = ts.createProgram({ rootNames, options, host })
  return ts
    .getPreEmitDiagnostics(program)
    .filter((d) => d.file === undefined || d.file.fileName.startsWith(fixture))
    .map((d) => {
      const where = d.file
        ? `${relative(fixture, d.file.fileName)}:${d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1} `
        : ''
      return `${where}TS${d.code}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`
    })
}

const codesOf = (errors: string[]) => new Set(errors.map((error) => error.match(/TS(\d+)/)?.[1]))

const slow = { timeout: 120_000 }

describe('Register, against the source', slow, () => {
  const options = compilerOptions()

  it("types every hook, component and the client once 'react-jwt-session' is augmented", () => {
    expect(errorsOf([file('appTypes.ts'), file('register.ts'), file('usage.tsx')], options)).toEqual([])
  })

  it("works the same when 'react-jwt-session/core' is augmented", () => {
    expect(errorsOf([file('appTypes.ts'), file('registerCore.ts'), file('usage.tsx')], options)).toEqual([])
  })

  it('without a registration the same fixture fails: the expectations are real', () => {
    const errors = errorsOf([file('appTypes.ts'), file('usage.tsx')], options)
    // The two credential typos compile (unused @ts-expect-error), and the expectTypeOf calls mismatch.
    expect(errors.filter((error) => error.includes('TS2578'))).toHaveLength(2)
    expect(errors.length).toBeGreaterThan(10)
  })
})

describe('Register, against the built .d.ts files (shared chunks and all)', slow, () => {
  let out = ''
  let options: ts.CompilerOptions = {}

  beforeAll(async () => {
    // Inside the repository, so the built files resolve react, zustand and the rest from its node_modules.
    out = await mkdtemp(join(root, 'node_modules/.cache-register-'))
    const tsup = join(root, 'node_modules/tsup/dist/cli-default.js')
    await promisify(execFile)(process.execPath, [tsup, '--out-dir', out, '--silent'], { cwd: root })
    options = compilerOptions({
      'react-jwt-session': [join(out, 'index.d.ts')],
      'react-jwt-session/core': [join(out, 'core.d.ts')],
    })
  }, 240_000)

  afterAll(async () => {
    if (out !== '') await rm(out, { recursive: true, force: true })
  })

  it("augmenting 'react-jwt-session' reaches the interface in the shared chunk", () => {
    expect(errorsOf([file('appTypes.ts'), file('register.ts'), file('usage.tsx')], options)).toEqual([])
  })

  it("augmenting 'react-jwt-session/core' does too", () => {
    expect(errorsOf([file('appTypes.ts'), file('registerCore.ts'), file('usage.tsx')], options)).toEqual([])
  })

  it('without a registration the fixture fails against the build as well', () => {
    expect(codesOf(errorsOf([file('appTypes.ts'), file('usage.tsx')], options))).toContain('2578')
  })
})
