/**
 * A worker thread of `bars validate --jobs N`: it assembles the engine once (from the disk cache
 * the main thread has filled), then validates the inputs it is sent one after the other and
 * posts back each compact result. Nothing but the result crosses back: the parsed input stays here.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { Engine } from '../engine.js';
import { validateInput, type ValidationInput } from './validate-input.js';
import type { WorkerData, ToMain, ToWorker } from './pool.js';

const port = parentPort;
if (!port) throw new Error('validate-worker.js runs as a worker thread of bars validate --jobs');

const { args } = workerData as WorkerData;
let engine: Engine;
try {
  // the same assembly as the in-process run (definitions, BaRS plugins), once per worker
  const { defaultEngine } = await import('./validate.js');
  engine = await defaultEngine(args);
  port.postMessage({ type: 'ready' } satisfies ToMain);
} catch (e) {
  port.postMessage({ type: 'failed', message: (e as Error)?.message ?? String(e) } satisfies ToMain);
  port.close();
}

// inputs are validated one at a time, in the order sent: the main thread relies on it to know
// which input a crash interrupted
let queue: Promise<void> = Promise.resolve();
port.on('message', (m: ToWorker) => {
  const input: ValidationInput = m.input;
  queue = queue.then(async () => {
    const result = await validateInput(engine, input, args.profiles);
    port.postMessage({ type: 'result', seq: m.seq, result } satisfies ToMain);
  });
});
