/**
 * `bars validate` on one BaRS message, end to end as a user runs it (node bin/bars.js, i.e.
 * dist/), with the embedded definition set, offline, no FHIR package cache and an empty HOME:
 * cold (empty toolkit cache: R4 core and the embedded packages are indexed first) and warm
 * (the cache filled by an earlier run). Needs no corpus; needs `npm run build`.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { report } from './util.js';

const ROOT = resolve(import.meta.dirname, '..');
const MESSAGE = join(ROOT, 'fixtures', 'bars', 'valid', 'APP1-referral-request.json');

function run(home: string, cacheDir: string): number {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: home, BARS_CACHE_DIR: cacheDir, NO_COLOR: '1' };
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'bars.js'), 'validate', MESSAGE, '--offline', '--quiet'], { env, encoding: 'utf8' });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`bars validate exited ${r.status}: ${r.stderr.slice(0, 500)}`);
  return ms;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

export function benchCli(): void {
  if (!existsSync(join(ROOT, 'dist', 'cli', 'main.js'))) {
    console.log('bench cli: dist/ not built (npm run build); skipped');
    return;
  }
  const home = mkdtempSync(join(tmpdir(), 'bars-bench-home-'));
  const caches: string[] = [];
  try {
    const cold: number[] = [];
    for (let i = 0; i < 3; i++) {
      const cache = mkdtempSync(join(tmpdir(), 'bars-bench-cold-'));
      caches.push(cache);
      cold.push(run(home, cache));
    }
    const warm: number[] = [];
    for (let i = 0; i < 5; i++) warm.push(run(home, caches[0]!));
    const load = loadavg()[0]!.toFixed(1);
    report('bars validate, one BaRS message, cold (empty cache, embedded set, offline)', `${median(cold).toFixed(0)} ms (median of 3; target ≤ 2000 ms; load average ${load})`);
    report('bars validate, one BaRS message, warm (cache filled)', `${median(warm).toFixed(0)} ms (median of 5; target ≤ 600 ms; load average ${load})`);
  } finally {
    for (const c of [home, ...caches]) rmSync(c, { recursive: true, force: true });
  }
}
