/**
 * The `bars validate` contract, end to end through bin/bars.js: inputs (folders, globs), --ig,
 * --profile, --format (text, json, outcome, several with --output-dir), --output, --fail-on,
 * --quiet, --suppress, exit codes, the text layout, and the JSON result checked against its
 * published schema (src/report/result.schema.json). The OperationOutcome output is itself
 * validated by the toolkit's own engine. Most runs go through the CLI's main() in this process
 * (barsInProcess); what only a real process shows (its exit status, a closed pipe, a terminal)
 * runs bin/bars.js as a child (bars).
 */
import { spawn, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { constraintProfile } from './support/profiles.js';
import { assertBuilt, bars, barsInProcess, ROOT } from './support/cli.js';
import { TEST_CACHE } from './support/engine.js';
import { plainEngine } from './support/engine.js';

const schema = JSON.parse(readFileSync(join(ROOT, 'src/report/result.schema.json'), 'utf8'));
const checkResult = new Ajv({ allErrors: true, strict: true }).compile(schema);
function expectContract(json: unknown): void {
  const ok = checkResult(json);
  expect(ok, JSON.stringify(checkResult.errors, null, 1)).toBe(true);
}

const FIX = join(ROOT, 'fixtures');
const VALID = join(FIX, 'r4/valid');
const INVALID = join(FIX, 'r4/invalid');
const UNKNOWN_ELEMENT = join(INVALID, 'unknown-element.json');

let dir: string;
const p = (...parts: string[]): string => join(dir, ...parts);
const write = (path: string, data: unknown): string => {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, typeof data === 'string' ? data : JSON.stringify(data, null, 2));
  return path;
};

const profile = (id: string, type: string, element: Record<string, unknown>) => constraintProfile(id, type, [element]);
const PATIENT_PROFILE = 'http://example.org/StructureDefinition/patient-with-birthdate';
const OBS_PROFILE = 'http://example.org/StructureDefinition/observation-with-subject';

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'bars-cli-test-'));
  // a tree: nested folders, files that are and are not FHIR inputs
  write(p('tree/a/patient.json'), { resourceType: 'Patient', gender: 'female' });
  write(p('tree/a/b/c/observation.xml'), '<Observation xmlns="http://hl7.org/fhir"><status value="final"/><code><text value="x"/></code></Observation>');
  write(p('tree/b/bad.json'), { resourceType: 'Patient', gender: 'femme' });
  write(p('tree/notes.txt'), 'not an input');
  write(p('tree/package.json'), { name: 'not-an-input' });
  write(p('tree/.hidden/patient.json'), { resourceType: 'Nope' });
  write(p('tree/node_modules/x/patient.json'), { resourceType: 'Nope' });
  // two IGs, one profile each
  write(p('ig-a/StructureDefinition-patient-with-birthdate.json'), profile('patient-with-birthdate', 'Patient', { id: 'Patient.birthDate', path: 'Patient.birthDate', min: 1 }));
  write(p('ig-b/StructureDefinition-observation-with-subject.json'), profile('observation-with-subject', 'Observation', { id: 'Observation.subject', path: 'Observation.subject', min: 1 }));
  write(p('profiled/patient.json'), { resourceType: 'Patient', meta: { profile: [PATIENT_PROFILE] }, gender: 'male' });
  write(p('profiled/observation.json'), { resourceType: 'Observation', meta: { profile: [OBS_PROFILE] }, status: 'final', code: { text: 'x' } });
  // only a warning: an extension nobody defines (not at example.org, which is exempt as a placeholder)
  // a code from a code system that is not loaded: the code cannot be checked, a warning
  write(p('warning-only.json'), { resourceType: 'Observation', status: 'final', code: { coding: [{ system: 'https://fhir.supplier.nhs.uk/CodeSystem/unknown', code: 'x' }] } });
  write(p('unknown-extension.json'), { resourceType: 'Patient', extension: [{ url: 'https://fhir.supplier.nhs.uk/StructureDefinition/unknown', valueString: 'x' }] });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('inputs', () => {
  it('a folder is searched recursively for *.json and *.xml (not package.json, hidden folders or node_modules)', async () => {
    const r = await barsInProcess(['validate', p('tree'), '--format', 'json', '--no-bars']);
    expect(r.json.results.map((x: { file: string }) => x.file.slice(dir.length + 1)).sort()).toEqual(['tree/a/b/c/observation.xml', 'tree/a/patient.json', 'tree/b/bad.json']);
    expect(r.status).toBe(1);
  });

  it('a glob is expanded (quoted, so the shell does not), and files may be mixed with folders', async () => {
    const r = await barsInProcess(['validate', `${dir}/tree/**/*.json`, UNKNOWN_ELEMENT, '--format', 'json', '--no-bars']);
    const files = r.json.results.map((x: { file: string }) => x.file);
    expect(files).toContain(p('tree/a/patient.json'));
    expect(files).toContain(p('tree/b/bad.json'));
    expect(files).toContain(UNKNOWN_ELEMENT);
    expect(files.some((f: string) => f.endsWith('.xml'))).toBe(false);
  });
});

describe('exit codes', () => {
  it('0 when there are no errors', () => {
    expect(bars(['validate', VALID]).status).toBe(0);
  });

  it('1 when any file has an error', () => {
    expect(bars(['validate', VALID, UNKNOWN_ELEMENT]).status).toBe(1);
  });

  it('an extension whose definition is not loaded: an error by default, a warning or nothing with --unknown-extensions', async () => {
    const file = p('unknown-extension.json');
    const byDefault = await barsInProcess(['validate', file, '--format', 'json', '--no-bars']);
    expect(byDefault.status).toBe(1);
    expect(byDefault.json.results[0].issues.filter((i: { ruleId: string }) => i.ruleId === 'extension-unknown').map((i: { severity: string }) => i.severity)).toEqual(['error']);
    const warning = await barsInProcess(['validate', file, '--format', 'json', '--no-bars', '--unknown-extensions', 'warning']);
    expect(warning.status).toBe(0);
    expect(warning.json.results[0].issues.filter((i: { ruleId: string }) => i.ruleId === 'extension-unknown').map((i: { severity: string }) => i.severity)).toEqual(['warning']);
    const ignored = await barsInProcess(['validate', file, '--format', 'json', '--no-bars', '--unknown-extensions', 'ignore']);
    expect(ignored.status).toBe(0);
    expect(ignored.json.results[0].issues.some((i: { ruleId: string }) => i.ruleId === 'extension-unknown')).toBe(false);
  });

  it('warnings pass by default and fail with --fail-on warning', async () => {
    const file = p('warning-only.json');
    const plain = await barsInProcess(['validate', file, '--format', 'json', '--no-bars']);
    expect(plain.json.summary).toMatchObject({ errors: 0, warnings: 1 });
    expect(plain.status).toBe(0);
    expect((await barsInProcess(['validate', file, '--no-bars', '--fail-on', 'warning'])).status).toBe(1);
    expect((await barsInProcess(['validate', file, '--no-bars', '--fail-on', 'error'])).status).toBe(0);
  });

  it.each([
    ['an unknown option', [VALID, '--bogus'], /Unknown option '--bogus'.*\n.*bars validate --help/],
    ['a missing file', ['/nonexistent/missing.json'], /No such file or folder: \/nonexistent\/missing\.json/],
    ['a glob that matches nothing', ['nothing-here/*.json'], /No file matches nothing-here\/\*\.json/],
    ['no input at all', [], /No input: give files, folders or globs/],
    ['a bad --fail-on', [VALID, '--fail-on', 'info'], /--fail-on info: use error or warning/],
    ['an unknown --format', [VALID, '--format', 'yaml'], /--format yaml: unknown format \(use text, json, outcome/],
    ['several formats on stdout', [VALID, '--format', 'json,outcome'], /several formats need --output-dir/],
    ['several formats with --output', [VALID, '--format', 'json,outcome', '--output', 'x.json'], /--output takes one format/],
    ['--output with --output-dir', [VALID, '--output', 'x.json', '--output-dir', 'out'], /--output and --output-dir together/],
    ['an unknown package offline', [VALID, '--ig', 'no.such.package#1.0.0'], /cannot load definitions: FHIR package no\.such\.package#1\.0\.0 is not in the package cache.*offline/s],
    ['a missing IG folder', [VALID, '--ig', '/nonexistent/ig-folder'], /\/nonexistent\/ig-folder/],
    ['a missing suppression file', [VALID, '--suppress', '/nonexistent/suppress.json'], /--suppress \/nonexistent\/suppress\.json: no such file/],
  ])('2 for %s, with a message saying what to do (and no stack trace)', async (_, args, message) => {
    const r = await barsInProcess(['validate', ...(args as string[])]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/internal error|\n\s+at \S+ \(/);
    expect(r.stdout).toBe('');
  });

  it('2 from the real process too: the message on stderr, nothing on stdout', () => {
    const r = bars(['validate', VALID, '--bogus']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/Unknown option '--bogus'.*\n.*bars validate --help/);
    expect(r.stderr).not.toMatch(/internal error|\n\s+at \S+ \(/);
    expect(r.stdout).toBe('');
  });

  it('a suppression file without justification is a usage error naming the entry', async () => {
    const s = write(p('suppress-nojust.json'), { suppressions: [{ ruleId: 'unknown-element', path: 'Patient.nmae' }] });
    const r = await barsInProcess(['validate', UNKNOWN_ELEMENT, '--suppress', s]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--suppress .*suppress-nojust\.json: every suppression needs a "justification" saying why the issue is acceptable \(at \/suppressions\/0\)/);
    const short = write(p('suppress-short.json'), { suppressions: [{ ruleId: 'unknown-element', justification: 'ok' }] });
    expect((await barsInProcess(['validate', UNKNOWN_ELEMENT, '--suppress', short])).stderr).toMatch(/justification is too short/);
  });
});

describe('a reader that stops early (bars validate … | head)', () => {
  it('no EPIPE stack trace, and the exit code still tells whether the files are valid', async () => {
    // a report far bigger than a pipe buffer, so that most of it is written after the reader has gone
    const big = write(p('many-unknown.json'), `{"resourceType": "Patient", ${Array.from({ length: 3000 }, (_, i) => `"x${i}": 1`).join(', ')}}`);
    assertBuilt();
    const child = spawn(process.execPath, [join(ROOT, 'bin/bars.js'), 'validate', big, '--format', 'json', '--no-bars', '--offline', '--cache-dir', TEST_CACHE], { cwd: ROOT });
    let err = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    child.stdout.once('data', () => child.stdout.destroy());
    const code = await new Promise<number | null>((ok) => child.on('close', ok));
    expect(err).not.toMatch(/EPIPE|Unhandled 'error' event|\n\s+at /);
    expect(code).toBe(1);
  });
});

describe('--ig and --profile', () => {
  it('--ig is repeatable: profiles from both IGs are applied, each issue naming its profile', async () => {
    const r = await barsInProcess(['validate', p('profiled'), '--ig', p('ig-a'), '--ig', p('ig-b'), '--format', 'json', '--no-bars']);
    const bySource = (f: string) => r.json.results.find((x: { file: string }) => x.file.endsWith(f)).issues.filter((i: { severity: string }) => i.severity === 'error');
    expect(bySource('patient.json')).toEqual([expect.objectContaining({ ruleId: 'cardinality-min', source: `${PATIENT_PROFILE}|1.0.0` })]);
    expect(bySource('observation.json')).toEqual([expect.objectContaining({ ruleId: 'cardinality-min', source: `${OBS_PROFILE}|1.0.0` })]);
    expect(r.json.results.every((x: { profiles: string[] }) => x.profiles.length === 1)).toBe(true);
    expect(r.status).toBe(1);
  });

  it('with one IG missing, its profile is reported as unknown instead of applied', async () => {
    const r = await barsInProcess(['validate', p('profiled/observation.json'), '--ig', p('ig-a'), '--format', 'json', '--no-bars']);
    const issues = r.json.results[0].issues;
    expect(issues.some((i: { source: string | null }) => i.source?.startsWith(OBS_PROFILE))).toBe(false);
    expect(issues.some((i: { message: string }) => i.message.includes(OBS_PROFILE))).toBe(true);
  });

  it('--profile checks every input against a profile it does not declare', async () => {
    const file = p('tree/a/patient.json');
    const without = await barsInProcess(['validate', file, '--ig', p('ig-a'), '--format', 'json', '--no-bars']);
    expect(without.status).toBe(0);
    const r = await barsInProcess(['validate', file, '--ig', p('ig-a'), '--profile', PATIENT_PROFILE, '--format', 'json', '--no-bars']);
    expect(r.status).toBe(1);
    expect(r.json.results[0].profiles).toEqual([PATIENT_PROFILE]);
    // a missing element is reported on its parent, naming the element definition
    expect(r.json.results[0].issues).toContainEqual(
      expect.objectContaining({ ruleId: 'cardinality-min', expression: 'Patient', elementId: 'Patient.birthDate', source: `${PATIENT_PROFILE}|1.0.0` }),
    );
  });
});

describe('--format json: the stable contract', () => {
  it('matches src/report/result.schema.json for valid, invalid, XML and unparseable inputs', async () => {
    const r = await barsInProcess(['validate', VALID, INVALID, p('tree'), '--format', 'json']);
    expectContract(r.json);
    expect(r.json.tool).toEqual({ name: 'bars-toolkit', version: JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version });
    const s = r.json.summary;
    expect(s.files).toBe(r.json.results.length);
    expect(s.valid).toBe(r.json.results.filter((x: { valid: boolean }) => x.valid).length);
    const count = (sev: string[]) => r.json.results.flatMap((x: { issues: { severity: string }[] }) => x.issues).filter((i: { severity: string }) => sev.includes(i.severity)).length;
    expect(s.errors).toBe(count(['error', 'fatal']));
    expect(s.warnings).toBe(count(['warning']));
    expect(s.information).toBe(count(['information']));
    // an issue carries every contract field, null where there is nothing to say
    const malformed = r.json.results.find((x: { file: string }) => x.file.endsWith('not-utf8.json'));
    // not UTF-8: fatal, yet the leniently decoded content was validated too, so its type is known
    expect(malformed).toMatchObject({ resourceType: 'Patient', valid: false });
    expect(Object.keys(malformed.issues[0])).toEqual(expect.arrayContaining(['severity', 'code', 'message', 'expression', 'line', 'column', 'ruleId', 'source']));
  });

  it('the schema is strict where it must be: a removed or renamed field fails it', async () => {
    const r = await barsInProcess(['validate', UNKNOWN_ELEMENT, '--format', 'json']);
    expectContract(r.json);
    const renamed = structuredClone(r.json);
    renamed.results[0].issues[0].rule = renamed.results[0].issues[0].ruleId;
    delete renamed.results[0].issues[0].ruleId;
    expect(checkResult(renamed)).toBe(false);
    const badSeverity = structuredClone(r.json);
    badSeverity.results[0].issues[0].severity = 'critical';
    expect(checkResult(badSeverity)).toBe(false);
    const noSummary = structuredClone(r.json);
    delete noSummary.summary.durationMs;
    expect(checkResult(noSummary)).toBe(false);
  });

  it('--output writes the JSON to a file (stdout stays empty), which bars report re-renders', async () => {
    const out = p('out/result.json');
    const r = await barsInProcess(['validate', UNKNOWN_ELEMENT, '--format', 'json', '--output', out]);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    const saved = JSON.parse(readFileSync(out, 'utf8'));
    expectContract(saved);
    const again = await barsInProcess(['report', out, '--format', 'text']);
    // bars report exits as bars validate did for that result
    expect(again.status).toBe(1);
    expect(again.stdout).toContain(`${UNKNOWN_ELEMENT}:4:3`);
  });
});

describe('--format text', () => {
  it('groups issues under their file, each with file:line:col, severity, message, FHIRPath and rule id; no colour when not a TTY', async () => {
    const r = await barsInProcess(['validate', UNKNOWN_ELEMENT, join(VALID, 'patient-minimal.json'), join(INVALID, 'binding-required.json')]);
    expect(r.stdout).not.toMatch(/\x1b\[/);
    const lines = r.stdout.split('\n');
    const head = (f: string) => lines.findIndex((l) => l.endsWith(')') && l.includes(` ${f} `));
    const ue = head(UNKNOWN_ELEMENT);
    expect(lines[ue]).toMatch(/^FAIL .*unknown-element\.json \(Patient\)$/);
    expect(lines[ue + 1]).toBe(`  ${UNKNOWN_ELEMENT}:4:3  error       Unknown element "nmae" in Patient: did you mean "name"?`);
    // every issue links the spec page of its rule (the rule catalog, issue 12)
    expect(lines[ue + 2]).toBe('    Patient.nmae · unknown-element · from http://hl7.org/fhir/StructureDefinition/Patient|4.0.1 · see https://hl7.org/fhir/R4/json.html#json');
    expect(lines[head(join(VALID, 'patient-minimal.json'))]).toMatch(/^PASS /);
    // every issue line sits under the header of its own file
    let current = '';
    for (const l of lines) {
      const h = /^(?:PASS|FAIL) (\S+) /.exec(l);
      if (h) current = h[1]!;
      const i = /^ {2}(\S+):\d+:\d+ {2}/.exec(l);
      if (i) expect(i[1]).toBe(current);
    }
    expect(lines.at(-2)).toMatch(/^3 files, 1 valid, \d+ errors?, \d+ warnings?, \d+ information in \d+ ms$/);
  });

  it('is coloured on a terminal, and not with NO_COLOR', () => {
    const cmd = `${JSON.stringify(process.execPath)} bin/bars.js validate ${JSON.stringify(UNKNOWN_ELEMENT)} --offline`;
    const probe = spawnSync('script', ['-qec', 'true', '/dev/null'], { encoding: 'utf8' });
    if (probe.status !== 0) {
      console.warn('`script` (util-linux) is not available: the terminal colour test is skipped');
      return;
    }
    const coloured = spawnSync('script', ['-qec', cmd, '/dev/null'], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '' } });
    expect(coloured.stdout).toMatch(/\x1b\[31mFAIL\x1b\[0m/);
    const plain = spawnSync('script', ['-qec', cmd, '/dev/null'], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    expect(plain.stdout).toContain('FAIL');
    expect(plain.stdout).not.toMatch(/\x1b\[/);
  });

  it('--min-severity: information is hidden by default and shown on request; a wrong level is a usage error', async () => {
    const withInformation = join(VALID, 'observation-heart-rate.json');
    const shown = await barsInProcess(['validate', withInformation, '--no-bars', '--min-severity', 'information']);
    const hidden = await barsInProcess(['validate', withInformation, '--no-bars']);
    const info = (out: string) => out.split('\n').filter((l) => /^ {2}\S+:\d+:\d+ {2}information /.test(l)).length;
    expect(info(hidden.stdout)).toBe(0);
    expect(info(shown.stdout)).toBeGreaterThan(0);
    expect(hidden.stdout).toMatch(/\d+ issues? below warning not shown/);
    const bad = await barsInProcess(['validate', UNKNOWN_ELEMENT, '--min-severity', 'notice']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('--min-severity notice: use error, warning or information');
    expect((await barsInProcess(['validate', '--help'])).stdout).toContain('--min-severity <level>');
  });

  it('--quiet shows only the files with errors, and only their errors', async () => {
    const r = await barsInProcess(['validate', VALID, p('warning-only.json'), UNKNOWN_ELEMENT, '--quiet', '--no-bars']);
    expect(r.status).toBe(1);
    expect(r.stdout).not.toMatch(/^PASS/m);
    expect(r.stdout.match(/^FAIL .*/gm)).toEqual([`FAIL ${UNKNOWN_ELEMENT} (Patient)`]);
    const issueLines = r.stdout.split('\n').filter((l) => /^ {2}\S+:\d+:\d+ {2}/.test(l));
    expect(issueLines).toHaveLength(2);
    expect(issueLines.every((l) => / {2}error {7}/.test(l))).toBe(true);
  });
});

describe('--suppress', () => {
  it('a matching suppression keeps the issue, marked and counted, and stops it failing the run', async () => {
    const s = write(p('suppress.json'), {
      suppressions: [{ ruleId: 'unknown-element', path: 'Patient.**', file: '**/unknown-element.json', justification: 'Legacy fields our sender still writes; accepted by the receiver' }],
    });
    const json = await barsInProcess(['validate', UNKNOWN_ELEMENT, '--suppress', s, '--format', 'json']);
    expectContract(json.json);
    expect(json.status).toBe(0);
    const issues = json.json.results[0].issues.filter((i: { ruleId: string }) => i.ruleId === 'unknown-element');
    expect(issues).toHaveLength(2);
    for (const i of issues) expect(i.suppressed).toEqual({ justification: 'Legacy fields our sender still writes; accepted by the receiver', file: s });
    expect(json.json.summary).toMatchObject({ suppressed: 2, errors: 0 });
    expect(json.json.results[0].valid).toBe(true);
    const text = await barsInProcess(['validate', UNKNOWN_ELEMENT, '--suppress', s]);
    expect(text.stdout).toMatch(/Unknown element "nmae".*\[suppressed: Legacy fields our sender still writes/);
    expect(text.stdout).toMatch(/, 2 suppressed in /);
  });

  it('the path pattern decides: * is one segment, so a suppression of Patient.* leaves Patient.name[0].middleName failing', async () => {
    const s = write(p('suppress-one.json'), { suppressions: [{ ruleId: 'unknown-element', path: 'Patient.*', justification: 'Only the top-level slip is accepted' }] });
    const r = await barsInProcess(['validate', UNKNOWN_ELEMENT, '--suppress', s, '--format', 'json']);
    expect(r.status).toBe(1);
    const flags = r.json.results[0].issues.map((i: { expression: string; suppressed?: unknown }) => [i.expression, !!i.suppressed]);
    expect(flags).toEqual(expect.arrayContaining([['Patient.nmae', true], ['Patient.name[0].middleName', false]]));
    expect(r.json.summary).toMatchObject({ suppressed: 1, errors: 1 });
  });

  it('a suppression for another file does not apply', async () => {
    const s = write(p('suppress-other.json'), { suppressions: [{ ruleId: 'unknown-element', file: 'somewhere/else/**', justification: 'Applies to other payloads only' }] });
    expect((await barsInProcess(['validate', UNKNOWN_ELEMENT, '--suppress', s])).status).toBe(1);
  });
});

describe('--format outcome', () => {
  const outcomeChecks = async (text: string, label: string): Promise<void> => {
    // the toolkit's own engine: a valid R4 resource (no errors); the only warnings are the
    // line/col/message-id extensions, which R4 core does not define (they are in the extensions pack)
    const e = await plainEngine();
    const v = await e.validate(text, { name: label });
    expect(v.issues.filter((i) => i.severity === 'error' || i.severity === 'fatal'), label).toEqual([]);
    const unexplained = v.issues.filter(
      (i) => i.severity === 'warning' && !(i.ruleId === 'extension-unknown' && /operationoutcome-(issue-line|issue-col|message-id)/.test(i.message)),
    );
    expect(unexplained, label).toEqual([]);
  };

  it('one input: an OperationOutcome with expression, line and column extensions, valid R4', async () => {
    const r = await barsInProcess(['validate', UNKNOWN_ELEMENT, '--format', 'outcome']);
    expect(r.status).toBe(1);
    const oo = r.json;
    expect(oo.resourceType).toBe('OperationOutcome');
    const nmae = oo.issue.find((i: { expression?: string[] }) => i.expression?.[0] === 'Patient.nmae');
    expect(nmae).toMatchObject({ severity: 'error', code: 'structure', details: { text: 'Unknown element "nmae" in Patient: did you mean "name"?' } });
    expect(nmae.extension).toEqual(
      expect.arrayContaining([
        { url: 'http://hl7.org/fhir/StructureDefinition/operationoutcome-issue-line', valueInteger: 4 },
        { url: 'http://hl7.org/fhir/StructureDefinition/operationoutcome-issue-col', valueInteger: 3 },
        { url: 'http://hl7.org/fhir/StructureDefinition/operationoutcome-message-id', valueString: 'unknown-element' },
      ]),
    );
    await outcomeChecks(r.stdout, 'outcome.json');
  });

  it('a valid input: an OperationOutcome saying so', async () => {
    const r = await barsInProcess(['validate', join(VALID, 'patient-minimal.json'), '--format', 'outcome', '--no-bars']);
    expect(r.status).toBe(0);
    expect(r.json.issue).toEqual([expect.objectContaining({ severity: 'information', code: 'informational' })]);
    await outcomeChecks(r.stdout, 'outcome-valid.json');
  });

  it('several inputs: a collection Bundle of OperationOutcomes, one per file, valid R4', async () => {
    const r = await barsInProcess(['validate', VALID, INVALID, '--format', 'outcome']);
    const b = r.json;
    expect(b).toMatchObject({ resourceType: 'Bundle', type: 'collection' });
    const files = readdirSync(VALID).length + readdirSync(INVALID).length;
    expect(b.entry).toHaveLength(files);
    expect(b.entry.every((e: { resource: { resourceType: string } }) => e.resource.resourceType === 'OperationOutcome')).toBe(true);
    expect(new Set(b.entry.map((e: { fullUrl: string }) => e.fullUrl)).size).toBe(files);
    // the unparseable file is there too, located
    const utf8 = b.entry.find((e: { fullUrl: string }) => e.fullUrl.includes('not-utf8.json')).resource;
    expect(utf8.issue.find((i: { severity: string }) => i.severity === 'fatal')).toMatchObject({ severity: 'fatal', extension: expect.arrayContaining([expect.objectContaining({ url: expect.stringMatching(/issue-line$/) })]) });
    await outcomeChecks(r.stdout, 'outcome-bundle.json');
  });
});

describe('several formats with --output-dir', () => {
  it('writes bars-report.<ext> per format, says so on stderr, and keeps stdout empty', async () => {
    const out = p('reports');
    const r = await barsInProcess(['validate', VALID, UNKNOWN_ELEMENT, '--format', 'text,json,outcome,junit,sarif,markdown,html', '--output-dir', out]);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    const files = readdirSync(out).sort();
    expect(files).toEqual(['bars-report.html', 'bars-report.json', 'bars-report.junit.xml', 'bars-report.md', 'bars-report.outcome.json', 'bars-report.sarif', 'bars-report.txt']);
    for (const f of files) expect(r.stderr).toContain(`bars: wrote `);
    expectContract(JSON.parse(readFileSync(join(out, 'bars-report.json'), 'utf8')));
    expect(JSON.parse(readFileSync(join(out, 'bars-report.outcome.json'), 'utf8')).type).toBe('collection');
    const txt = readFileSync(join(out, 'bars-report.txt'), 'utf8');
    expect(txt).toContain(`${UNKNOWN_ELEMENT}:4:3`);
    expect(txt).not.toMatch(/\x1b\[/);
  });
});

describe('--tx', () => {
  const VS_URL = 'http://example.org/ValueSet/findings';
  const obs = (code: string) => ({ resourceType: 'Observation', meta: { profile: ['http://example.org/StructureDefinition/obs-findings'] }, status: 'final', code: { coding: [{ system: 'http://snomed.info/sct', code }] } });

  beforeAll(() => {
    write(p('ig-tx/ValueSet-findings.json'), {
      resourceType: 'ValueSet', url: VS_URL, version: '1.0.0', name: 'Findings', status: 'active',
      compose: { include: [{ system: 'http://snomed.info/sct', filter: [{ property: 'concept', op: 'is-a', value: '404684003' }] }] },
    });
    write(p('ig-tx/StructureDefinition-obs-findings.json'), {
      ...profile('obs-findings', 'Observation', { id: 'Observation.code', path: 'Observation.code', binding: { strength: 'required', valueSet: VS_URL } }),
    });
    write(p('tx/good.json'), obs('22298006'));
    write(p('tx/bad.json'), obs('999'));
  });

  it('without it, SNOMED CT codes are information "not validated offline"; with it, the server decides; a server that is down is a note, not a failure', async () => {
    const seen: string[] = [];
    const server = createServer((req, res) => {
      const code = new URL(req.url!, 'http://x').searchParams.get('code')!;
      seen.push(code);
      const ok = code === '22298006';
      res.writeHead(200, { 'content-type': 'application/fhir+json' }).end(
        JSON.stringify({ resourceType: 'Parameters', parameter: [{ name: 'result', valueBoolean: ok }, ...(ok ? [] : [{ name: 'message', valueString: `Unknown code '${code}' (test server)` }])] }),
      );
    });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    // the server's answers are kept in the disk cache by URL: a base URL of this run's own, so
    // none is answered from an earlier run
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const tx = `${origin}/fhir-${randomUUID()}`;
    const args = ['validate', p('tx'), '--ig', p('ig-tx'), '--no-bars', '--format', 'json'];
    const issue = (r: { json?: any }, file: string, ruleId: string) =>
      r.json.results.find((x: { file: string }) => x.file.endsWith(file)).issues.find((i: { ruleId: string }) => i.ruleId === ruleId);
    try {
      const offline = await barsInProcess(args);
      expect(offline.status).toBe(0);
      expect(issue(offline, 'bad.json', 'binding-not-checked')).toMatchObject({ severity: 'information', message: expect.stringMatching(/SNOMED CT code '999' is not validated offline/) });
      expect(seen).toEqual([]);
      // online, with the server
      const online = await barsInProcess([...args, '--tx', tx, '--cache-dir', TEST_CACHE], { offline: false });
      expect(online.status).toBe(1);
      expect(issue(online, 'bad.json', 'binding-required')).toMatchObject({ severity: 'error', message: expect.stringMatching(/Unknown code '999' \(test server\)/) });
      expect(issue(online, 'good.json', 'binding-required')).toBeUndefined();
      expect(seen.sort()).toEqual(['22298006', '999']);
    } finally {
      server.closeAllConnections();
      await new Promise((ok) => server.close(ok));
    }
    // the server gone: the offline verdict, saying the server could not be reached (--no-cache:
    // not the answers the online run left in the disk cache)
    const down = await barsInProcess([...args, '--tx', tx, '--no-cache'], { offline: false });
    expect(down.status).toBe(0);
    expect(issue(down, 'bad.json', 'binding-not-checked').message).toMatch(new RegExp(`terminology server ${tx.replace(/[.]/g, '\\.')} could not be reached \\(connection refused\\)`));
  });
});
