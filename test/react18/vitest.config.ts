import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'
import { packageAliases } from '../../vitest.config.js'

// Runs the React test suite against React 18.3. This folder is an npm workspace of the repository, so the
// root `npm install` puts React 18 in its node_modules (beside React 19 at the root, which npm cannot do with
// an `npm:react-dom@18` alias: its peer dependency on React 18 conflicts with the root's React 19). Every
// import of React, from the tests, the package and the libraries inlined below, resolves to this copy.
const react18 = (path: string) => fileURLToPath(new URL(`./node_modules/${path}`, import.meta.url))

export default defineConfig({
  root: fileURLToPath(new URL('../..', import.meta.url)),
  resolve: {
    alias: [
      ...packageAliases,
      // Its ESM build, so its own React imports go through the aliases (its CJS build would require React 19).
      {
        find: /^@testing-library\/react$/,
        replacement: fileURLToPath(
          new URL(
            '../../node_modules/@testing-library/react/dist/@testing-library/react.esm.js',
            import.meta.url,
          ),
        ),
      },
      { find: /^react$/, replacement: react18('react/index.js') },
      { find: /^react\/jsx-runtime$/, replacement: react18('react/jsx-runtime.js') },
      { find: /^react\/jsx-dev-runtime$/, replacement: react18('react/jsx-dev-runtime.js') },
      { find: /^react-dom$/, replacement: react18('react-dom/index.js') },
      { find: /^react-dom\/client$/, replacement: react18('react-dom/client.js') },
      { find: /^react-dom\/server$/, replacement: react18('react-dom/server.node.js') },
      { find: /^react-dom\/test-utils$/, replacement: react18('react-dom/test-utils.js') },
    ],
  },
  test: {
    name: 'react18',
    environment: 'jsdom',
    include: ['test/react/**/*.test.tsx'],
    env: { REACT_MAJOR: '18' },
    restoreMocks: true,
    // Processed by Vite rather than loaded by Node, so the aliases above apply inside them too.
    server: { deps: { inline: ['@testing-library/react', '@tanstack/react-query', 'zustand'] } },
  },
})
