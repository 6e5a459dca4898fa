import type { StorybookConfig } from '@storybook/react-vite'
import { mergeConfig, type UserConfig } from 'vite'
import { packageAliases } from '../scripts/aliases.mjs'

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
        alias: packageAliases,
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
    } satisfies UserConfig),
}

export default config
