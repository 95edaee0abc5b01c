/**
 * What a newcomer meets in the first hour, each a defect once: `packages list` telling the truth
 * about offline mode and listing what `packages add` put in the cache, hints for an HTTP request
 * given as an input, HAR entries numbered as the help says, a missing suppressions file named in
 * bars.config.json, run times that include start-up and the first run's cache, `bars report`
 * exiting as `bars validate` would, a --jwt result that says what it is. The first run is a child
 * process (its start-up is the point); the rest runs the CLI's main() in this process.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { barsInProcess as barsHome, looksLikeStackTrace } from './support/cli-home.js';
import { bars, barsInProcess } from './support/cli.js';
import { codeSystem, profile, writePackage } from './support/packages.js';

const tmp = mkdtempSync(join(tmpdir(), 'bars-first-hour-'));
const home = join(tmp, 'home');
mkdirSync(home, { recursive: true });
const FIX = join(import.meta.dirname, '..', 'fixtures');

describe('bars packages list', () => {
  it('says why nothing was downloaded without claiming offline mode, and says offline mode when it is on', async () => {
    const cache = join(tmp, 'cache-empty');
    // the embedded set needs no cache: ask for a package that is in neither
    const ig = ['--ig', 'example.not.cached#1.0.0'];
    const r = await barsHome(['packages', 'list', '--package-cache', cache, ...ig], { home, env: { BARS_OFFLINE: undefined } });
    expect(r.code).toBe(2);
    expect(r.stderr).not.toContain('offline mode is on');
    expect(r.stderr).toContain('bars packages list only reads the package cache (give --registry <url> to download)');
    const off = await barsHome(['packages', 'list', '--package-cache', cache, '--offline', ...ig], { home });
    expect(off.code).toBe(2);
    expect(off.stderr).toContain('offline mode is on');
  });

  it('lists a package just added with bars packages add', async () => {
    const cache = join(tmp, 'cache-add');
    const src = writePackage(join(tmp, 'pkg-src'), {
      name: 'example.just.added',
      version: '1.2.3',
      resources: [profile({ url: 'http://example.org/just/StructureDefinition/p', version: '1.2.3' }), codeSystem('http://example.org/just/CodeSystem/c', '1.2.3', ['a'])],
    });
    const add = await barsHome(['packages', 'add', join(src, 'package'), '--package-cache', cache], { home });
    expect(add.code, add.stderr).toBe(0);
    const list = await barsHome(['packages', 'list', '--package-cache', cache], { home });
    expect(list.stdout).toMatch(/Also in the package cache .*\n {2}example\.just\.added#1\.2\.3\n/);
    const json = await barsHome(['packages', 'list', '--package-cache', cache, '--json'], { home });
    expect(JSON.parse(json.stdout).cached).toEqual(['example.just.added#1.2.3']);
  });
});

describe('bars validate', () => {
  it('an HTTP request given as an input (no --request) gets a hint saying what to run', async () => {
    const file = join(FIX, 'http', 'valid', 'APP3-referral-request.http');
    const r = await barsInProcess(['validate', file]);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain(`This looks like an HTTP request: validate it with "bars validate --request ${file}"`);
  });

  it('HAR entries are numbered from 0, as the help says and the result names show', async () => {
    expect((await barsInProcess(['validate', '--help'])).stdout).toMatch(/HAR\s+log\.entries\[n\][\s\S]*counted\s+from\s+0/);
    const r = await barsInProcess(['validate', '--request', `${join(FIX, 'http', 'valid', 'APP1-slots-then-booking.har')}#2`, '--format', 'json']);
    expect(r.json.results[0].issues[0].message).toMatch(/holds 2 HAR entries \(0…1\): there is no entry 2/);
  });

  it('a suppressions file named in bars.config.json that does not exist: the config and the file named, no ENOENT', async () => {
    const dir = join(tmp, 'project');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'bars.config.json'), JSON.stringify({ suppress: 'accepted.json' }));
    const r = await barsInProcess(['validate', join(FIX, 'r4', 'valid')], { cwd: dir });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`bars: "suppress" in ${join(dir, 'bars.config.json')} names the suppressions file ${join(dir, 'accepted.json')}: no such file`);
    expect(r.stderr).not.toContain('ENOENT');
    expect(looksLikeStackTrace(r.stderr)).toBe(false);
  });

  it('the first run says it built the cache, and the run time counts start-up and the cache build', async () => {
    const cacheDir = join(tmp, 'fresh-cache');
    const r = bars(['validate', join(FIX, 'r4', 'valid', 'patient-minimal.json'), '--no-bars', '--offline', '--cache-dir', cacheDir, '--format', 'json'], { offline: false, timeoutMs: 180_000 });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(new RegExp(`first run: built the toolkit's cache in ${cacheDir.replace(/[.]/g, '\\.')} \\(\\d+ MB`));
    // from the process start to the report: all but the process exit
    expect(r.json.summary.durationMs).toBeGreaterThan(r.ms * 0.6);
    const again = await barsInProcess(['validate', join(FIX, 'r4', 'valid', 'patient-minimal.json'), '--no-bars', '--offline', '--cache-dir', cacheDir], { offline: false });
    expect(again.stderr).not.toContain('first run');
  }, 200_000);

  it('a --jwt result says it is a JWT client assertion, not "(unknown)"', async () => {
    const file = join(tmp, 'assertion.jwt');
    writeFileSync(file, 'not-a-jwt');
    const r = await barsInProcess(['validate', '--jwt', file]);
    expect(r.stdout).toContain(`${file} (JWT client assertion)`);
    expect(r.stdout).not.toContain('(unknown');
  });
});

describe('bars report', () => {
  it('exits as bars validate did for that result, and --fail-on warning as validate would', async () => {
    const out = join(tmp, 'result.json');
    const warningOnly = join(tmp, 'warning-only.json');
    // a code from a code system that is not loaded is a warning, not an error
    writeFileSync(warningOnly, JSON.stringify({ resourceType: 'Observation', status: 'final', code: { coding: [{ system: 'https://fhir.example.test/CodeSystem/unknown', code: 'x' }] } }));
    const v = await barsInProcess(['validate', warningOnly, '--no-bars', '--format', 'json', '--output', out]);
    expect(v.status, v.stderr).toBe(0);
    expect(JSON.parse(readFileSync(out, 'utf8')).summary.warnings).toBeGreaterThan(0);
    expect((await barsInProcess(['report', out])).status).toBe(0);
    expect((await barsInProcess(['report', out, '--fail-on', 'warning'])).status).toBe(1);
    expect((await barsInProcess(['validate', warningOnly, '--no-bars', '--fail-on', 'warning'])).status).toBe(1);
  });
});
