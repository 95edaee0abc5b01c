/**
 * A small bounded fuzz run in the suite (the long runs are `npm run fuzz -- --runs N`): mutated
 * fixtures through the library, each giving a well-formed result with located issues, no
 * exception, in bounded time.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createValidator } from '../src/index.js';
import { loadFixtures, resultProblem } from './fuzz/check.js';
import { fuzzInputs } from './fuzz/mutate.js';
import { TEST_CACHE } from './support/engine.js';

describe('fuzzing the library with mutated fixtures (bounded)', () => {
  it('40 inputs: no exception, each within 10 s, every issue located with a rule id and message', async () => {
    const validator = await createValidator({ cacheDir: TEST_CACHE, offline: true });
    const arb = fuzzInputs(loadFixtures(), { huge: 20_000, depth: 200 });
    await fc.assert(
      fc.asyncProperty(arb, async (x) => {
        const t0 = performance.now();
        const r = await validator.validate(x.input, { name: 'fuzz' });
        expect(performance.now() - t0, `${x.mutation} of ${x.fixture}`).toBeLessThan(10_000);
        expect(resultProblem(r), `${x.mutation} of ${x.fixture}`).toBeUndefined();
      }),
      { numRuns: 40, seed: 17 },
    );
  }, 120_000);
});
