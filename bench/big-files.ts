/**
 * npm run bench big-files — 50 MB files through the bars command, timed and with their peak memory,
 * against the budgets test/hostile.test.ts used to assert (moved here: a budget is a benchmark, not a
 * test on a shared machine). Measured on an idle machine: bundle 12 s / 800 MB, the single values
 * 3-4 s / 200-250 MB (before the fixes: 160 s / 1 GB and 15-30 s / 2-3 GB). Exits 1 when a run is
 * wrong or over its budget.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jsonPatientBundle, longValues, xmlPatientBundle } from '../test/support/big-files.js';
import { bars } from '../test/support/cli.js';
import { report } from './util.js';

interface Case {
  name: string;
  file: string;
  text: () => string;
  /** What the result must be: one located issue, or none. */
  expect: (issues: { ruleId: string; line?: number; expression?: string }[]) => string | undefined;
  maxMs: number;
  maxRssMB: number;
}

export function benchBigFiles(): boolean {
  const dir = mkdtempSync(join(tmpdir(), 'bars-bench-big-'));
  const located = (lines: number, entry: number) => (issues: { ruleId: string; line?: number; expression?: string }[]) =>
    issues.length === 1 && issues[0]!.ruleId === 'binding-required' && issues[0]!.line === lines && issues[0]!.expression === `Bundle.entry[${entry}].resource.gender`
      ? undefined
      : `expected one binding-required at line ${lines}, Bundle.entry[${entry}].resource.gender; got ${JSON.stringify(issues.slice(0, 3))}`;
  const json = jsonPatientBundle(50);
  const xml = xmlPatientBundle(10);
  const cases: Case[] = [
    { name: 'a Bundle of ~140 000 Patients (50 MB JSON)', file: 'bundle.json', text: () => json.text, expect: located(json.lines, json.wrongEntry), maxMs: 90_000, maxRssMB: 1800 },
    { name: 'a Bundle of ~37 000 Patients (10 MB XML)', file: 'bundle.xml', text: () => xml.text, expect: located(xml.lines, xml.wrongEntry), maxMs: 60_000, maxRssMB: 900 },
    ...longValues(50).map(([name, ext, make]): Case => ({
      name,
      file: `${name.replace(/\W+/g, '-')}.${ext}`,
      text: make,
      expect: (issues) => (issues.length === 0 ? undefined : `expected valid; got ${JSON.stringify(issues.slice(0, 3))}`),
      maxMs: 45_000,
      maxRssMB: 900,
    })),
  ];
  let ok = true;
  for (const c of cases) {
    const file = join(dir, c.file);
    writeFileSync(file, c.text());
    const r = bars(['validate', file, '--format', 'json', '--no-bars'], { timeoutMs: 180_000 });
    rmSync(file);
    const wrong = r.timedOut ? 'timed out' : r.json ? c.expect(r.json.results[0].issues) : `no JSON result: ${r.stderr.slice(0, 300)}`;
    const over = [r.ms > c.maxMs ? `time over ${c.maxMs / 1000} s` : '', r.maxRssMB > c.maxRssMB ? `memory over ${c.maxRssMB} MB` : ''].filter(Boolean).join(', ');
    report(`big file: ${c.name}`, `${(r.ms / 1000).toFixed(1)} s, peak ${r.maxRssMB.toFixed(0)} MB${wrong ? `  WRONG: ${wrong}` : ''}${over ? `  OVER BUDGET: ${over}` : ''}`);
    if (wrong || over) ok = false;
  }
  rmSync(dir, { recursive: true, force: true });
  return ok;
}

if (import.meta.url === `file://${process.argv[1]}`) process.exit(benchBigFiles() ? 0 : 1);
