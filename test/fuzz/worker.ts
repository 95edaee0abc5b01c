/**
 * The fuzz worker: one validator, inputs in, verdicts out. Runs in a worker thread so that the
 * runner can stop an input that hangs (a synchronous loop would block a timer in the same thread).
 */
import { parentPort } from 'node:worker_threads';
import { createValidator } from '../../src/index.js';
import { TEST_CACHE } from '../support/engine.js';
import { resultProblem } from './check.js';

const validator = await createValidator({ cacheDir: TEST_CACHE, offline: true });
parentPort!.on('message', async (m: { id: number; input: string | Uint8Array }) => {
  const t0 = performance.now();
  try {
    const r = await validator.validate(m.input, { name: `fuzz-${m.id}` });
    parentPort!.postMessage({ id: m.id, ms: performance.now() - t0, problem: resultProblem(r) });
  } catch (e) {
    parentPort!.postMessage({ id: m.id, ms: performance.now() - t0, crash: `${(e as Error)?.stack ?? String(e)}`.slice(0, 2000) });
  }
});
parentPort!.postMessage({ ready: true });
