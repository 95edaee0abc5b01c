/**
 * Best-practice invariants are a setting of each validator: two validators in one process with
 * different settings must not change each other's results.
 */
import { describe, expect, it } from 'vitest';
import { createValidator } from '../src/index.js';
import { TEST_CACHE } from './support/engine.js';

// no narrative: dom-6 ("A resource should have narrative for robust management") is a best-practice invariant
const patient = { resourceType: 'Patient', id: 'p1', active: true };
const dom6 = (issues: { ruleId: string }[]): number => issues.filter((i) => i.ruleId === 'invariant:dom-6').length;

describe('bestPractice is per validator', () => {
  it('a validator made later with another setting does not change an earlier one', async () => {
    const base = { cacheDir: TEST_CACHE, offline: true, barsDefaults: false, bars: false } as const;
    const withAdvice = await createValidator({ ...base, bestPractice: true });
    const without = await createValidator({ ...base, bestPractice: false });
    expect(dom6((await withAdvice.validate(patient)).issues)).toBe(1);
    expect(dom6((await without.validate(patient)).issues)).toBe(0);
    // and the other way round, after both have validated (nothing cached across them)
    const withAdviceAgain = await createValidator({ ...base, bestPractice: true });
    expect(dom6((await without.validate(patient)).issues)).toBe(0);
    expect(dom6((await withAdviceAgain.validate(patient)).issues)).toBe(1);
    expect(dom6((await withAdvice.validate(patient)).issues)).toBe(1);
  });
});
