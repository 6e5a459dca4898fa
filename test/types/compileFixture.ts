import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'

// `declare module 'react-jwt-session' { interface Register { … } }` is global to a TypeScript program, so the
// registered fixture (test/types/registered) cannot share a program with the other type tests (vitest's
// typecheck compiles them all in one). Each check is a program of its own, with the repository's strict
// compiler options.

export const root = fileURLToPath(new URL('../..', import.meta.url))
const fixture = join(root, 'test/types/registered')

/** A file of the registered fixture. */
export const fixtureFile = (name: string) => join(fixture, name)

/** The repository's compiler options; `paths` replaced to compile against a build instead of the source. */
export function compilerOptions(paths?: Record<string, string[]>): ts.CompilerOptions {
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
export function errorsOf(names: string[], options: ts.CompilerOptions): string[] {
  const program = ts.createProgram({ rootNames: names.map(fixtureFile), options, host })
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

/** Without a registration the credential typos compile: their @ts-expect-error lines are unused. */
export const unusedExpectErrors = (errors: string[]) => errors.filter((error) => error.includes('TS2578'))
