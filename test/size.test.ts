// @vitest-environment node
import { gzipSync } from 'node:zlib'
import { build } from 'esbuild'
import { describe, expect, it } from 'vitest'

// SPEC §8: the React entry, minified and gzipped with the peers external, stays within 5 KB. jwt-decode is a
// dependency, not a peer, so it is inside the measured bundle. (The benchmark reports every entry.)

const PEERS = ['react', 'react-dom', 'zustand', '@tanstack/react-query']
const BUDGET = 5 * 1024

async function minGzip(entry: string, external: string[]) {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2020',
    write: false,
    external: external.flatMap((name) => [name, `${name}/*`]),
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'silent',
    metafile: true,
  })
  const code = result.outputFiles[0]?.contents ?? new Uint8Array()
  return {
    min: code.byteLength,
    gzip: gzipSync(code, { level: 9 }).byteLength,
    inputs: result.metafile.inputs,
  }
}

describe('bundle size', () => {
  it(`the React entry is at most ${BUDGET} bytes min+gzip with the peers external`, async () => {
    const { gzip, inputs } = await minGzip('src/index.ts', PEERS)
    // The measurement is real: the binding, the core and jwt-decode are in it, no peer is.
    const files = Object.keys(inputs)
    expect(files).toContain('src/react/AuthProvider.tsx')
    expect(files).toContain('src/core/createAuthClient.ts')
    expect(files.some((file) => file.includes('node_modules/jwt-decode/'))).toBe(true)
    expect(files.filter((file) => /node_modules\/(react|react-dom|zustand|@tanstack)\//.test(file))).toEqual(
      [],
    )
    expect(gzip, `React entry is ${gzip} bytes min+gzip`).toBeLessThanOrEqual(BUDGET)
  })
})
