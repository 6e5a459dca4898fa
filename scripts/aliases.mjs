// The package's public names and the source file behind each: the one list that Vitest, Storybook, the demo's
// Vite config and the benchmark read to run the source under the names an app imports. tsconfig.json cannot
// import it, so test/scripts/aliases.test.ts checks that its `paths` say the same.
//
// A new entry of the package is one line here (and its `paths` line in tsconfig.json, which the test asks for).
import { fileURLToPath } from 'node:url'

export const PACKAGE_NAME = 'react-jwt-session'

/** Every entry: its import name, its subpath in package.json `exports`, and its source file from the root. */
export const packageEntries = [
  { subpath: '.', source: 'src/index.ts' },
  { subpath: './core', source: 'src/core/index.ts' },
  { subpath: './server', source: 'src/server/index.ts' },
  { subpath: './testing', source: 'src/testing/index.ts' },
  { subpath: './testing/react', source: 'src/testing/react/index.ts' },
  { subpath: './storage-events', source: 'src/storageEvents/index.ts' },
  { subpath: './idle', source: 'src/idle/index.ts' },
  { subpath: './devtools', source: 'src/devtools/index.ts' },
  { subpath: './devtools/production', source: 'src/devtools/production.ts' },
  { subpath: './gateway', source: 'src/gateway/index.ts' },
  { subpath: './gateway/node', source: 'src/gateway/node.ts' },
  { subpath: './gateway/redis', source: 'src/gateway/redis.ts' },
  { subpath: './gateway/simplejwt', source: 'src/gateway/presets/simplejwt.ts' },
  { subpath: './gateway/oauth2', source: 'src/gateway/presets/oauth2.ts' },
  { subpath: './gateway/supabase', source: 'src/gateway/presets/supabase.ts' },
  { subpath: './gateway/firebase', source: 'src/gateway/presets/firebase.ts' },
  { subpath: './gateway/directus', source: 'src/gateway/presets/directus.ts' },
  { subpath: './gateway/nhost', source: 'src/gateway/presets/nhost.ts' },
  { subpath: './gateway/aspnetIdentity', source: 'src/gateway/presets/aspnetIdentity.ts' },
  { subpath: './gateway/oidc', source: 'src/gateway/presets/oidc.ts' },
].map((entry) => ({ name: PACKAGE_NAME + entry.subpath.slice(1), ...entry }))

const escapeRegExp = (text) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')

/**
 * `resolve.alias` entries for Vite and Vitest: each import name, matched exactly (so the root name does not
 * also catch `/core`), to the absolute path of its source.
 */
export const packageAliases = packageEntries.map(({ name, source }) => ({
  find: new RegExp(`^${escapeRegExp(name)}$`),
  replacement: fileURLToPath(new URL(`../${source}`, import.meta.url)),
}))
