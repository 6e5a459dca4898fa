// `npm run fuzz -- --runs 20000 --seed 123 [--steps 30] [--skip invariant,…] [--only invariant,…]`: the fuzz test of the client
// (test/fuzz/client.test.ts) with more sequences or another seed. Sequence i runs with seed `seed + i`, so a
// failing seed printed in the report replays alone with `--seed <it> --runs 1`.
import { spawnSync } from 'node:child_process'
import { parseArgs } from 'node:util'

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '20000' },
    seed: { type: 'string', default: String(Date.now() % 1_000_000_000) },
    steps: { type: 'string', default: '30' },
    skip: { type: 'string', default: '' },
    only: { type: 'string', default: '' },
  },
})
for (const name of ['runs', 'seed', 'steps']) {
  if (!/^\d+$/.test(values[name])) {
    console.error(`--${name} takes a whole number, not ${JSON.stringify(values[name])}.`)
    process.exit(2)
  }
}
console.log(`fuzz: ${values.runs} sequences from seed ${values.seed}, up to ${values.steps} steps each`)
const run = spawnSync('npx', ['vitest', 'run', '--project', 'unit', 'test/fuzz/client.test.ts'], {
  stdio: 'inherit',
  env: {
    ...process.env,
    FUZZ_RUNS: values.runs,
    FUZZ_SEED: values.seed,
    FUZZ_STEPS: values.steps,
    FUZZ_SKIP: values.skip,
    FUZZ_ONLY: values.only,
  },
})
process.exit(run.status ?? 1)
