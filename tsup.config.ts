import { defineConfig } from 'tsup'

export default defineConfig({
  entry: {
    index: 'src/index.ts',
    core: 'src/core/index.ts',
    server: 'src/server/index.ts',
    testing: 'src/testing/index.ts',
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
})
