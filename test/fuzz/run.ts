/**
 * `npm run fuzz -- --runs N [--seed S] [--timeout-ms T] [--out failures.json]`: mutated fixtures
 * through the library, in a worker thread. Counts crashes (an exception), hangs (no answer
 * within the time bound; the worker is replaced) and malformed results (an issue without a
 * location, a rule id or a message), and prints one summary line. Exit code 1 when any.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import fc from 'fast-check';
import { loadFixtures } from './check.js';
import { FULL_SIZES, fuzzInputs, type FuzzInput } from './mutate.js';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '1000' },
    seed: { type: 'string' },
    'timeout-ms': { type: 'string', default: '20000' },
    out: { type: 'string', default: 'fuzz-failures.json' },
    batch: { type: 'string', default: '200' },
    /** Largest huge value (characters) and deepest nesting added; smaller covers more inputs per hour. */
    'max-huge': { type: 'string' },
    'max-depth': { type: 'string' },
  },
});
const runs = Number(values.runs);
const seed = values.seed !== undefined ? Number(values.seed) : Date.now() % 2 ** 31;
const timeoutMs = Number(values['timeout-ms']);
const batch = Number(values.batch);

interface Failure {
  kind: 'crash' | 'hang' | 'malformed';
  detail: string;
  fixture: string;
  mutation: string;
  /** Replay: fc.sample(fuzzInputs(fixtures), { numRuns: batch, seed: seed + batchIndex })[index] */
  seed: number;
  batchIndex: number;
  index: number;
  inputHead: string;
}

class Runner {
  private worker!: Worker;
  private ready!: Promise<void>;
  constructor() {
    this.start();
  }
  private start(): void {
    this.worker = new Worker(join(import.meta.dirname, 'worker-boot.mjs'));
    this.ready = new Promise((res, rej) => {
      const onMsg = (m: { ready?: boolean }): void => {
        if (m.ready) {
          this.worker.off('message', onMsg);
          res();
        }
      };
      this.worker.on('message', onMsg);
      this.worker.once('error', rej);
    });
  }
  async run(id: number, input: string | Uint8Array): Promise<{ ms: number; problem?: string; crash?: string; hang?: boolean }> {
    await this.ready;
    return new Promise((resolve) => {
      const timer = setTimeout(async () => {
        this.worker.off('message', onMsg);
        this.worker.off('exit', onExit);
        await this.worker.terminate();
        this.start();
        resolve({ ms: timeoutMs, hang: true });
      }, timeoutMs);
      const onMsg = (m: { id?: number; ms: number; problem?: string; crash?: string }): void => {
        if (m.id !== id) return;
        clearTimeout(timer);
        this.worker.off('message', onMsg);
        this.worker.off('exit', onExit);
        resolve(m);
      };
      // the worker died (out of memory, a native crash): a crash of the library
      const onExit = (code: number): void => {
        clearTimeout(timer);
        this.worker.off('message', onMsg);
        this.start();
        resolve({ ms: 0, crash: `worker exited with code ${code}` });
      };
      this.worker.on('message', onMsg);
      this.worker.once('exit', onExit);
      this.worker.postMessage({ id, input });
    });
  }
  stop(): Promise<number> {
    return this.worker.terminate();
  }
}

const fixtures = loadFixtures();
const sizes = { huge: Number(values['max-huge'] ?? FULL_SIZES.huge), depth: Number(values['max-depth'] ?? FULL_SIZES.depth) };
const arb = fuzzInputs(fixtures, sizes);
const runner = new Runner();
const failures: Failure[] = [];
const counts = { crash: 0, hang: 0, malformed: 0 };
let slowest = { ms: 0, mutation: '', fixture: '' };
const t0 = performance.now();
let done = 0;

/** The summary line (also when the run is stopped early: it then says how many inputs ran). */
function summary(stopped: boolean): string {
  const wall = (performance.now() - t0) / 1000;
  return `fuzz: runs=${done}${stopped ? ` (stopped early of ${runs})` : ''} crashes=${counts.crash} hangs=${counts.hang} malformed=${counts.malformed} wall=${wall.toFixed(1)}s seed=${seed} fixtures=${fixtures.length} timeout=${timeoutMs}ms max-huge=${sizes.huge} max-depth=${sizes.depth} slowest=${slowest.ms.toFixed(0)}ms (${slowest.mutation} of ${slowest.fixture})${failures.length ? ` failures in ${values.out}` : ''}\n`;
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    process.stdout.write(summary(true));
    process.exit(failures.length ? 1 : 130);
  });
}

for (let b = 0; done < runs; b++) {
  const inputs: FuzzInput[] = fc.sample(arb, { numRuns: Math.min(batch, runs - done), seed: seed + b });
  for (let i = 0; i < inputs.length; i++) {
    const x = inputs[i]!;
    const r = await runner.run(done, x.input);
    const kind = r.hang ? 'hang' : r.crash ? 'crash' : r.problem ? 'malformed' : undefined;
    if (r.ms > slowest.ms) slowest = { ms: r.ms, mutation: x.mutation, fixture: x.fixture };
    if (kind) {
      counts[kind]++;
      const head = typeof x.input === 'string' ? x.input.slice(0, 300) : Buffer.from(x.input.subarray(0, 300)).toString('latin1');
      failures.push({ kind, detail: r.crash ?? r.problem ?? `no answer within ${timeoutMs} ms`, fixture: x.fixture, mutation: x.mutation, seed, batchIndex: b, index: i, inputHead: head });
      writeFileSync(values.out!, JSON.stringify(failures, null, 2));
    }
    done++;
    if (done % 1000 === 0) {
      process.stderr.write(`fuzz: ${done}/${runs} inputs, ${counts.crash} crashes, ${counts.hang} hangs, ${counts.malformed} malformed, ${((performance.now() - t0) / 1000).toFixed(0)} s\n`);
    }
  }
}
await runner.stop();
process.stdout.write(summary(false));
process.exitCode = failures.length ? 1 : 0;
