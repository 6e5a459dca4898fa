import { readFile, writeFile } from 'node:fs/promises'
import { relative } from 'node:path'
import { defineConfig, type Options } from 'tsup'

type Plugin = NonNullable<Options['plugins']>[number]

// The entries that hold React code: the main one, the test wrapper, the idle timeout and the devtools (both builds).
const REACT_ENTRIES = new Set(['index', 'testing-react', 'idle', 'devtools', 'devtools/production'])
const isReactEntry = (path: string) =>
  REACT_ENTRIES.has(
    relative('dist', path)
      .replaceAll('\\', '/')
      .replace(/\.c?js$/, ''),
  )
const directive = /^\s*['"]use client['"];?\s*/

// The React entry must start with "use client" (React Server Components). Rollup, which tsup runs for tree
// shaking after every plugin's renderChunk, drops module-level directives (with a warning), so the line is
// taken out before it and written back into the finished file. Only the React entries get it: `/core`,
// `/server`, `/testing` and the shared chunks stay usable on the server.
const useClient: Plugin = {
  name: 'use-client',
  renderChunk(code, chunk) {
    return isReactEntry(chunk.path) ? { code: code.replace(directive, '') } : undefined
  },
  async buildEnd({ writtenFiles }) {
    for (const file of writtenFiles) {
      if (!isReactEntry(file.name)) continue
      const code = await readFile(file.name, 'utf8')
      await writeFile(file.name, `'use client';\n${code.replace(directive, '')}`)
    }
  },
}

export default defineConfig({
  entry: {
    index: 'src/index.ts',
    core: 'src/core/index.ts',
    server: 'src/server/index.ts',
    testing: 'src/testing/index.ts',
    'testing-react': 'src/testing/react/index.ts',
    'storage-events': 'src/storageEvents/index.ts',
    idle: 'src/idle/index.ts',
    devtools: 'src/devtools/index.ts',
    'devtools/production': 'src/devtools/production.ts',
    gateway: 'src/gateway/index.ts',
    'gateway/node': 'src/gateway/node.ts',
    'gateway/redis': 'src/gateway/redis.ts',
    'gateway/simplejwt': 'src/gateway/presets/simplejwt.ts',
    'gateway/oauth2': 'src/gateway/presets/oauth2.ts',
    'gateway/supabase': 'src/gateway/presets/supabase.ts',
    'gateway/firebase': 'src/gateway/presets/firebase.ts',
    'gateway/directus': 'src/gateway/presets/directus.ts',
    'gateway/nhost': 'src/gateway/presets/nhost.ts',
    'gateway/aspnetIdentity': 'src/gateway/presets/aspnetIdentity.ts',
    'gateway/oidc': 'src/gateway/presets/oidc.ts',
  },
  format: ['esm', 'cjs'],
  dts: { compilerOptions: { ignoreDeprecations: '6.0' } },
  target: 'es2020',
  platform: 'neutral',
  clean: true,
  treeshake: true,
  splitting: true,
  sourcemap: false,
  external: ['react', 'react-dom', 'zustand', '@tanstack/react-query', 'jwt-decode'],
  plugins: [useClient],
})
