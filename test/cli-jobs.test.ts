/**
 * `bars validate --jobs N` and NDJSON input, through bin/bars.js (worker threads need the built
 * CLI; a few one-thread runs go through main() in this process): the same JSON result on worker
 * threads as in one thread (input order kept), a worker that dies costs only its own input, and
 * NDJSON lines are validated one by one, each located on its line of the file.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bars, barsInProcess, ROOT } from './support/cli.js';

let dir: string;
const mixed = (): string => join(dir, 'mixed');

/** The JSON result without what differs from run to run (timings, the start time). */
function withoutTimings(json: any): any {
  const copy = structuredClone(json);
  for (const r of copy.results) delete r.durationMs;
  delete copy.summary.durationMs;
  delete copy.run.startedAt;
  return copy;
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'bars-jobs-test-'));
  mkdirSync(mixed());
  // valid and invalid files interleaved by name; the first one is much slower than the rest, so
  // on two workers later files finish before it and only the reordering keeps the input order
  const entries = Array.from({ length: 400 }, (_, i) => ({ fullUrl: `urn:uuid:00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, resource: { resourceType: 'Patient', gender: i % 7 ? 'female' : 'femme' } }));
  writeFileSync(join(mixed(), '000-large-collection.json'), JSON.stringify({ resourceType: 'Bundle', type: 'collection', entry: entries }));
  const take = (from: string, names: string[]): void => {
    for (const [k, n] of names.entries()) copyFileSync(join(ROOT, 'fixtures', from, n), join(mixed(), `${String(k + 1).padStart(3, '0')}-${from.replace(/\W/g, '-')}-${n}`));
  };
  take('r4/invalid', ['binding-required.json', 'cardinality-min.json', 'json-malformed.json', 'unknown-element.json', 'bad-namespace.xml', 'not-utf8.json']);
  take('r4/valid', readdirSync(join(ROOT, 'fixtures', 'r4', 'valid')).filter((n) => /\.(json|xml)$/.test(n)).slice(0, 6));
  writeFileSync(join(mixed(), '050-not-a-resource.json'), '[1, 2, 3]');
  // information-level issues, hidden from the text output by default (and counted there)
  copyFileSync(join(ROOT, 'fixtures', 'r4', 'valid', 'observation-heart-rate.json'), join(mixed(), '060-observation-heart-rate.json'));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A run that several tests compare against, made once (each run is a child process, ~1 s). */
function once<T>(run: () => T): () => T {
  let value: { v: T } | undefined;
  return () => (value ??= { v: run() }).v;
}
/** The mixed folder in one thread, as JSON. */
const mixedInOneThread = once(() => bars(['validate', mixed(), '--no-bars', '--format', 'json', '--jobs', '1']));

describe('bars validate --jobs', () => {
  it('--jobs 2 gives the same JSON result as --jobs 1, in input order, over valid and invalid files', () => {
    const one = mixedInOneThread();
    const two = bars(['validate', mixed(), '--no-bars', '--format', 'json', '--jobs', '2']);
    expect(one.status, one.stderr).toBe(1);
    expect(two.status, two.stderr).toBe(1);
    expect(two.stderr).toBe(one.stderr);
    const files = one.json.results.map((r: { file: string }) => r.file);
    expect(files).toEqual([...files].sort());
    expect(files.length).toBe(readdirSync(mixed()).length);
    expect(one.json.results.filter((r: { valid: boolean }) => r.valid).length).toBeGreaterThan(0);
    expect(one.json.results.filter((r: { valid: boolean }) => !r.valid).length).toBeGreaterThan(0);
    expect(JSON.stringify(withoutTimings(two.json))).toBe(JSON.stringify(withoutTimings(one.json)));
  });

  it('a worker that dies while validating a file reports that file as not checked; the others are validated', () => {
    const crashDir = join(dir, 'crash');
    mkdirSync(crashDir);
    for (let i = 1; i <= 6; i++) writeFileSync(join(crashDir, `p${i}.json`), JSON.stringify({ resourceType: 'Patient', gender: 'female' }));
    writeFileSync(join(crashDir, 'p3-dies.json'), JSON.stringify({ resourceType: 'Patient', gender: 'male' }));
    // a preload that ends the worker thread (never the main one) as it reads that file
    const hook = join(dir, 'worker-dies.cjs');
    writeFileSync(
      hook,
      `const { isMainThread } = require('node:worker_threads');
if (!isMainThread) {
  const fs = require('node:fs');
  const read = fs.readFileSync;
  fs.readFileSync = function (path, ...rest) {
    if (typeof path === 'string' && path.endsWith('p3-dies.json')) process.exit(70);
    return read.call(this, path, ...rest);
  };
  require('node:module').syncBuiltinESMExports();
}
`,
    );
    const r = bars(['validate', crashDir, '--no-bars', '--format', 'json', '--jobs', '2'], { env: { NODE_OPTIONS: `--require ${hook}` } });
    expect(r.status, r.stderr).toBe(1);
    const byName = new Map<string, any>(r.json.results.map((x: { file: string }) => [x.file.slice(crashDir.length + 1), x]));
    expect([...byName.keys()]).toEqual(['p1.json', 'p2.json', 'p3-dies.json', 'p3.json', 'p4.json', 'p5.json', 'p6.json']);
    const dead = byName.get('p3-dies.json');
    expect(dead.valid).toBe(false);
    expect(dead.issues).toHaveLength(1);
    expect(dead.issues[0]).toMatchObject({ severity: 'fatal', ruleId: 'validation-failed' });
    expect(dead.issues[0].message).toMatch(/worker thread validating this input stopped \(it exited with code 70\)/);
    for (const [name, x] of byName) if (name !== 'p3-dies.json') expect(x.valid, name).toBe(true);
    expect(r.json.summary).toMatchObject({ files: 7, valid: 6, errors: 1 });
  });

  it('text on stdout, printed file by file as the run goes, is the report written whole with --output', () => {
    const out = join(dir, 'report.txt');
    const streamed = bars(['validate', mixed(), '--no-bars', '--jobs', '2']);
    const whole = bars(['validate', mixed(), '--no-bars', '--jobs', '2', '--output', out]);
    expect(streamed.status, streamed.stderr).toBe(1);
    expect(whole.status, whole.stderr).toBe(1);
    const noTime = (t: string): string => t.replace(/ in \d+ ms\n$/, '');
    const text = readFileSync(out, 'utf8');
    expect(text).toMatch(/issues? below warning not shown/);
    expect(noTime(streamed.stdout)).toBe(noTime(text));
  });

  it('when no worker can start, the main thread validates every input and says so on stderr', () => {
    const hook = join(dir, 'no-worker.cjs');
    writeFileSync(hook, "if (!require('node:worker_threads').isMainThread) throw new Error('workers refused here');\n");
    const one = mixedInOneThread();
    const r = bars(['validate', mixed(), '--no-bars', '--format', 'json', '--jobs', '2'], { env: { NODE_OPTIONS: `--require ${hook}` } });
    expect(r.status, r.stderr).toBe(1);
    expect(r.stderr).toContain('bars: warning: --jobs 2: the worker threads could not be used (workers refused here), so the inputs were validated in one thread');
    expect(JSON.stringify(withoutTimings(r.json).results)).toBe(JSON.stringify(withoutTimings(one.json).results));
  });

  it('--jobs 0 and --jobs two are usage errors', async () => {
    for (const n of ['0', 'two']) {
      // the first as a child process, the second through main() in this process
      const r = n === '0' ? bars(['validate', mixed(), '--jobs', n]) : await barsInProcess(['validate', mixed(), '--jobs', n]);
      expect(r.status).toBe(2);
      expect(r.stderr).toContain(`--jobs ${n}: give a whole number of worker threads`);
    }
  });
});

describe('NDJSON input', () => {
  const ndjson = (): string => join(dir, 'patients.ndjson');
  const ndjsonInOneThread = once(() => bars(['validate', ndjson(), '--no-bars', '--format', 'json', '--jobs', '1']));
  beforeAll(() => {
    const lines = [
      JSON.stringify({ resourceType: 'Patient', gender: 'female' }),
      '',
      JSON.stringify({ resourceType: 'Patient', gender: 'femme' }),
      '   ',
      '{"resourceType": "Patient", "gender": ',
      JSON.stringify({ resourceType: 'Observation', status: 'final', code: { text: 'x' } }),
    ];
    writeFileSync(ndjson(), lines.join('\n') + '\n');
  });

  it('each line is its own input named file.ndjson:<line>, its issues on that line; blank lines skipped; a malformed line fails alone', async () => {
    const r = ndjsonInOneThread();
    expect(r.status, r.stderr).toBe(1);
    const results = r.json.results as { file: string; valid: boolean; issues: { severity: string; ruleId: string; line: number | null; column: number | null }[] }[];
    expect(results.map((x) => x.file)).toEqual([`${ndjson()}:1`, `${ndjson()}:3`, `${ndjson()}:5`, `${ndjson()}:6`]);
    expect(results.map((x) => x.valid)).toEqual([true, false, false, true]);
    // line 3: the invalid code, on line 3 of the file, at its column within the line
    const code = results[1]!.issues.find((i) => i.ruleId === 'binding-required');
    expect(code).toMatchObject({ severity: 'error', line: 3, column: 27 });
    // line 5: the JSON is cut short: a fatal located at the end of that line, and nothing else fails
    expect(results[2]!.issues).toHaveLength(1);
    expect(results[2]!.issues[0]).toMatchObject({ severity: 'fatal', ruleId: 'json-syntax', line: 5 });
    expect(results[2]!.issues[0]!.column).toBeGreaterThan(30);
    for (const x of results) for (const i of x.issues) expect(i.line).toBe(Number(x.file.slice(x.file.lastIndexOf(':') + 1)));
    // the text output names the line too
    const text = await barsInProcess(['validate', ndjson(), '--no-bars', '--jobs', '1']);
    expect(text.stdout).toContain(`FAIL ${ndjson()}:5`);
  });

  it('with --jobs 2 the lines give the same result, in the same order', () => {
    const one = ndjsonInOneThread();
    const two = bars(['validate', ndjson(), '--no-bars', '--format', 'json', '--jobs', '2']);
    expect(two.status, two.stderr).toBe(1);
    expect(JSON.stringify(withoutTimings(two.json))).toBe(JSON.stringify(withoutTimings(one.json)));
  });

  it('folders include *.ndjson files', async () => {
    const folder = join(dir, 'with-ndjson');
    mkdirSync(folder);
    writeFileSync(join(folder, 'a.json'), JSON.stringify({ resourceType: 'Patient' }));
    writeFileSync(join(folder, 'b.ndjson'), `${JSON.stringify({ resourceType: 'Patient' })}\n${JSON.stringify({ resourceType: 'Patient', active: true })}\n`);
    const r = await barsInProcess(['validate', folder, '--no-bars', '--format', 'json', '--jobs', '1']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.json.results.map((x: { file: string }) => x.file.slice(folder.length + 1))).toEqual(['a.json', 'b.ndjson:1', 'b.ndjson:2']);
  });
});
