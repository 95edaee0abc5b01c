/**
 * Report rendering speed: 1 000 file results in each format (target < 1 s each).
 * The results are a real run over the fixtures, repeated to reach 1 000.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { main } from '../src/cli/main.js';
import { renderHtml } from '../src/report/html.js';
import { renderJunit } from '../src/report/junit.js';
import { renderMarkdown } from '../src/report/markdown.js';
import type { RunResult } from '../src/report/result.js';
import { renderSarif } from '../src/report/sarif.js';
import { report } from './util.js';

export async function benchReport(): Promise<void> {
  const root = resolve(import.meta.dirname, '..');
  const out = join(mkdtempSync(join(tmpdir(), 'bars-bench-r-')), 'result.json');
  const silent = { write: () => true } as unknown as NodeJS.WriteStream;
  const stderr = process.stderr.write.bind(process.stderr);
  process.stderr.write = silent.write as never;
  try {
    await main(['validate', join(root, 'fixtures'), '--format', 'json', '--output', out, '--offline']);
  } finally {
    process.stderr.write = stderr;
  }
  const base = JSON.parse(readFileSync(out, 'utf8')) as RunResult;
  const results = Array.from({ length: 1000 }, (_, i) => base.results[i % base.results.length]!);
  const big: RunResult = { ...base, results, summary: { ...base.summary, files: results.length } };
  const issues = results.reduce((n, r) => n + r.issues.length, 0);
  for (const [name, fn] of [
    ['html', () => renderHtml(big)],
    ['junit', () => renderJunit(big)],
    ['sarif', () => renderSarif(big)],
    ['markdown', () => renderMarkdown(big)],
  ] as const) {
    fn(); // warm-up
    const t = performance.now();
    const text = fn();
    const ms = performance.now() - t;
    report(`report ${name}`, `1000 results (${issues} issues): ${ms.toFixed(0)} ms, ${(text.length / 1024 / 1024).toFixed(1)} MB (target < 1000 ms)`);
  }
}
