// @vitest-environment node
import { existsSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import storybook from '../../.storybook/main'
import demoViteConfig from '../../example/app/vite.config'
import { PACKAGE_NAME, packageAliases, packageEntries } from '../../scripts/aliases.mjs'
import vitestConfig from '../../vitest.config'

// scripts/aliases.mjs is the one list of the package's names and their sources. The tools that can import it
// do; tsconfig.json cannot, so its `paths` are checked against it here, and so is package.json `exports`.

const root = fileURLToPath(new URL('../..', import.meta.url))
const readJson = async (file: string) => JSON.parse(await readFile(`${root}${file}`, 'utf8'))

describe('the package-name → source map', () => {
  it('names each entry after its exports subpath, and each source exists', () => {
    for (const entry of packageEntries) {
      expect(entry.name).toBe(
        entry.subpath === '.' ? PACKAGE_NAME : `${PACKAGE_NAME}/${entry.subpath.slice(2)}`,
      )
      expect(existsSync(`${root}${entry.source}`), entry.source).toBe(true)
    }
    expect(packageEntries.map((entry) => entry.name)).toContain('react-jwt-session/server')
  })

  it('tsconfig.json paths say exactly the same (add the paths line when adding an entry)', async () => {
    const { compilerOptions } = await readJson('tsconfig.json')
    expect(compilerOptions.paths).toEqual(
      Object.fromEntries(packageEntries.map((entry) => [entry.name, [`./${entry.source}`]])),
    )
  })

  it('package.json exports has an entry for each, and no other (but ./package.json)', async () => {
    const { exports } = await readJson('package.json')
    const subpaths = Object.keys(exports).filter((subpath) => subpath !== './package.json')
    expect(subpaths.sort()).toEqual(packageEntries.map((entry) => entry.subpath).sort())
  })

  it('each alias matches its own name only, and points at the absolute source', () => {
    const names = packageEntries.map((entry) => entry.name)
    for (const [i, alias] of packageAliases.entries()) {
      expect(names.filter((name) => alias.find.test(name))).toEqual([names[i]])
      expect(alias.find.test(`${names[i]}/other`)).toBe(false)
      expect(alias.replacement).toBe(`${root}${packageEntries[i]?.source}`)
    }
  })

  it('Vitest, Storybook and the demo resolve the names with this one list', async () => {
    expect(vitestConfig.resolve?.alias).toBe(packageAliases)
    expect(demoViteConfig.resolve?.alias).toBe(packageAliases)
    const merged = await storybook.viteFinal?.(
      {},
      {} as Parameters<NonNullable<typeof storybook.viteFinal>>[1],
    )
    expect(merged?.resolve?.alias).toEqual(packageAliases)
  })
})
