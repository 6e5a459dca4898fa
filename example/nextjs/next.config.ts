import { fileURLToPath } from 'node:url'
import type { NextConfig } from 'next'

// Relative to this directory: Turbopack reads absolute alias targets as relative to the project too.
const src = (path: string) => `../../src/${path}`

// The example imports the package by its public name; the aliases point that name at the source of this
// repository, so it needs no package build first.
const config: NextConfig = {
  turbopack: {
    root: fileURLToPath(new URL('../../', import.meta.url)),
    resolveAlias: {
      'react-jwt-session/server': src('server/index.ts'),
      'react-jwt-session': src('index.ts'),
    },
  },
  // The repository's `npm run typecheck` and `npm run lint` cover these files.
  typescript: { ignoreBuildErrors: true },
  poweredByHeader: false,
}

export default config
