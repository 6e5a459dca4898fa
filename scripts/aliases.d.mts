export declare const PACKAGE_NAME: 'react-jwt-session'

export interface PackageEntry {
  /** What an app imports, e.g. `react-jwt-session/core`. */
  name: string
  /** The key in package.json `exports`, e.g. `./core`. */
  subpath: string
  /** The source file, from the repository root, e.g. `src/core/index.ts`. */
  source: string
}

export declare const packageEntries: PackageEntry[]

/** `resolve.alias` entries for Vite and Vitest. */
export declare const packageAliases: Array<{ find: RegExp; replacement: string }>
