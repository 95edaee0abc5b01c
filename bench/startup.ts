/**
 * Library start-up as a supplier's process pays it: import bars-toolkit, createValidator() with the
 * toolkit's cache already built (the first run builds it), the first validate(). Each in a fresh
 * process on dist/ (npm run build first); the median of 5 after one run that fills the cache.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { report } from './util.js';

type Run = { importMs: number; createMs: number; firstValidateMs: number; maxRssKb: number };

function child(cacheDir: string): Run {
  return JSON.parse(execFileSync(process.execPath, [join(import.meta.dirname, 'startup-child.mjs'), cacheDir], { encoding: 'utf8' })) as Run;
}

export function benchStartup(): void {
  if (!existsSync(join(import.meta.dirname, '..', 'dist', 'index.js'))) {
    report('library start-up', 'skipped: dist/ not built (npm run build)');
    return;
  }
  const cacheDir = mkdtempSync(join(tmpdir(), 'bars-bench-startup-'));
  try {
    const cold = child(cacheDir);
    report('library start-up, first run (builds the cache)', `import ${cold.importMs.toFixed(0)} ms, createValidator ${cold.createMs.toFixed(0)} ms, first validate ${cold.firstValidateMs.toFixed(0)} ms`);
    const runs = Array.from({ length: 5 }, () => child(cacheDir));
    const median = (k: keyof Run): number => runs.map((r) => r[k]).sort((a, b) => a - b)[2]!;
    report(
      'library start-up, cache built (median of 5)',
      `import ${median('importMs').toFixed(0)} ms, createValidator ${median('createMs').toFixed(0)} ms, first validate ${median('firstValidateMs').toFixed(0)} ms, peak RSS ${(median('maxRssKb') / 1024).toFixed(0)} MB`,
    );
  } finally {
    rmSync(cacheDir, { recursive: true, force: true });
  }
}
