import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

const src = (path: string) => fileURLToPath(new URL(`./src/${path}`, import.meta.url))

// Tests import the package by its public name; these aliases point those names at the source.
export const packageAliases = [
  { find: /^react-jwt-session\/core$/, replacement: src('core/index.ts') },
  { find: /^react-jwt-session\/server$/, replacement: src('server/index.ts') },
  { find: /^react-jwt-session\/testing$/, replacement: src('testing/index.ts') },
  { find: /^react-jwt-session\/idle$/, replacement: src('idle/index.ts') },
  { find: /^react-jwt-session\/devtools$/, replacement: src('devtools/index.ts') },
  { find: /^react-jwt-session\/devtools\/production$/, replacement: src('devtools/production.ts') },
  { find: /^react-jwt-session$/, replacement: src('index.ts') },
]

export default defineConfig({
  resolve: { alias: packageAliases },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          environment: 'jsdom',
          include: ['test/**/*.test.{ts,tsx}'],
          exclude: ['test/browser/**', 'test/e2e/**', 'test/react18/**'],
          typecheck: { enabled: true, include: ['test/**/*.test-d.{ts,tsx}'], tsconfig: './tsconfig.json' },
          restoreMocks: true,
        },
      },
      {
        extends: true,
        test: {
          // Real Chromium driven by playwright-core, against real HTTP servers on 127.0.0.1.
          name: 'browser',
          environment: 'node',
          include: ['test/browser/**/*.test.ts', 'test/e2e/**/*.test.ts'],
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
})
