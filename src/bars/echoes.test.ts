/**
 * One root cause, one issue: the issues that only repeat a cause another issue names are filed
 * under it (`related`), out of the list. Each case builds its input from a valid team fixture.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { barsEngine } from '../../test/support/engine.js';
import { HAS_CORPUS } from '../../test/support/corpus.js';
import type { ValidationIssue } from '../model/issue.js';
import { Ajv } from 'ajv';
import { toResultIssue } from '../report/result.js';

type J = Record<string, any>;
const load = (name: string): J => JSON.parse(readFileSync(resolve(import.meta.dirname, '../../fixtures/bars/valid', `${name}.json`), 'utf8')) as J;
const entryOf = (b: J, type: string): number => (b.entry as J[]).findIndex((e) => e.resource?.resourceType === type);
async function issuesOf(input: J): Promise<ValidationIssue[]> {
  return (await (await barsEngine()).validate(JSON.stringify(input), { name: 'echo.json' })).issues;
}
const rules = (issues: ValidationIssue[], where: string): string[] => issues.filter((i) => i.expression === where || i.expression?.startsWith(`${where}.`)).map((i) => i.ruleId);

describe.skipIf(!HAS_CORPUS)('echoes are filed under the issue that names the cause', () => {

  it('an entry without its resource wrapper gives one error, the rest as related', async () => {
    const b = load('APP3-referral-request');
    const i = entryOf(b, 'Patient');
    b.entry[i] = { fullUrl: b.entry[i].fullUrl, ...b.entry[i].resource };
    const issues = await issuesOf(b);
    const errors = issues.filter((x) => x.severity === 'error');
    expect(errors.map((x) => `${x.ruleId} ${x.expression}`)).toEqual([`bars-entry-unwrapped Bundle.entry[${i}]`]);
    // a problem of its own on the same entry is not an echo
    b.entry[i].fullUrl = 'Patient/123';
    expect((await issuesOf(b)).filter((x) => x.severity === 'error').map((x) => x.ruleId)).toEqual(expect.arrayContaining(['bars-entry-unwrapped', 'BARS-CORE-03']));
    expect(errors[0]!.message).toContain('is a Patient itself');
    const related = errors[0]!.related!.map((x) => x.ruleId);
    expect(related).toContain('invariant:bdl-5');
    expect(related).toContain('bars-md-focus-min');
    expect(related.filter((r) => r === 'unknown-element').length).toBeGreaterThan(5);
    // --format json keeps the echoes on the main issue, in the published contract's shape
    const schema = JSON.parse(readFileSync(resolve(import.meta.dirname, '../report/result.schema.json'), 'utf8')) as { definitions: object };
    const check = new Ajv({ strict: true }).compile({ $ref: '#/definitions/issue', definitions: schema.definitions });
    const json = toResultIssue(errors[0]!);
    expect(check(json), JSON.stringify(check.errors)).toBe(true);
    expect(json.related?.length).toBe(related.length);
  });

  it("the '…/Codesystem/…' error system: one warning, the unknown code system filed under it", async () => {
    const oo = load('error-response-rec-bad-request');
    oo.issue[0].details.coding[0].system = 'https://fhir.nhs.uk/Codesystem/http-error-codes';
    const issues = await issuesOf(oo);
    const at = 'OperationOutcome.issue[0].details.coding[0]';
    expect(rules(issues, at)).toEqual(['BARS-CORE-14']);
    const main = issues.find((x) => x.ruleId === 'BARS-CORE-14')!;
    expect(main.severity).toBe('warning');
    expect(main.message).toMatch(/sources disagree/);
    expect(main.related?.map((x) => x.ruleId)).toEqual(['code-system-unknown']);
  });

  it('no use case on the ServiceRequest: BARS-CORE-10, with the guide row for the use-case coding filed under it', async () => {
    const b = load('APP3-referral-request');
    const sr = b.entry[entryOf(b, 'ServiceRequest')].resource;
    sr.category[0].coding = sr.category[0].coding.filter((c: J) => !c.system.endsWith('usecases-categories-bars'));
    const issues = await issuesOf(b);
    expect(issues.filter((x) => x.message.includes('usecases-categories-bars')).map((x) => x.ruleId)).toEqual(['BARS-CORE-10']);
    expect(issues.find((x) => x.ruleId === 'BARS-CORE-10')!.related?.map((x) => x.ruleId)).toEqual(['bars-necessity-must']);
  });

  it('a mis-cased Reference.type: the reference rule, with the binding miss filed under it', async () => {
    const b = load('APP3-referral-request');
    const sr = entryOf(b, 'ServiceRequest');
    b.entry[sr].resource.subject.type = 'patient';
    const issues = await issuesOf(b);
    const at = `Bundle.entry[${sr}].resource.subject`;
    expect(rules(issues, at)).toEqual(['reference-type-mismatch']);
    expect(issues.find((x) => x.ruleId === 'reference-type-mismatch')!.related?.map((x) => x.ruleId)).toEqual(['binding-extensible']);
  });

  it('an endpoint that is neither a uri nor system|value: BARS-CORE-04, with the uri format error filed under it', async () => {
    const b = load('APP3-referral-request');
    const h = entryOf(b, 'MessageHeader');
    b.entry[h].resource.source.endpoint = 'dos service 2000072489';
    const issues = await issuesOf(b);
    const at = `Bundle.entry[${h}].resource.source.endpoint`;
    expect(rules(issues, at)).toEqual(['BARS-CORE-04']);
    expect(issues.find((x) => x.ruleId === 'BARS-CORE-04')!.related?.map((x) => x.ruleId)).toEqual(['primitive-format']);
  });
});
