import { describe, expect, it } from 'vitest'
import { runSequence, type SequenceResult } from './sequence'

// The seeded fuzz test of the client (see CONTRIBUTING.md, "The fuzz test"). `npm test` runs RUNS sequences
// from a fixed seed; `npm run fuzz -- --runs 20000 --seed 123` runs more through this same file.

const RUNS = Number(process.env.FUZZ_RUNS ?? 2000)
const SEED = Number(process.env.FUZZ_SEED ?? 20_261_207)
const MAX_STEPS = Number(process.env.FUZZ_STEPS ?? 30)
const SKIP = new Set((process.env.FUZZ_SKIP ?? '').split(',').filter(Boolean))
const ONLY = process.env.FUZZ_ONLY ? new Set(process.env.FUZZ_ONLY.split(',').filter(Boolean)) : undefined

/** The different ways an invariant broke (messages with their numbers and details left out), with a seed each. */
function variants(list: SequenceResult[]): string[] {
  const kinds = new Map<string, { count: number; seed: number; message: string }>()
  for (const failure of list) {
    const message = failure.violation?.message ?? ''
    const key = message
      .replace(/\([^)]*\)/g, '(…)')
      .replace(/"[^"]*"/g, '"…"')
      .replace(/tab\d+(#\d+)?/g, 'tabN')
      .replace(/\d+(\.\d+)?/g, 'N')
    const kind = kinds.get(key)
    if (kind) kind.count += 1
    else kinds.set(key, { count: 1, seed: failure.seed, message })
  }
  return [...kinds.values()]
    .sort((a, b) => b.count - a.count)
    .slice(0, 8)
    .map(({ count, seed, message }) => `  ${count}× e.g. seed ${seed}: ${message.slice(0, 200)}`)
}

/** The failures, one block per broken invariant: how often, and the shortest sequence that shows it. */
function report(failures: SequenceResult[], runs: number): string {
  const byInvariant = new Map<string, SequenceResult[]>()
  for (const failure of failures) {
    const key = failure.violation?.invariant ?? '?'
    byInvariant.set(key, [...(byInvariant.get(key) ?? []), failure])
  }
  const blocks = [...byInvariant].map(([invariant, list]) => {
    const shortest = list.reduce((a, b) => (b.steps < a.steps ? b : a))
    return [
      `✗ ${invariant}: ${list.length} of ${runs} sequences (seeds ${list
        .slice(0, 8)
        .map((f) => f.seed)
        .join(', ')}${list.length > 8 ? ', …' : ''})`,
      ...variants(list),
      `  shortest: seed ${shortest.seed}, step ${shortest.steps}: ${shortest.violation?.message}`,
      `  replay: npm run fuzz -- --seed ${shortest.seed} --runs 1`,
      ...shortest.trace.map((line) => `    ${line}`),
      '  state at the end:',
      ...shortest.snapshot.split('\n').map((line) => `  ${line}`),
    ].join('\n')
  })
  return `${failures.length} of ${runs} sequences broke the contract\n\n${blocks.join('\n\n')}`
}

describe('fuzz: nothing a server sends, and no order of calls, breaks the client', () => {
  it(
    `${RUNS} seeded sequences from seed ${SEED} keep the documented contract${SKIP.size ? ` (not checked: ${[...SKIP].join(', ')})` : ''}${ONLY ? ` (only: ${[...ONLY].join(', ')})` : ''}`,
    async () => {
      const failures: SequenceResult[] = []
      let steps = 0
      for (let i = 0; i < RUNS; i += 1) {
        const result = await runSequence(SEED + i, {
          maxSteps: MAX_STEPS,
          skip: SKIP,
          ...(ONLY ? { only: ONLY } : {}),
        })
        steps += result.steps
        if (result.violation) failures.push(result)
      }
      if (failures.length > 0) expect.fail(report(failures, RUNS))
      // The run really exercised the client: every sequence ran at least three steps.
      expect(steps).toBeGreaterThanOrEqual(RUNS * 3)
    },
    Math.max(120_000, RUNS * 200),
  )
})
