import { build } from 'esbuild'
import { gzipSync } from 'node:zlib'
const root = process.argv[2]
const r = await build({ entryPoints: ['src/index.ts'], absWorkingDir: root, bundle: true, minify: true, format: 'esm', platform: 'browser', target: 'es2020', write: false, external: ['react','react-dom','zustand','@tanstack/react-query'].flatMap(n=>[n,n+'/*']), define: { 'process.env.NODE_ENV': '"production"' }, logLevel: 'silent', metafile: true })
const out = Object.values(r.metafile.outputs)[0]
const rows = Object.entries(out.inputs).map(([k,v])=>[k.replace(/.*node_modules\//,'nm/'), v.bytesInOutput]).sort((a,b)=>b[1]-a[1])
console.log('total min', r.outputFiles[0].contents.byteLength, 'gzip', gzipSync(r.outputFiles[0].contents,{level:9}).byteLength)
for (const [k,v] of rows) console.log(String(v).padStart(6), k)
