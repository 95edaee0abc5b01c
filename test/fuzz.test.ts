/**
 * A small bounded fuzz run in the suite (the long runs are `npm run fuzz -- --runs N`): mutated
 * fixtures through the library, each giving a well-formed result with located issues, no
 * exception, none pathologically slower than the rest.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createValidator } from '../src/index.js';
import { loadFixtures, resultProblem } from './fuzz/check.js';
import { fuzzInputs } from './fuzz/mutate.js';
import { TEST_CACHE } from './support/engine.js';

describe('fuzzing the library with mutated fixtures (bounded)', () => {
  it('40 inputs: no exception, none far slower per kilobyte than the others, every issue located with a rule id and message', async () => {
    const validator = await createValidator({ cacheDir: TEST_CACHE, offline: true });
    const fixtures = loadFixtures();
    // each fixture once unmutated first: compiling a type's plan is not the mutation's cost
    for (const f of fixtures) await validator.validate(f.text, { name: f.name });
    const arb = fuzzInputs(fixtures, { huge: 20_000, depth: 200 });
    const costs: { what: string; msPerKb: number }[] = [];
    await fc.assert(
      fc.asyncProperty(arb, async (x) => {
        const t0 = performance.now();
        const r = await validator.validate(x.input, { name: 'fuzz' });
        // per kilobyte (at least one), and at least 5 ms: below that, timer noise decides
        costs.push({ what: `${x.mutation} of ${x.fixture}`, msPerKb: Math.max(performance.now() - t0, 5) / Math.max(x.input.length / 1024, 1) });
        expect(resultProblem(r), `${x.mutation} of ${x.fixture}`).toBeUndefined();
      }),
      { numRuns: 40, seed: 17 },
    );
    // a ratio, not a budget: no mutation makes validation 50 × dearer per kilobyte than the median input
    expect(costs).toHaveLength(40);
    const sorted = costs.map((c) => c.msPerKb).sort((a, b) => a - b);
    const median = sorted[sorted.length >> 1]!;
    const worst = costs.reduce((a, b) => (b.msPerKb > a.msPerKb ? b : a));
    expect(worst.msPerKb / median, `${worst.what}: ${worst.msPerKb.toFixed(2)} ms/KB, median ${median.toFixed(2)}`).toBeLessThan(50);
  }, 120_000);
});
