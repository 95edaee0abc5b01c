/**
 * `bars validate --jobs N`: the inputs validated by N worker threads, the results handed on in
 * input order. Memory stays bounded whatever the number of inputs: at most `window` inputs are
 * between being read and being handed on (sent, being validated, or done and waiting for an
 * earlier one), and what comes back is the compact per-file result, never the parsed input.
 *
 * A worker that dies (an uncaught error, out of memory) costs only the input it was validating:
 * that input gets a fatal issue saying so, the inputs queued behind it go to another worker, and
 * a new worker takes its place. When no worker can be started, the main thread validates the rest.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Engine } from '../engine.js';
import type { FileResult } from '../report/result.js';
import { failedResult, inputName, validateInput, type ValidationInput } from './validate-input.js';
import type { ValidateArgs } from './validate.js';

export interface WorkerData {
  args: ValidateArgs;
}
/** `load`: the main thread's engine is assembled, so the disk cache is filled and the worker may read it. */
export type ToWorker = { type: 'load' } | { type: 'validate'; seq: number; input: ValidationInput };
export type ToMain = { type: 'ready' } | { type: 'failed'; message: string } | { type: 'result'; seq: number; result: FileResult };

/** Inputs sent to a worker ahead of its answer: one being validated, one waiting, so it never idles on a round trip. */
const AHEAD = 2;
/** After this many workers fail to start or die, no new one is started: the main thread finishes the run. */
const MAX_WORKER_FAILURES = 8;

/**
 * The compiled worker script beside this module. Run from the TypeScript sources (tests, tsx)
 * or from a bundle without it, there is none, and the run stays in-process.
 */
export function workerScript(): string | undefined {
  const path = fileURLToPath(new URL('./validate-worker.js', import.meta.url));
  return import.meta.url.endsWith('.js') && existsSync(path) ? path : undefined;
}

export interface PoolOptions {
  /** Called once per input, in input order. */
  onResult: (r: FileResult) => void;
  /** Inputs between read and handed on (default 16 per job, at least 64). */
  window?: number;
}

interface Task {
  seq: number;
  input: ValidationInput;
}

interface Slot {
  worker: Worker;
  ready: boolean;
  /** Sent and not yet answered, in the order sent (the worker validates them in that order). */
  sent: Task[];
  gone: boolean;
}

/** Validate every input in this process, one after the other. */
export async function validateInProcess(engine: Engine, inputs: AsyncIterable<ValidationInput>, profiles: string[], onResult: (r: FileResult) => void): Promise<void> {
  for await (const input of inputs) onResult(await validateInput(engine, input, profiles));
}

/**
 * `jobs` worker threads for one run. They are started at once, so that loading their code
 * overlaps the main thread's assembly; each assembles its engine when `load(engine)` says the
 * main thread's is ready (its disk cache filled: the workers only read it, never race to write it).
 */
export class Pool {
  private readonly slots: Slot[] = [];
  private readonly waiting: Task[] = [];
  private readonly done = new Map<number, FileResult>();
  private next = 0;
  private read = 0;
  private failures = 0;
  private lastFailure = '';
  private inProcess = false;
  /** Wakes the reader when results were handed on (room in the window) or the last result came in. */
  private wake: (() => void) | undefined;
  private window = 64;
  private everReady = false;
  /** Why the workers could not be used, when the main thread validated instead of them. */
  unavailable: string | undefined;
  private engine: Engine | undefined;
  private opts: PoolOptions | undefined;

  /**
   * @param setup.loadAtOnce the workers assemble their engines at once, not when load() says the
   * main thread's is ready: for a disk cache that is already built, which they then only read
   */
  constructor(
    private readonly script: string,
    private readonly jobs: number,
    private readonly args: ValidateArgs,
    private readonly setup: { loadAtOnce?: boolean } = {},
  ) {
    for (let i = 0; i < jobs; i++) this.start();
  }

  /** The main thread's engine is ready: the workers assemble theirs, unless they already are (it also validates what no worker can). */
  load(engine: Engine): void {
    this.engine = engine;
    if (this.setup.loadAtOnce) return;
    for (const s of this.slots) s.worker.postMessage({ type: 'load' } satisfies ToWorker);
  }

  /** Validate every input on the workers; `onResult` gets the results in input order. */
  async run(inputs: AsyncIterable<ValidationInput>, opts: PoolOptions): Promise<void> {
    if (!this.engine) throw new Error('Pool.run before Pool.load');
    this.opts = opts;
    this.window = opts.window ?? Math.max(64, this.jobs * 16);
    for await (const input of inputs) {
      while (this.read - this.next >= this.window) await this.sleep();
      this.waiting.push({ seq: this.read++, input });
      this.dispatch();
    }
    while (this.next < this.read) await this.sleep();
  }

  async close(): Promise<void> {
    for (const s of this.slots) s.gone = true;
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }

  private sleep(): Promise<void> {
    return new Promise((r) => (this.wake = r));
  }

  private start(): void {
    const worker = new Worker(this.script, { workerData: { args: this.args } satisfies WorkerData });
    const slot: Slot = { worker, ready: false, sent: [], gone: false };
    this.slots.push(slot);
    // a replacement started after the main thread's engine is ready assembles its own at once
    if (this.engine || this.setup.loadAtOnce) worker.postMessage({ type: 'load' } satisfies ToWorker);
    worker.on('message', (m: ToMain) => {
      if (m.type === 'ready') {
        slot.ready = true;
        this.everReady = true;
        this.dispatch();
      } else if (m.type === 'result') {
        slot.sent.shift();
        this.deliver(m.seq, m.result);
        this.dispatch();
      } else this.lost(slot, m.message);
    });
    worker.on('error', (e) => this.lost(slot, e.message));
    worker.on('exit', (code) => this.lost(slot, `it exited with code ${code}`));
  }

  /** A worker that failed to start or died: the input it was validating is reported, the rest go elsewhere. */
  private lost(slot: Slot, why: string): void {
    if (slot.gone) return;
    slot.gone = true;
    void slot.worker.terminate();
    this.slots.splice(this.slots.indexOf(slot), 1);
    this.failures++;
    this.lastFailure = why;
    const [culprit, ...behind] = slot.sent;
    if (culprit) {
      const line = 'line' in culprit.input ? culprit.input.line : null;
      this.deliver(
        culprit.seq,
        failedResult(
          inputName(culprit.input),
          `The worker thread validating this input stopped (${why}), so it was not checked: this is a bug in bars-toolkit; please report it with the input (--jobs 1 validates in one thread)`,
          'validation-failed',
          line,
        ),
      );
    }
    this.waiting.unshift(...behind);
    // a worker that could not even start says the others will not either: the main thread takes over
    if ((slot.ready || this.everReady) && this.failures < MAX_WORKER_FAILURES) this.start();
    this.dispatch();
  }

  private dispatch(): void {
    const live = this.slots.filter((s) => !s.gone);
    if (live.length === 0 && this.engine) {
      // no worker left to start: the main thread validates what is left
      if (!this.inProcess && this.waiting.length) {
        this.unavailable ??= this.lastFailure;
        void this.drainInProcess();
      }
      return;
    }
    for (const s of live) {
      while (s.ready && s.sent.length < AHEAD && this.waiting.length) {
        const task = this.waiting.shift()!;
        s.sent.push(task);
        s.worker.postMessage({ type: 'validate', seq: task.seq, input: task.input } satisfies ToWorker);
      }
    }
  }

  private async drainInProcess(): Promise<void> {
    this.inProcess = true;
    while (this.waiting.length) {
      const task = this.waiting.shift()!;
      this.deliver(task.seq, await validateInput(this.engine!, task.input, this.args.profiles));
    }
    this.inProcess = false;
  }

  /** Results are handed on in input order: one that comes early waits for those before it. */
  private deliver(seq: number, result: FileResult): void {
    this.done.set(seq, result);
    let handed = false;
    while (this.done.has(this.next)) {
      const r = this.done.get(this.next)!;
      this.done.delete(this.next++);
      this.opts!.onResult(r);
      handed = true;
    }
    if (handed && this.wake) {
      const wake = this.wake;
      this.wake = undefined;
      wake();
    }
  }
}
