/**
 * Every issue in every report format links its rule: the page of the rule catalog
 * (src/model/rules.ts, docs/rules.md), or the guide row a BaRS issue names. A saved result is
 * input, so a ruleUrl in it only becomes a link when it is a plain https URL.
 */
import { describe, expect, it } from 'vitest';
import { renderers } from './formats.js';
import { ruleInfo } from '../model/rules.js';
import { renderHtml } from './html.js';
import { renderJunit } from './junit.js';
import { renderMarkdown } from './markdown.js';
import { toResultIssue, type ResultIssue, type RunResult } from './result.js';
import { renderSarif } from './sarif.js';
import { renderText } from './text.js';

const NECESSITY_ROW = 'Applications/BaRS-Applications/Applications/BaRS-APP1/Referral-Payload.page.md#L42';
const issues: ResultIssue[] = [
  toResultIssue({ severity: 'error', code: 'structure', message: 'no slice', expression: 'Patient.identifier[0]', ruleId: 'slice-closed' }),
  toResultIssue({ severity: 'error', code: 'invariant', message: 'ele-1 fails', expression: 'Patient.name[0]', ruleId: 'invariant:ele-1' }),
  toResultIssue({ severity: 'error', code: 'required', message: 'MUST', expression: 'Bundle.entry[1].resource', ruleId: 'bars-necessity-must', bars: { rule: 'APP1-REF-7', guidePage: NECESSITY_ROW } }),
  toResultIssue({ severity: 'warning', code: 'business-rule', message: 'core', expression: 'Bundle.entry[0]', ruleId: 'BARS-CORE-01' }),
];
const result: RunResult = {
  tool: { name: 'bars-toolkit', version: '0.0.0' },
  results: [{ file: 'a.json', resourceType: 'Bundle', profiles: [], valid: false, issues }],
  summary: { files: 1, valid: 0, errors: 3, warnings: 1, information: 0, durationMs: 1 },
} as RunResult;

const EXPECTED = {
  'slice-closed': 'https://hl7.org/fhir/R4/profiling.html#slicing',
  'invariant:ele-1': 'https://hl7.org/fhir/R4/conformance-rules.html#constraints',
  'bars-necessity-must': 'https://simplifier.net/guide/nhs-booking-and-referral-standard/Home/Applications/BaRS-Applications/Applications/BaRS-APP1/Referral-Payload#L42',
  'BARS-CORE-01': `https://simplifier.net/guide/nhs-booking-and-referral-standard/Home/${ruleInfo('BARS-CORE-01')!.guidePage!.replace(/\.page\.md$/, '')}`,
};

describe('rule links in every format', () => {
  it('the JSON result carries each issue’s ruleUrl', () => {
    expect(issues.map((i) => [i.ruleId, i.ruleUrl])).toEqual(Object.entries(EXPECTED));
    const json = JSON.parse(String(renderers.json!(result))) as RunResult;
    expect(json.results[0]!.issues.map((i) => i.ruleUrl)).toEqual(Object.values(EXPECTED));
  });

  it.each([
    ['text', (r: RunResult) => renderText(r, { color: false })],
    ['html', (r: RunResult) => renderHtml(r)],
    ['junit', (r: RunResult) => renderJunit(r, { failOn: 'error' })],
    ['markdown', (r: RunResult) => renderMarkdown(r)],
    ['sarif', (r: RunResult) => renderSarif(r, { root: '/' })],
  ] as const)('%s links every issue to its rule page', async (_name, render) => {
    const out = await render(result);
    for (const [id, url] of Object.entries(EXPECTED)) expect(out, id).toContain(url);
  });

  it('sarif: each rule has its page as helpUri and the catalog summary as short description', () => {
    const sarif = JSON.parse(renderSarif(result, { root: '/' })) as { runs: { tool: { driver: { rules: { id: string; helpUri?: string; shortDescription: { text: string } }[] } } }[] };
    const rules = sarif.runs[0]!.tool.driver.rules;
    expect(rules.length).toBe(4);
    for (const r of rules) expect(r.helpUri, r.id).toBe(EXPECTED[r.id as keyof typeof EXPECTED]);
    expect(rules.find((r) => r.id === 'slice-closed')!.shortDescription.text).toBe(ruleInfo('slice-closed')!.summary);
  });

  it('a saved ruleUrl that is not a plain https URL is not linked', async () => {
    const hostile: RunResult = { ...result, results: [{ ...result.results[0]!, issues: [{ ...issues[0]!, ruleId: 'x-unknown', ruleUrl: 'javascript:alert(1)' }] }] };
    for (const out of [renderHtml(hostile), renderMarkdown(hostile), renderSarif(hostile, { root: '/' }), renderJunit(hostile, { failOn: 'error' })]) {
      expect(out).not.toContain('javascript:');
    }
  });
});
