// @vitest-environment node
import { runInNewContext } from 'node:vm'
import { build } from 'esbuild'
import { describe, expect, it } from 'vitest'

// An app's development build made by Vite or webpack 5: `process.env.NODE_ENV` is replaced, and the page has no
// `process` object. The package's development warnings must show there (they once were guarded by `typeof
// process`, which hid them all in such builds), and a production build must drop their text.

const entry = `
import { createAuthClient } from './src/core/index.ts'
const client = createAuthClient()
client.destroy()
client.start()
`

async function bundle(mode: 'development' | 'production') {
  const result = await build({
    stdin: { contents: entry, resolveDir: process.cwd(), sourcefile: 'app.ts', loader: 'ts' },
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    minify: mode === 'production',
    define: { 'process.env.NODE_ENV': JSON.stringify(mode) },
    logLevel: 'silent',
  })
  return result.outputFiles[0]?.text ?? ''
}

/** Runs a bundle in a page-like global without `process`; returns what it logged as warnings. */
function runWithoutProcess(code: string): string[] {
  const warnings: string[] = []
  const page = {
    console: { warn: (...args: unknown[]) => warnings.push(args.map(String).join(' ')) },
    setTimeout,
    clearTimeout,
    AbortController,
  }
  runInNewContext(code, page)
  expect(runInNewContext('typeof process', page)).toBe('undefined')
  return warnings
}

const sentence = 'start() was called on a destroyed client'

describe('development messages', () => {
  it('show in a development build whose page has no `process` (Vite, webpack 5)', async () => {
    const warnings = runWithoutProcess(await bundle('development'))
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toContain(sentence)
  })

  it('are dropped, text and all, from a production build', async () => {
    const code = await bundle('production')
    expect(code).not.toContain(sentence)
    expect(runWithoutProcess(code)).toEqual([])
  })
})
