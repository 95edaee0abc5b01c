/**
 * A file whose meta.profile names a profile that is not loaded passes the checks that could
 * run, but is never reported as a plain PASS: every format says what was not checked.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { beforeAll, describe, expect, it } from 'vitest';
import { bars, type CliRun } from './support/cli.js';

// a canonical no package defines: the test does not depend on which packages are installed
const MISSING = 'https://fhir.example.test/StructureDefinition/NotLoadedPatient';
const dir = mkdtempSync(join(tmpdir(), 'bars-not-checked-'));
const input = join(dir, 'patient.json');
const out = join(dir, 'out');
let run: CliRun;
const read = (ext: string): string => readFileSync(join(out, `bars-report.${ext}`), 'utf8');

beforeAll(() => {
  writeFileSync(input, JSON.stringify({ resourceType: 'Patient', id: 'p1', meta: { profile: [MISSING] }, gender: 'female' }, null, 2));
  run = bars(['validate', input, '--no-bars', '--format', 'text,json,html,markdown,junit,sarif,outcome', '--output-dir', out]);
});

describe('a file whose profile could not be checked', () => {
  it('exits 0 (nothing failed) and records the unchecked canonical in the JSON result', () => {
    expect(run.status, run.stderr).toBe(0);
    const json = JSON.parse(read('json'));
    expect(json.results[0].valid).toBe(true);
    expect(json.results[0].unchecked).toEqual([MISSING]);
  });

  it('text: the file is "PASS, profiles not checked" and the run says what was not checked', () => {
    const text = read('txt');
    expect(text).toMatch(new RegExp(`^PASS, profiles not checked \\S*patient\\.json .*${MISSING.replace(/[.]/g, '\\.')} \\(not checked\\)`, 'm'));
    expect(text).not.toMatch(/^PASS \S/m);
    expect(text).toContain(`profiles/extensions not checked: ${MISSING}`);
    expect(text).toMatch(/1 valid \(1 of them with profiles not checked\)/);
  });

  it('HTML: the verdict, the file header and the run metadata say so', () => {
    const html = read('html');
    expect(html).toMatch(/data-verdict>PASS, profiles not checked</);
    expect(html).toMatch(/data-status="PASS, profiles not checked"><tr class="group not-checked"><th colspan="2">PASS, profiles not checked /);
    expect(html).toMatch(new RegExp(`data-not-checked>.*<code>${MISSING.replace(/[.]/g, '\\.')}</code>`));
    expect(html).toContain('(not checked)');
  });

  it('Markdown: not a green tick, a "Not checked" section naming the profile and the file', () => {
    const md = read('md');
    expect(md).toMatch(/^## ⚠️ BaRS validation: 1 of 1 file valid — 1 PASS, profiles not checked$/m);
    expect(md).toContain('### Not checked');
    expect(md).toMatch(new RegExp(`\\| \\S*patient\\.json \\| PASS, profiles not checked \\| \`${MISSING.replace(/[.]/g, '\\.')}\` \\|`));
  });

  it('JUnit: a skipped "profiles checked" case and the status as a property', () => {
    const doc = new XMLParser({ ignoreAttributes: false, isArray: (n) => ['testsuite', 'testcase', 'property'].includes(n) }).parse(read('junit.xml'));
    const suite = doc.testsuites.testsuite[0];
    expect(suite['@_skipped']).toBe('1');
    const props = Object.fromEntries(suite.properties.property.map((p: Record<string, string>) => [p['@_name'], p['@_value']]));
    expect(props['bars.status']).toBe('PASS, profiles not checked');
    expect(props['bars.notChecked']).toBe(MISSING);
    const skipped = suite.testcase.find((t: Record<string, unknown>) => t['@_name'] === 'profiles checked');
    expect(skipped.skipped['@_message']).toContain(MISSING);
  });

  it('SARIF run properties and the OperationOutcome name it too', () => {
    const sarif = JSON.parse(read('sarif'));
    expect(sarif.runs[0].properties).toMatchObject({ notChecked: [MISSING], filesPassedWithProfilesNotChecked: 1 });
    const oo = JSON.parse(read('outcome.json'));
    expect(oo.issue.some((i: { details: { text: string } }) => i.details.text.startsWith(`PASS, profiles not checked: not checked (definitions not found): ${MISSING}`))).toBe(true);
  });
});
