/**
 * Timing assertions as ratios. The suite runs on shared, loaded machines, where a fixed budget
 * ("under 2 s") fails on a busy box and says nothing on a fast one. What a test means by "finishes
 * at once" is a shape: the time grows linearly with the input (not quadratically, not
 * exponentially), or a hostile input costs no more than a benign one of the same size. Both are
 * measured in the same test, under the same load, and compared. Benchmarks are `npm run bench`.
 */
import { expect } from 'vitest';

/** Below this, timer resolution and scheduling noise decide the ratio: a reference is at least this long. */
const NOISE_FLOOR_MS = 5;

/** The best (least disturbed) of `reps` timings of fn, in ms; fn's last result is returned too. */
export async function bestOf<T>(fn: () => T | Promise<T>, reps = 3): Promise<{ ms: number; value: T }> {
  let ms = Infinity;
  let value!: T;
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    value = await fn();
    ms = Math.min(ms, performance.now() - t0);
  }
  return { ms, value };
}

/**
 * run(size) at `size` and at 4 × size: linear work grows ×4, quadratic ×16, exponential never
 * ends (the test's timeout). Fails when the growth is above `maxGrowth` (default 10).
 */
export async function expectLinearTime(what: string, run: (size: number) => unknown, size: number, maxGrowth = 10): Promise<void> {
  await run(size); // warm-up: compilation and caches are not the input's cost
  const small = await bestOf(() => run(size));
  const large = await bestOf(() => run(4 * size));
  const growth = large.ms / Math.max(small.ms, NOISE_FLOOR_MS);
  expect(growth, `${what}: ${small.ms.toFixed(1)} ms at size ${size}, ${large.ms.toFixed(1)} ms at ${4 * size} (×${growth.toFixed(1)})`).toBeLessThan(maxGrowth);
}

/**
 * subject costs at most `factor` × reference, both timed here (best of `reps`, after a warm-up
 * of each when reps > 1). The reference is a benign neighbour of the subject: the same size, the
 * same code path.
 */
export async function expectNoSlowerThan(what: string, subject: () => unknown, reference: () => unknown, factor: number, reps = 3): Promise<void> {
  if (reps > 1) {
    await reference();
    await subject();
  }
  const ref = await bestOf(reference, reps);
  const sub = await bestOf(subject, reps);
  const ratio = sub.ms / Math.max(ref.ms, NOISE_FLOOR_MS);
  expect(ratio, `${what}: ${sub.ms.toFixed(1)} ms against ${ref.ms.toFixed(1)} ms for the reference (×${ratio.toFixed(1)}, at most ×${factor})`).toBeLessThan(factor);
}
