/**
 * Hostile inputs through the built `bars` command, as a CI job on a fork's pull request runs it:
 * injected runner commands and terminal escapes in payloads, link loops and links out of the
 * input folder, a forged result file for `bars report`, report paths that cannot be written.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bars } from './support/cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'bars-hostile-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const patient = (extra: Record<string, unknown> = {}): string => JSON.stringify({ resourceType: 'Patient', ...extra }, null, 2);
const noTrace = (s: string): void => {
  expect(s).not.toMatch(/internal error|^\s+at .+:\d+:\d+\)?$/m);
};

describe('hostile inputs through the bars command', () => {
  it('a payload value with a newline, "::error::" and ESC/BEL cannot start a runner command or reach the terminal raw', () => {
    const file = join(tmp, 'inject.json');
    writeFileSync(file, patient({ gender: 'x\n::error::injected\x1b]0;pwned\x07', name: [{ family: '\u001b[2J' }] }));
    const r = bars(['validate', file, '--no-bars']);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('::error::injected');
    for (const line of (r.stdout + r.stderr).split('\n')) expect(line).not.toMatch(/^\s*::/);
    expect(r.stdout + r.stderr).not.toMatch(/[\x07\x1b]/);
  });

  it('a folder with link loops ends, each file validated once; links out of it are left out with a warning unless --follow-symlinks', () => {
    const dir = join(tmp, 'links', 'in');
    mkdirSync(join(dir, 'sub'), { recursive: true });
    writeFileSync(join(dir, 'p.json'), patient());
    writeFileSync(join(dir, 'sub', 'q.json'), patient());
    writeFileSync(join(tmp, 'links', 'outside.json'), patient({ id: 'outside-secret' }));
    symlinkSync('.', join(dir, 'a'));
    symlinkSync('.', join(dir, 'b'));
    symlinkSync(join(tmp, 'links', 'outside.json'), join(dir, 'out.json'));
    const r = bars(['validate', dir, '--no-bars', '--format', 'json'], { timeoutMs: 60_000 });
    expect(r.timedOut).toBe(false);
    expect(r.json.results.map((x: { file: string }) => x.file)).toEqual([join(dir, 'p.json'), join(dir, 'sub', 'q.json')]);
    expect(r.stderr).toMatch(/1 link leading outside the folder was not followed \(.*out\.json\); give --follow-symlinks/);
    const followed = bars(['validate', dir, '--no-bars', '--format', 'json', '--follow-symlinks']);
    expect(followed.json.results.map((x: { file: string }) => x.file)).toContain(join(dir, 'out.json'));
    expect(bars(['validate', '--help']).stdout).toContain('--follow-symlinks');
  });

  it('bars report on a forged result: no file outside the folder given is read into the HTML', () => {
    const work = join(tmp, 'report-work');
    mkdirSync(work, { recursive: true });
    writeFileSync(join(tmp, 'secret.txt'), 'TOP-SECRET-LINE\n');
    const issue = { severity: 'error', code: 'structure', message: 'm', expression: 'Patient', line: 1, column: 1, ruleId: 'x', source: null };
    const forged = {
      tool: { name: 'bars-toolkit', version: '0' },
      summary: { files: 2, valid: 0, errors: 2, warnings: 0, information: 0, durationMs: 1 },
      results: [join(tmp, 'secret.txt'), '../secret.txt'].map((file) => ({ file, resourceType: 'Patient', profiles: [], valid: false, issues: [issue] })),
    };
    const json = join(work, 'forged.json');
    writeFileSync(json, JSON.stringify(forged));
    const out = join(work, 'r.html');
    const r = bars(['report', json, '--format', 'html', '--output', out], { cwd: work });
    // rendered (exit 1 as bars validate would give for a result with errors, not 2 for an unreadable one)
    expect(r.status, r.stderr).toBe(1);
    expect(r.stderr).toBe('');
    expect(readFileSync(out, 'utf8')).not.toContain('TOP-SECRET-LINE');
  });

  it('--output naming a folder, and --output-dir under a file, are usage errors with a clear message', () => {
    const file = join(tmp, 'ok.json');
    writeFileSync(file, patient());
    const dir = join(tmp, 'a-folder');
    mkdirSync(dir, { recursive: true });
    const r = bars(['validate', file, '--no-bars', '--output', dir]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`--output: ${dir} is a folder; give a file name`);
    noTrace(r.stderr);
    const under = bars(['validate', file, '--no-bars', '--output-dir', join(file, 'reports')]);
    expect(under.status).toBe(2);
    expect(under.stderr).toMatch(/--output-dir: cannot write .*a part of the path is a file, not a folder/);
    noTrace(under.stderr);
    const report = bars(['report', join(tmp, 'nope.json')]);
    expect(report.status).toBe(2);
    noTrace(report.stderr);
  });

  it('bars packages list: a package name from an IG folder cannot start a runner command or send escapes', () => {
    const ig = join(tmp, 'ig-hostile-name');
    mkdirSync(ig, { recursive: true });
    writeFileSync(join(ig, 'package.json'), JSON.stringify({ name: '::error::pwned\u001b[2J', version: '1.0.0' }));
    writeFileSync(join(ig, 'cs.json'), JSON.stringify({ resourceType: 'CodeSystem', url: 'http://example.org/cs', status: 'active', content: 'complete', concept: [{ code: 'a' }] }));
    const r = bars(['packages', 'list', '--ig', ig, '--offline']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('pwned');
    for (const line of (r.stdout + r.stderr).split('\n')) expect(line).not.toMatch(/^\s*::/);
    expect(r.stdout + r.stderr).not.toMatch(/\x1b/);
  });
});
