/**
 * Time to a ready definition set (R4 core + UK Core STU3 + BaRS): cold (empty cache) and
 * from the disk cache, each in a fresh process, with its peak RSS.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { report } from './util.js';

function child(corpus: string, cacheDir: string): { indexMs: number; readyMs: number; maxRssKb: number; generated: number; fromDisk: number } {
  const tsx = join(import.meta.dirname, '..', 'node_modules', '.bin', 'tsx');
  const out = execFileSync(tsx, [join(import.meta.dirname, 'load-child.ts'), corpus, cacheDir], { encoding: 'utf8' });
  return JSON.parse(out);
}

export function benchLoad(corpus: string): void {
  const cacheDir = mkdtempSync(join(tmpdir(), 'bars-bench-cache-'));
  try {
    const cold = child(corpus, cacheDir);
    report('load cold (R4 core + UK Core STU3 + BaRS, empty cache)', `ready in ${cold.readyMs.toFixed(0)} ms, peak RSS ${(cold.maxRssKb / 1024).toFixed(0)} MB`);
    const warm: ReturnType<typeof child>[] = [];
    for (let i = 0; i < 5; i++) warm.push(child(corpus, cacheDir));
    warm.sort((a, b) => a.readyMs - b.readyMs);
    const med = warm[2]!;
    report(
      'load from cache (same set)',
      `index in ${med.indexMs.toFixed(0)} ms, ready (BaRS message profiles compiled) in ${med.readyMs.toFixed(0)} ms, peak RSS ${(med.maxRssKb / 1024).toFixed(0)} MB (median of 5; targets ≤ 300 ms, ≤ 300 MB)`,
    );
  } finally {
    rmSync(cacheDir, { recursive: true, force: true });
  }
}
