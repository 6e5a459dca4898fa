import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vite'

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url))

// The demo imports the package by its public name; the alias points that name at the source, so the demo
// always runs the code of this repository and needs no package build first.
export default defineConfig({
  root: here('.'),
  resolve: {
    alias: [
      { find: /^react-jwt-session\/idle$/, replacement: here('../../src/idle/index.ts') },
      { find: /^react-jwt-session\/devtools$/, replacement: here('../../src/devtools/index.ts') },
      { find: /^react-jwt-session$/, replacement: here('../../src/index.ts') },
    ],
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    rolldownOptions: {
      onwarn(warning, warn) {
        // The package entry starts with 'use client' for React Server Components; in a client-only bundle
        // it means nothing, and the bundler says so.
        if (warning.code === 'MODULE_LEVEL_DIRECTIVE') return
        warn(warning)
      },
    },
  },
})
