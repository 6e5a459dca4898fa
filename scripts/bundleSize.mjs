// How the package's size is measured, by the size test and by the bench alike: one entry bundled with
// esbuild, minified, as a production build (`process.env.NODE_ENV` is "production", as every bundler sets
// it), with the given packages left external, then gzipped at level 9.
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'
import { build } from 'esbuild'

const root = fileURLToPath(new URL('../', import.meta.url))

/** `entry` is a path from the repository root, e.g. `src/index.ts`. */
export async function minGzip(entry, external) {
  const result = await build({
    entryPoints: [entry],
    absWorkingDir: root,
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
  const code = result.outputFiles[0].contents
  return {
    min: code.byteLength,
    gzip: gzipSync(code, { level: 9 }).byteLength,
    inputs: result.metafile.inputs,
  }
}
