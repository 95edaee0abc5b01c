/**
 * Where one bars serve request's CPU goes, in process (no HTTP, no SQLite): validateRequest on
 * the benchmark's $process-message request, N times. `tsx bench/serve-profile.ts [N]`.
 */
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createValidator, validateRequest } from '../src/index.js';
import { processMessageRequest } from '../src/probe/requests.js';

const corpus = resolve(import.meta.dirname, '..', '..', 'shared', 'corpus');
const igs = existsSync(corpus) ? [join(corpus, 'ukcore-stu3'), join(corpus, 'bars')] : [];
const validator = await createValidator({ cacheDir: join(tmpdir(), 'bars-bench-serve-cache'), offline: true, igs });
const n = Number(process.argv[2] ?? 200);
const run = async (): Promise<void> => {
  const r = processMessageRequest('APP5-referral-request');
  const v = await validateRequest(validator, { method: 'POST', url: `http://127.0.0.1:1/booking-and-referral/FHIR/R4${r.path}`, headers: Object.entries(r.headers).map(([name, value]) => ({ name, value })), body: r.body });
  if (!v.requests[0]?.body?.result.valid) throw new Error('bench: the request is not valid');
};
for (let i = 0; i < 20; i++) await run();
// BARS_PROFILE=<file>: a V8 CPU profile of the steady state only (after the warm-up)
const session = process.env.BARS_PROFILE ? new (await import('node:inspector/promises')).Session() : undefined;
if (session) {
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
}
const c0 = process.cpuUsage();
const t0 = performance.now();
for (let i = 0; i < n; i++) await run();
const c = process.cpuUsage(c0);
console.log(`BENCH validateRequest in process: ${((c.user + c.system) / 1000 / n).toFixed(2)} ms CPU, ${((performance.now() - t0) / n).toFixed(2)} ms wall per request (${n} requests)`);
if (session) {
  const { profile } = await session.post('Profiler.stop');
  (await import('node:fs')).writeFileSync(process.env.BARS_PROFILE!, JSON.stringify(profile));
}
