import { build } from 'esbuild'
const ext = ['react','react-dom','zustand','@tanstack/react-query'].flatMap(n=>[n,n+'/*'])
const r = await build({ entryPoints:['src/index.ts'], bundle:true, minifySyntax:true, minifyIdentifiers:true, format:'esm', platform:'browser', target:'es2020', write:false, external:ext, define:{'process.env.NODE_ENV':'"production"'}, logLevel:'silent', legalComments:'none' })
process.stdout.write(r.outputFiles[0].text)
