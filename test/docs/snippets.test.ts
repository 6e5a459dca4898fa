// @vitest-environment node
// Docs are code: every ```ts and ```tsx block of README.md, CONTRIBUTING.md and docs/*.md is compiled, each as
// its own module, under the project's strict tsconfig with the package names pointing at src/. A block marked
// `no-check: reason` is skipped (and must say why); a block marked `<!-- source: path -->` must be identical
// to that file. The syntax is in CONTRIBUTING.md.
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'
import { beforeAll, describe, expect, it } from 'vitest'
import { type DocBlock, extractBlocks } from './extractBlocks'

const root = fileURLToPath(new URL('../../', import.meta.url))
// Blocks live here while compiled, so `./auth` and `./App` in a block resolve to the shared modules the docs
// assume (test/docs/snippets/*), and a block with a source file resolves imports as that file does.
const snippetsDir = join(root, 'test/docs/snippets')

const markdownFiles = [
  'README.md',
  'CONTRIBUTING.md',
  ...readdirSync(join(root, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => `docs/${name}`),
].filter((file) => existsSync(join(root, file)))

const blocks = markdownFiles.flatMap((file) => extractBlocks(file, readFileSync(join(root, file), 'utf8')))
const checked = blocks.filter((block) => block.noCheck === null)

const virtualPath = (block: DocBlock) => {
  const dir = block.source ? dirname(join(root, block.source)) : snippetsDir
  const name = `${block.file.replace(/\W+/g, '_')}_L${block.line}.${block.lang}`
  return join(dir, `__doc__${name}`)
}
const virtualFiles = new Map(checked.map((block) => [virtualPath(block), block]))
const text = (block: DocBlock) => block.prelude + block.code
// A block that augments the package's types (`declare module 'react-jwt-session' { interface Register … }`)
// would change them for every block of a shared program: each such block gets a program of its own.
const augments = (block: DocBlock) => /declare module ['"]react-jwt-session/.test(text(block))

/**
 * One program for every plain block (compiling the package and React's types once keeps this test quick),
 * and one for each block that augments the package.
 */
function compile(roots: DocBlock[]) {
  const config = ts.readConfigFile(join(root, 'tsconfig.json'), ts.sys.readFile)
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, root)
  // A block without imports is a module too, so two blocks never share top-level names.
  const options: ts.CompilerOptions = {
    ...parsed.options,
    noEmit: true,
    moduleDetection: ts.ModuleDetectionKind.Force,
  }
  const host = ts.createCompilerHost(options)
  const getSourceFile = host.getSourceFile
  host.getSourceFile = (fileName, languageVersion, ...rest) => {
    const block = virtualFiles.get(fileName)
    return block
      ? ts.createSourceFile(fileName, text(block), languageVersion, true)
      : getSourceFile.call(host, fileName, languageVersion, ...rest)
  }
  const fileExists = host.fileExists
  host.fileExists = (fileName) => virtualFiles.has(fileName) || fileExists.call(host, fileName)
  const readFile = host.readFile
  host.readFile = (fileName) => {
    const block = virtualFiles.get(fileName)
    return block ? text(block) : readFile.call(host, fileName)
  }
  return ts.createProgram(roots.map(virtualPath), options, host)
}

/** The block's diagnostics as `file:line: TSxxxx message`, with lines of the Markdown file. */
function diagnosticsOf(program: ts.Program, block: DocBlock): string[] {
  const source = program.getSourceFile(virtualPath(block))
  if (!source) return [`${block.file}:${block.line}: the block was not compiled`]
  const preludeLines = block.prelude === '' ? 0 : block.prelude.split('\n').length - 1
  return [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)].map(
    (diagnostic) => {
      const { line } = source.getLineAndCharacterOfPosition(diagnostic.start ?? 0)
      const where =
        line < preludeLines ? `${block.preludeLine} (prelude)` : `${block.line + 1 + line - preludeLines}`
      const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n  ')
      return `${block.file}:${where}: TS${diagnostic.code}: ${message}`
    },
  )
}

describe('code blocks in the docs', () => {
  const problems = new Map<DocBlock, string[]>()
  beforeAll(() => {
    const shared = checked.filter((block) => !augments(block))
    const program = compile(shared)
    for (const block of shared) problems.set(block, diagnosticsOf(program, block))
    for (const block of checked.filter(augments)) problems.set(block, diagnosticsOf(compile([block]), block))
  }, 120_000)

  it('finds the blocks of README.md and docs/*.md', () => {
    expect(markdownFiles).toContain('README.md')
    expect(checked.filter((block) => block.file === 'README.md').length).toBeGreaterThan(5)
    expect(checked.filter((block) => block.file === 'docs/recipes.md').length).toBeGreaterThan(5)
  })

  it.each(checked.map((block) => [`${block.file}:${block.line}`, block] as const))(
    '%s compiles',
    (_, block) => {
      const found = problems.get(block) ?? ['not compiled']
      expect(found, found.join('\n')).toEqual([])
    },
  )

  it.each(
    blocks
      .filter((block) => block.source !== null)
      .map((block) => [`${block.file}:${block.line}`, block] as const),
  )('%s is identical to its source file', (_, block) => {
    const source = readFileSync(join(root, block.source ?? ''), 'utf8')
    expect(block.code, `${block.file}:${block.line} differs from ${block.source}`).toBe(source)
  })

  it('says why each block that is not compiled is not', () => {
    const unexplained = blocks.filter((block) => block.noCheck === 'no-check')
    expect(unexplained.map((block) => `${block.file}:${block.line}`)).toEqual([])
    // Rare by design: only blocks for libraries this repository does not install.
    expect(blocks.filter((block) => block.noCheck !== null).length).toBeLessThanOrEqual(8)
  })
})
