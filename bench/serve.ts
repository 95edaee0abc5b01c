/**
 * bars serve under load: $process-message with full validation (HTTP rules + body with the BaRS
 * layer + the exchange written to SQLite and fsync'd before the answer) — throughput, p50/p99 latency,
 * and the server's RSS as the request count grows. The server runs in its own process (one
 * core: Node's event loop); the client keeps a few requests in flight.
 */
import { fork } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { processMessageRequest } from '../src/probe/requests.js';
import { API_BASE_PATH } from '../src/serve/server.js';
import { headline, mb, percentile, report } from './util.js';

/** Requests sent before the clock starts (plans compiled, JIT warm). */
const WARMUP = 500;

export async function benchServe(corpus: string, total = 2000, concurrency = 4): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'bars-bench-serve-'));
  const child = fork(join(import.meta.dirname, 'serve-child.ts'), [join(dir, 'serve.db')], {
    // BARS_BENCH_CPU_PROF=<dir>: a V8 CPU profile of the server process, for finding what costs
    execArgv: ['--import', 'tsx', ...(process.env.BARS_BENCH_TRACE_GC ? ['--trace-gc'] : []), ...(process.env.BARS_BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BARS_BENCH_CPU_PROF}`] : [])],
    env: { ...process.env, BARS_BENCH_IGS: [join(corpus, 'ukcore-stu3'), join(corpus, 'bars')].join(',') },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const ask = <T>(msg: string, key: string): Promise<T> =>
    new Promise((resolve) => {
      const on = (m: Record<string, unknown>): void => {
        if (key in m) {
          child.off('message', on);
          resolve(m[key] as T);
        }
      };
      child.on('message', on);
      if (msg) child.send(msg);
    });
  try {
    const url = await ask<string>('', 'url');
    const fixture = 'APP5-referral-request';
    const sample = processMessageRequest(fixture);
    const entries = (sample.message.entry as unknown[]).length;
    const send = async (): Promise<number> => {
      const r = processMessageRequest(fixture);
      const t = performance.now();
      const res = await fetch(`${url}${API_BASE_PATH}${r.path}`, { method: 'POST', headers: r.headers, body: r.body, signal: AbortSignal.timeout(30_000) });
      await res.text();
      if (res.status !== 200) throw new Error(`bench: the server answered ${res.status}`);
      return performance.now() - t;
    };
    // warm-up at the same concurrency: the engine compiles its validation plans on first use and V8
    // optimises the hot paths over the first few hundred requests (measured: nearly all requests
    // above 20 ms fall there). Its latency is reported on a line of its own, not hidden.
    const warmup: number[] = [];
    let warmNext = 0;
    await Promise.all(Array.from({ length: concurrency }, async () => {
      while (warmNext < WARMUP) {
        warmNext++;
        warmup.push(await send());
      }
    }));
    warmup.sort((a, b) => a - b);
    const latencies: number[] = [];
    const rss: [number, number][] = [];
    // the first 1000, then every 2500: memory must plateau after the first 1000 (issue 16)
    const checkpoints = new Set([Math.min(1000, total), ...Array.from({ length: Math.floor(total / 2500) }, (_, i) => (i + 1) * 2500), total]);
    const cpu0 = await ask<number>('cpu', 'cpu');
    const t0 = performance.now();
    let done = 0;
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < total) {
        next++;
        latencies.push(await send());
        done++;
        if (checkpoints.has(done)) rss.push([done, await ask<number>('rss', 'rss')]);
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    const seconds = (performance.now() - t0) / 1000;
    const cpuMs = ((await ask<number>('cpu', 'cpu')) - cpu0) / 1000;
    latencies.sort((a, b) => a - b);
    headline(`serve $process-message (${entries}-entry message, full validation, ${concurrency} in flight)`, `${(total / seconds).toFixed(0)} requests/s over ${total} requests (target ≥ 300)`);
    headline('serve $process-message latency', `p50 ${percentile(latencies, 0.5).toFixed(1)} ms, p99 ${percentile(latencies, 0.99).toFixed(1)} ms (target p99 ≤ 20 ms)`);
    headline(`serve $process-message latency, the ${WARMUP} warm-up requests after start (not counted above)`, `p50 ${percentile(warmup, 0.5).toFixed(1)} ms, p99 ${percentile(warmup, 0.99).toFixed(1)} ms`);
    headline('serve CPU per request (server process, user+system)', `${(cpuMs / total).toFixed(2)} ms, i.e. ${((total * 1000) / cpuMs).toFixed(0)} requests per CPU-second`);
    const size = (f: string): string => (existsSync(f) ? mb(statSync(f).size) : 'none');
    headline('serve RSS', `${rss.map(([n, b]) => `${mb(b)} after ${n} requests`).join(', ')} (database ${size(join(dir, 'serve.db'))}, WAL ${size(join(dir, 'serve.db-wal'))})`);
  } finally {
    child.send('stop');
    await new Promise((resolve) => child.once('exit', resolve));
    rmSync(dir, { recursive: true, force: true });
  }
}
