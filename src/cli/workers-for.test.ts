import { describe, expect, it } from 'vitest';
import { AUTO_JOBS_INPUTS_PER_WORKER, workersFor } from './validate.js';

describe('workersFor: how many worker threads a run gets', () => {
  it('--jobs not given: none for a small run, one per AUTO_JOBS_INPUTS_PER_WORKER inputs beyond, up to the cores', () => {
    expect(workersFor(undefined, 40, 8)).toBe(1);
    expect(workersFor(undefined, 2 * AUTO_JOBS_INPUTS_PER_WORKER - 1, 8)).toBe(1);
    expect(workersFor(undefined, 2 * AUTO_JOBS_INPUTS_PER_WORKER, 8)).toBe(2);
    expect(workersFor(undefined, 5 * AUTO_JOBS_INPUTS_PER_WORKER, 8)).toBe(5);
    expect(workersFor(undefined, 100_000, 8)).toBe(8);
    // an NDJSON file: its lines are not counted ahead
    expect(workersFor(undefined, Infinity, 2)).toBe(2);
    // one core: never a worker
    expect(workersFor(undefined, 100_000, 1)).toBe(1);
  });

  it('--jobs n is taken as given, never more workers than inputs', () => {
    expect(workersFor(2, 7, 8)).toBe(2);
    expect(workersFor(4, 3, 8)).toBe(3);
    expect(workersFor(1, 5000, 8)).toBe(1);
  });
});
