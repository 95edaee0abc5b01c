/**
 * `bars validate --jobs`: 2 000 BaRS messages (the official message examples, as JSON, repeated
 * in a temp folder that is removed afterwards) validated end to end by the CLI (bin/bars.js, the
 * embedded definition set, offline, warm cache) on one thread (--jobs 1) and on two workers
 * (--jobs 2). Throughput is messages per second of the whole run, start-up included; the
 * marginal figure (runs of N and N/4 messages differenced) leaves start-up out. Needs `npm run build`.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createEngine } from '../src/engine.js';
import { barsDefaultSet } from '../src/bars/default-set.js';
import { barsMessageInputs, percentile, report } from './util.js';

const ROOT = resolve(import.meta.dirname, '..');

/** A preload printing the CPU time of the whole process (every thread) as it exits: what the run cost, apart from how busy the machine was. */
function cpuPreload(work: string): string {
  const file = join(work, 'cpu.cjs');
  writeFileSync(
    file,
    "if (require('node:worker_threads').isMainThread) process.on('exit', () => { const u = process.resourceUsage(); require('node:fs').writeSync(2, '\\n@@cpu ' + (u.userCPUTime + u.systemCPUTime) + '\\n'); });\n",
  );
  return file;
}

function run(folder: string, jobs: number, cacheDir: string, preload: string): { ms: number; cpuMs: number } {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, ['--require', preload, join(ROOT, 'bin', 'bars.js'), 'validate', folder, '--offline', '--cache-dir', cacheDir, '--quiet', '--jobs', String(jobs)], {
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
    maxBuffer: 256 * 1024 * 1024,
  });
  const ms = performance.now() - t0;
  // 1: some official examples have errors; anything else is a failed run
  if (r.status !== 0 && r.status !== 1) throw new Error(`bars validate --jobs ${jobs} exited ${r.status}: ${r.stderr.slice(0, 500)}`);
  return { ms, cpuMs: Number(/@@cpu (\d+)/.exec(r.stderr)?.[1] ?? NaN) / 1000 };
}

const median = (xs: number[]): number => percentile([...xs].sort((a, b) => a - b), 0.5);

export async function benchJobs(corpus: string): Promise<void> {
  if (!existsSync(join(ROOT, 'dist', 'cli', 'main.js'))) {
    console.log('bench jobs: dist/ not built (npm run build); skipped');
    return;
  }
  const total = Number(process.env.BENCH_JOBS_MESSAGES ?? 2000);
  const repeats = Number(process.env.BENCH_JOBS_REPEATS ?? 3);
  const work = mkdtempSync(join(tmpdir(), 'bars-bench-jobs-'));
  try {
    const cacheDir = join(work, 'cache');
    const preload = cpuPreload(work);
    // the examples are published as XML: turned into the JSON a supplier's system sends
    const engine = await createEngine({ cacheDir, offline: true, ...barsDefaultSet() });
    const messages = barsMessageInputs(corpus, engine.loaded.compiler);
    const folder = (n: number): string => {
      const dir = join(work, `messages-${n}`);
      mkdirSync(dir);
      for (let i = 0; i < n; i++) writeFileSync(join(dir, `${String(i).padStart(5, '0')}-${messages[i % messages.length]!.name.replace(/\.xml$/, '.json')}`), messages[i % messages.length]!.json);
      return dir;
    };
    const large = folder(total);
    const small = folder(Math.round(total / 4));
    run(small, 1, cacheDir, preload); // fills the toolkit's cache: every timed run is warm
    const times: Record<string, number[]> = { '1 large': [], '2 large': [], '1 small': [], '2 small': [] };
    const cpu: Record<number, number[]> = { 1: [], 2: [] };
    for (let r = 0; r < repeats; r++) {
      // the order alternates, so a busier stretch of a shared machine does not always hit the same one
      for (const jobs of r % 2 ? [2, 1] : [1, 2]) {
        const big = run(large, jobs, cacheDir, preload);
        times[`${jobs} large`]!.push(big.ms);
        cpu[jobs]!.push(big.cpuMs);
        times[`${jobs} small`]!.push(run(small, jobs, cacheDir, preload).ms);
      }
    }
    const t = (k: string): number => median(times[k]!);
    const rate = (n: number, ms: number): number => n / (ms / 1000);
    const oneRate = rate(total, t('1 large'));
    const twoRate = rate(total, t('2 large'));
    const marginal = (jobs: number): number => rate(total - Math.round(total / 4), t(`${jobs} large`) - t(`${jobs} small`));
    const load = loadavg()[0]!.toFixed(1);
    const cores = availableParallelism();
    report(
      `bars validate --jobs, ${total} BaRS messages (${messages.length} official examples repeated)`,
      `--jobs 1 ${oneRate.toFixed(0)} msg/s (${(t('1 large') / 1000).toFixed(1)} s), --jobs 2 ${twoRate.toFixed(0)} msg/s (${(t('2 large') / 1000).toFixed(1)} s): ${(twoRate / oneRate).toFixed(2)}× (whole runs, start-up included; median of ${repeats}; target ≥ 1.7×; ${cores} cores, load average ${load})`,
    );
    report(
      'bars validate --jobs, marginal throughput (start-up left out)',
      `--jobs 1 ${marginal(1).toFixed(0)} msg/s, --jobs 2 ${marginal(2).toFixed(0)} msg/s: ${(marginal(2) / marginal(1)).toFixed(2)}× (runs of ${total} and ${Math.round(total / 4)} messages differenced)`,
    );
    // CPU time does not depend on how busy the machine is: two workers' start-up shows as the difference
    report(
      'bars validate --jobs, CPU time of the whole run (every thread)',
      `--jobs 1 ${(median(cpu[1]!) / 1000).toFixed(1)} s, --jobs 2 ${(median(cpu[2]!) / 1000).toFixed(1)} s for ${total} messages (a wall-time ratio near 2× needs the two cores to ourselves)`,
    );
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
