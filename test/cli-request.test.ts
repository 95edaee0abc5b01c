/**
 * `bars validate --request` end to end on the HTTP fixtures: its exit codes and the JSON result
 * contract (results[].{file, resourceType, profiles, valid, issues[…]}), with one result for the
 * request and one for its body. The first case runs bin/bars.js (the built CLI) as a child
 * process; the others run the CLI's main() in this process (barsInProcess).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { clientAssertion, testKeyPair } from '../scripts/fixtures/http-builder.js';
import { corpusPath, HAS_CORPUS } from './support/corpus.js';
import { barsInProcess } from './support/cli.js';
import { TEST_CACHE } from './support/engine.js';

const ROOT = resolve(import.meta.dirname, '..');
const FIX = join(ROOT, 'fixtures', 'http');
const IGS = HAS_CORPUS ? ['--ig', corpusPath('ukcore-stu3'), '--ig', corpusPath('bars')] : [];



interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
  json: () => { results: { file: string; resourceType: string | null; profiles: string[]; valid: boolean; http?: Record<string, unknown>; issues: Record<string, unknown>[] }[]; summary: Record<string, number> };
}

/** `bars validate <args>` as a child process. */
function spawned(...args: string[]): Run {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'bars.js'), 'validate', ...args, '--offline', '--cache-dir', TEST_CACHE], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, json: () => JSON.parse(r.stdout) };
}

/** `bars validate <args>` through main() in this process (--offline and the test cache added there too). */
async function bars(...args: string[]): Promise<Run> {
  const r = await barsInProcess(['validate', ...args]);
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, json: () => JSON.parse(r.stdout) };
}

describe('bars validate --request (bin/bars.js)', () => {
  it('a correct referral request: exit 0, a request result and a body result in the JSON contract', () => {
    const r = spawned('--request', join(FIX, 'valid', 'APP3-referral-request.http'), ...IGS, '--format', 'json');
    expect(r.status, r.stderr).toBe(0);
    const { results, summary } = r.json();
    expect(results.map((x) => [x.file.replace(/^.*\//, ''), x.resourceType, x.valid, x.http?.part])).toEqual([
      ['APP3-referral-request.http', null, true, 'request'],
      ['APP3-referral-request.http#body', 'Bundle', true, 'body'],
    ]);
    expect(results[0]!.http).toMatchObject({ method: 'POST', operation: 'POST /$process-message', form: 'http' });
    expect(results[1]!.http).toMatchObject({ start: { line: 14, column: 1 } });
    expect(results[1]!.profiles).toContain('https://fhir.nhs.uk/StructureDefinition/BARSBundleMessage');
    for (const i of results.flatMap((x) => x.issues)) expect(Object.keys(i)).toEqual(expect.arrayContaining(['severity', 'code', 'message', 'expression', 'line', 'column', 'ruleId', 'source']));
    expect(summary).toMatchObject({ files: 2, valid: 2, errors: 0 });
  });

  it('a broken header: exit 1, the rule at the header\'s line with its guide page', async () => {
    const r = await bars('--request', join(FIX, 'invalid', 'request-id-not-uuid.http'), ...IGS, '--format', 'json');
    expect(r.status).toBe(1);
    const issue = r.json().results[0]!.issues.find((i) => i.ruleId === 'BARS-HTTP-07')!;
    expect(issue).toMatchObject({ severity: 'error', expression: 'header:X-Request-ID', line: 3, column: 15, bars: { rule: 'BARS-HTTP-07', guidePage: 'Core/1-5-0/End-to-end-workflow/transactional-Integrity.page.md' } });
  });

  it('one HAR entry (#1), text output naming where the body starts; several --request files in one run', async () => {
    const r = await bars('--request', `${join(FIX, 'valid', 'APP1-slots-then-booking.har')}#1`, '--request', join(FIX, 'invalid', 'unknown-path.http'), ...IGS);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/PASS .*APP1-slots-then-booking\.har#entries\[1\] \(HTTP POST \/\$process-message\)/);
    expect(r.stdout).toMatch(/PASS .*APP1-slots-then-booking\.har#log\.entries\[1\]\.request\.postData\.text \(Bundle · APP1 booking-request/);
    expect(r.stdout).not.toMatch(/entries\[0\]/);
    expect(r.stdout).toMatch(/FAIL .*unknown-path\.http \(HTTP GET request\)\n.*unknown-path\.http:1:5 +error +\/booking-and-referral\/FHIR\/R4\/Patient\/9449306621 is not a BaRS API endpoint/);
  });

  it('the token request with --jwks, and a JWT on its own with --jwt (an expired one fails)', async () => {
    const ok = await bars('--request', join(FIX, 'valid', 'token-request.http'), '--jwks', join(FIX, 'test-signing.jwks'), '--format', 'json');
    expect(ok.status, ok.stderr).toBe(0);
    expect(ok.json().results[0]!.issues.map((i) => i.message)).toEqual([expect.stringMatching(/signature verifies with --jwks/)]);
    const dir = mkdtempSync(join(tmpdir(), 'bars-cli-jwt-'));
    const file = join(dir, 'assertion.jwt');
    writeFileSync(file, `${await clientAssertion((await testKeyPair()).privateKey, { expIn: 120 })}\n`);
    const fresh = await bars('--jwt', file, '--now', '2026-10-05T09:15:00Z', '--format', 'json');
    expect(fresh.status, fresh.stdout + fresh.stderr).toBe(0);
    const late = await bars('--jwt', file, '--now', '2026-10-05T09:30:00Z', '--format', 'json');
    expect(late.status).toBe(1);
    expect(late.json().results[0]!.issues.find((i) => i.ruleId === 'BARS-HTTP-16')).toMatchObject({ expression: 'jwt.claims.exp' });
  });

  it('unreadable input is a located fatal issue (exit 1); bad options are usage errors (exit 2)', async () => {
    const har = await bars('--request', join(FIX, 'invalid', 'har-without-entries.har'), '--format', 'json');
    expect(har.status).toBe(1);
    expect(har.json().results[0]!.issues[0]).toMatchObject({ severity: 'fatal', ruleId: 'BARS-HTTP-01', line: 2, expression: 'log' });
    const missing = await bars('--request', join(FIX, 'nope.http'), '--format', 'json');
    expect(missing.status).toBe(1);
    expect(missing.json().results[0]!.issues[0]).toMatchObject({ ruleId: 'file-unreadable' });
    const badKeys = await bars('--request', join(FIX, 'valid', 'token-request.http'), '--jwks', join(FIX, 'valid', 'get-message-definition.request.json'));
    expect(badKeys.status).toBe(2);
    expect(badKeys.stderr).toMatch(/is not a JSON Web Key Set/);
    const badNow = await bars('--request', join(FIX, 'valid', 'token-request.http'), '--now', 'yesterday');
    expect(badNow.status).toBe(2);
    expect(badNow.stderr).toMatch(/--now yesterday is not a date-time/);
    const badSpec = await bars('--request', join(FIX, 'valid', 'token-request.http'), '--openapi', join(FIX, 'test-signing.jwks'));
    expect(badSpec.status).toBe(2);
    expect(badSpec.stderr).toMatch(/is not an OpenAPI specification/);
  });

  it('SARIF places body issues in the request file (the body\'s lines moved by where it starts)', async () => {
    const file = join(FIX, 'invalid', 'body-not-message.http');
    const r = await bars('--request', file, '--format', 'sarif');
    expect(r.status).toBe(1);
    const results = JSON.parse(r.stdout).runs[0].results as { ruleId: string; locations: { physicalLocation: { artifactLocation: { uri: string }; region?: { startLine: number } } }[] }[];
    const body = results.find((x) => x.ruleId === 'BARS-HTTP-19')!.locations[0]!.physicalLocation;
    expect(body.artifactLocation.uri).toBe('fixtures/http/invalid/body-not-message.http');
    const lines = readFileSync(file, 'utf8').split('\n');
    expect(lines[body.region!.startLine - 1]).toMatch(/^\s*"resourceType": "Patient"/);
  });

  it.skipIf(!HAS_CORPUS)('--openapi takes the spec itself, with the same verdicts', async () => {
    const r = await bars('--request', join(FIX, 'invalid', 'wrong-method.http'), '--openapi', corpusPath('bars-api', 'booking-and-referral.yaml'), '--format', 'json');
    expect(r.status).toBe(1);
    expect(r.json().results[0]!.issues.find((i) => i.ruleId === 'BARS-HTTP-03')!.message).toBe('GET is not allowed on /$process-message: use POST. The API answers 405 SEND_METHOD_NOT_ALLOWED');
  });

  it('folder walks leave *.request.json to --request', async () => {
    const r = await bars(join(FIX, 'valid'), '--format', 'json');
    // nothing but HTTP files there: no FHIR resource to validate
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/No \*\.json or \*\.xml files found/);
  });
});
