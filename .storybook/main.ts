import { fileURLToPath } from 'node:url'
import type { StorybookConfig } from '@storybook/react-vite'
import { mergeConfig } from 'vite'

const src = (path: string) => fileURLToPath(new URL(`../src/${path}`, import.meta.url))

const config: StorybookConfig = {
  framework: '@storybook/react-vite',
  stories: ['../stories/**/*.mdx', '../stories/**/*.stories.tsx'],
  addons: ['@storybook/addon-docs', '@storybook/addon-vitest'],
  core: { disableTelemetry: true },
  typescript: {
    // The package's guard components return their children, not JSX: only the TypeScript-based docgen
    // recognises them as components and fills their props tables.
    reactDocgen: 'react-docgen-typescript',
    reactDocgenTypescriptOptions: {
      include: ['src/**/*.tsx', 'stories/**/*.tsx'],
      // Document the package's own props, not the ones React's types add.
      propFilter: (prop) => !prop.parent || !/node_modules/.test(prop.parent.fileName),
    },
  },
  viteFinal: (viteConfig) =>
    mergeConfig(viteConfig, {
      resolve: {
        // Stories import the package by its public name, like an app does; these point it at the source.
        alias: [
          { find: /^react-jwt-session\/core$/, replacement: src('core/index.ts') },
          { find: /^react-jwt-session\/testing$/, replacement: src('testing/index.ts') },
          { find: /^react-jwt-session\/idle$/, replacement: src('idle/index.ts') },
          { find: /^react-jwt-session\/devtools$/, replacement: src('devtools/index.ts') },
          { find: /^react-jwt-session$/, replacement: src('index.ts') },
        ],
      },
      build: {
        // Storybook's own preview bundle is large by design; the package's size budget is checked elsewhere.
        chunkSizeWarningLimit: 2_000,
        rollupOptions: {
          onwarn(warning, warn) {
            // TanStack Query's "use client" directives mean nothing in a client-only bundle.
            if (warning.code === 'MODULE_LEVEL_DIRECTIVE') return
            warn(warning)
          },
        },
      },
    }),
}

export default config
