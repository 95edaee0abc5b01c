/**
 * The report formats, each rendered from a real run over the fixtures and read back:
 * SARIF against the official 2.1.0 schema, JUnit as well-formed XML, HTML escaped and
 * self-contained, Markdown capped.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Ajv4Module from 'ajv-draft-04';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { beforeAll, describe, expect, it } from 'vitest';
import { main } from '../cli/main.js';
import { TEST_CACHE } from '../../test/support/engine.js';
import { renderHtml } from './html.js';
import { renderJunit } from './junit.js';
import { renderMarkdown } from './markdown.js';
import type { RunResult } from './result.js';
import { renderSarif } from './sarif.js';

const ROOT = resolve(import.meta.dirname, '../..');
let result: RunResult;

beforeAll(async () => {
  const out = join(mkdtempSync(join(tmpdir(), 'bars-report-')), 'result.json');
  const code = await main(['validate', join(ROOT, 'fixtures/r4'), join(ROOT, 'fixtures/bars/invalid'), '--format', 'json', '--output', out, '--cache-dir', TEST_CACHE, '--offline']);
  expect(code).toBe(1);
  result = JSON.parse(readFileSync(out, 'utf8')) as RunResult;
}, 120_000);

describe('sarif', () => {
  it('is valid SARIF 2.1.0 (the OASIS schema)', () => {
    const schema = createRequire(import.meta.url)('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json');
    const Ajv4 = ((Ajv4Module as unknown as { default?: unknown }).default ?? Ajv4Module) as typeof import('ajv').default;
    const ajv = new Ajv4({ allErrors: true, strict: false, unicodeRegExp: false, logger: false });
    const validate = ajv.compile(schema);
    const sarif = JSON.parse(renderSarif(result, { root: ROOT }));
    expect(validate(sarif), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
  });

  it('has a result per issue with file, line and column, and a rule per rule id', () => {
    const sarif = JSON.parse(renderSarif(result, { root: ROOT }));
    const run = sarif.runs[0];
    const total = result.results.reduce((n, r) => n + r.issues.length, 0);
    expect(run.results).toHaveLength(total);
    const unknown = run.results.find((r: { ruleId: string }) => r.ruleId === 'unknown-element');
    expect(unknown.locations[0].physicalLocation.artifactLocation.uri).toBe('fixtures/r4/invalid/unknown-element.json');
    expect(unknown.locations[0].physicalLocation.region).toEqual({ startLine: 4, startColumn: 3 });
    expect(unknown.locations[0].logicalLocations[0].fullyQualifiedName).toBe('Patient.nmae');
    expect(run.tool.driver.rules[unknown.ruleIndex].id).toBe('unknown-element');
    const barsRule = run.tool.driver.rules.find((r: { id: string }) => r.id === 'BARS-CORE-13');
    expect(barsRule.helpUri).toMatch(/^https:\/\/simplifier\.net\/guide\//);
  });
});

describe('junit', () => {
  it('is well-formed XML with a testsuite per file and failures for files with errors', () => {
    const xml = renderJunit(result);
    expect(XMLValidator.validate(xml)).toBe(true);
    const doc = new XMLParser({ ignoreAttributes: false, isArray: (n) => n === 'testsuite' || n === 'testcase' }).parse(xml);
    const suites = doc.testsuites.testsuite as { '@_name': string; '@_failures': string; testcase: { '@_name': string; failure?: unknown }[] }[];
    expect(suites).toHaveLength(result.summary.files);
    const invalidFiles = result.results.filter((r) => r.issues.some((i) => i.severity === 'error' || i.severity === 'fatal')).length;
    expect(suites.filter((s) => s.testcase.find((t) => t['@_name'] === 'conformance')!.failure !== undefined)).toHaveLength(invalidFiles);
    const s = suites.find((x) => x['@_name'].endsWith('unknown-element.json'))!;
    expect(JSON.stringify(s.testcase.find((t) => t['@_name'] === 'unknown-element'))).toMatch(/unknown-element\.json:4:3 Patient\.nmae/);
  });

  it('escapes control characters and markup from payload text', () => {
    const r: RunResult = { ...result, results: [{ file: 'x<y>.json', resourceType: 'Patient', profiles: [], valid: false, issues: [{ severity: 'error', code: 'value', message: 'bad \u0001 "<script>" & more', expression: 'Patient', line: 1, column: 1, ruleId: 'r<1>', source: null }] }] };
    expect(XMLValidator.validate(renderJunit(r))).toBe(true);
  });
});

describe('html', () => {
  it('is self-contained: no external script, stylesheet, image or font', () => {
    const html = renderHtml(result);
    expect(html).not.toMatch(/<(script|link|img|iframe)[^>]+(src|href)=/i);
    expect(html).not.toMatch(/url\(/);
  });

  it('shows the summary numbers of the run', () => {
    const html = renderHtml(result);
    const num = (k: string) => Number(new RegExp(`data-summary="${k}">(\\d+)<`).exec(html)![1]);
    expect(num('files')).toBe(result.summary.files);
    expect(num('valid')).toBe(result.summary.valid);
    expect(num('errors')).toBe(result.summary.errors);
    expect(num('warnings')).toBe(result.summary.warnings);
  });

  it('escapes payload text: a message cannot inject markup', () => {
    const r: RunResult = { ...result, results: [{ file: 'a.json', resourceType: 'Patient', profiles: [], valid: false, issues: [{ severity: 'error', code: 'value', message: '<img src=x onerror=alert(1)>', expression: 'Patient.name', line: null, column: null, ruleId: 'r', source: null }] }] };
    const html = renderHtml(r);
    expect(html).not.toContain('<img src=x');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
  });

  it('shows the offending line of the payload, highlighted, with FHIRPath and line:col', () => {
    const cwd = process.cwd();
    process.chdir(ROOT);
    try {
      const html = renderHtml(result);
      expect(html).toMatch(/<span class="ln hit"><span class="no">4<\/span>\s*&quot;nmae&quot;/);
      expect(html).toContain('fixtures/r4/invalid/unknown-element.json:4:3');
      expect(html).toContain('<code>Patient.nmae</code>');
    } finally {
      process.chdir(cwd);
    }
  });

  it('the Ruleset row: the embedded packages with where they come from, and the guide release of each rule set', () => {
    // the JSON result carries both (fields added to the contract, src/report/result.schema.json)
    const bars = result.run!.packages.find((p) => p.name === 'uk.nhsdigital.bars.r4')!;
    expect(bars).toMatchObject({ kind: 'embedded', provenance: { generated: true, guideRelease: '1.12.0', coreRelease: '1.5.0' } });
    expect(result.run!.rules!.map((r) => [r.file, r.guideRelease, r.coreRelease])).toEqual([
      ['rules/necessity/index.json', '1.12.0', '1.5.0'],
      ['rules/core/core-rules.json', '1.12.0', '1.5.0'],
      ['rules/tkw/tkw-checks.json', '1.12.0', '1.5.0'],
    ]);
    const row = /<tr><th>Ruleset<\/th><td>([\s\S]*?)<\/td><\/tr>/.exec(renderHtml(result))![1]!;
    expect(row).toContain(`<code>uk.nhsdigital.bars.r4</code> ${bars.version} <span class="dim">(embedded)</span><div class="dim" data-provenance>generated by bars-toolkit from NHSDigital/NHSDigital-FHIR-BookingAndReferrals@${bars.provenance!.commit}; BaRS guide release 1.12.0 (Core 1.5.0); no licence file in the source</div>`);
    expect(row).toContain('licence Apache-2.0');
    expect(row).toMatch(/<li data-ruleset="rules\/necessity\/index\.json">BaRS necessity rules \(Application payload tables\) <span class="dim">— BaRS guide release 1\.12\.0 \(Core 1\.5\.0\), guide source [0-9a-f]+<\/span><\/li>/);
  });

  it('uses true severities and links BaRS rules to the guide', () => {
    const html = renderHtml(result);
    expect(html).toContain('FAIL – ERROR');
    expect(html).toContain('FAIL – WARNING');
    expect(html).toMatch(/<a href="https:\/\/simplifier\.net\/guide\/[^"]+"[^>]*>BARS-CORE-13<\/a>/);
  });
});

describe('markdown', () => {
  it('summarises the run and caps the issue list', () => {
    const md = renderMarkdown(result, { maxIssues: 5 });
    expect(md).toMatch(new RegExp(`${result.summary.valid} of ${result.summary.files} files valid`));
    expect(md.split('\n').filter((l) => /^\| (❌|⚠️)/.test(l))).toHaveLength(5);
    expect(md).toMatch(/…and \d+ more/);
  });
});
