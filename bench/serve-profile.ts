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
// fresh messages made before the clock starts: making one is the client's work, not the server's
const fresh = (): ReturnType<typeof processMessageRequest>[] => Array.from({ length: n }, () => processMessageRequest('APP5-referral-request'));
let queue = fresh();
const run = async (): Promise<void> => {
  const r = queue.pop() ?? processMessageRequest('APP5-referral-request');
  const v = await validateRequest(validator, { method: 'POST', url: `http://127.0.0.1:1/booking-and-referral/FHIR/R4${r.path}`, headers: Object.entries(r.headers).map(([name, value]) => ({ name, value })), body: r.body });
  if (!v.requests[0]?.body?.result.valid) throw new Error('bench: the request is not valid');
};
for (let i = 0; i < 20; i++) await run();
queue = fresh();
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

// the request and the body alone, interleaved (so both see the same JIT and CPU caches): what the
// HTTP layer (headers, their resources, path, parameters) adds is the difference
{
  queue = fresh();
  const bodies = fresh();
  let whole = 0;
  let body = 0;
  for (let i = 0; i < n; i++) {
    const c1 = process.cpuUsage();
    await run();
    // a fresh message each time, as run() sends: no cache can answer for an identical input
    const r = bodies.pop()!;
    const c2 = process.cpuUsage();
    await validator.validate(r.body!);
    const c3 = process.cpuUsage();
    whole += c2.user + c2.system - c1.user - c1.system;
    body += c3.user + c3.system - c2.user - c2.system;
  }
  console.log(`BENCH interleaved: validateRequest ${(whole / 1000 / n).toFixed(2)} ms CPU, of which the body alone (validator.validate) ${(body / 1000 / n).toFixed(2)} ms`);
}
