import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vite'

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url))

// The OpenID Provider example's page, built from this repository's source (the alias) like the demo in example/app.
export default defineConfig({
  root: here('.'),
  resolve: {
    alias: [{ find: /^react-jwt-session$/, replacement: here('../../../src/index.ts') }],
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    rolldownOptions: {
      onwarn(warning, warn) {
        // The package entry's 'use client' means nothing in a client-only bundle, and the bundler says so.
        if (warning.code === 'MODULE_LEVEL_DIRECTIVE') return
        warn(warning)
      },
    },
  },
})
