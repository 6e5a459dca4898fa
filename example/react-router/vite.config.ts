import { fileURLToPath } from 'node:url'
import { reactRouter } from '@react-router/dev/vite'
import { defineConfig } from 'vite'

const src = (path: string) => fileURLToPath(new URL(`../../src/${path}`, import.meta.url))

// The example imports the package by its public name; the aliases point that name at the source of this
// repository, so it needs no package build first.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  plugins: [reactRouter()],
  resolve: {
    alias: [
      { find: /^react-jwt-session\/server$/, replacement: src('server/index.ts') },
      { find: /^react-jwt-session$/, replacement: src('index.ts') },
    ],
  },
  // Bundled into the server build too, so the aliases above apply there as well.
  ssr: { noExternal: ['react-jwt-session'] },
})
