/**
 * A worker thread of `bars validate --jobs N`. It loads its code at once, assembles the engine
 * when the main thread says its own is ready (so the definitions come from the disk cache the
 * main thread filled), then validates the inputs it is sent one after the other and posts back
 * each compact result. Only the result crosses back: the parsed input stays here.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { Engine } from '../engine.js';
import { defaultEngine } from './validate.js';
import { validateInput } from './validate-input.js';
import type { ToMain, ToWorker, WorkerData } from './pool.js';

const port = parentPort;
if (!port) throw new Error('validate-worker.js runs as a worker thread of bars validate --jobs');

const { args } = workerData as WorkerData;
let engine: Promise<Engine> | undefined;
// inputs are validated one at a time, in the order sent: the main thread relies on it to know
// which input a crash interrupted
let queue: Promise<void> = Promise.resolve();

port.on('message', (m: ToWorker) => {
  if (m.type === 'load') {
    // the same assembly as the in-process run (definitions, BaRS plugins), once per worker
    engine ??= defaultEngine(args);
    engine.then(
      () => port.postMessage({ type: 'ready' } satisfies ToMain),
      (e: unknown) => port.postMessage({ type: 'failed', message: (e as Error)?.message ?? String(e) } satisfies ToMain),
    );
    return;
  }
  queue = queue.then(async () => {
    const result = await validateInput(await engine!, m.input, args.profiles);
    port.postMessage({ type: 'result', seq: m.seq, result } satisfies ToMain);
  });
});
