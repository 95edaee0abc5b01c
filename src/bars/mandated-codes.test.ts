/** Codes the guide fixes draw no binding warning: an information with the binding miss as related. */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { barsEngine } from '../../test/support/engine.js';
import { HAS_CORPUS } from '../../test/support/corpus.js';

type J = Record<string, any>;
const load = (): J => JSON.parse(readFileSync(resolve(import.meta.dirname, '../../fixtures/bars/valid/APP3-referral-request.json'), 'utf8')) as J;

describe.skipIf(!HAS_CORPUS)('codes the guide mandates', () => {

  it("Consent.category DRC and policyRule IMPLIED (FIXED VALUE in the table) draw no warning", async () => {
    const b = load();
    const consent = b.entry.find((e: J) => e.resource.resourceType === 'Consent').resource;
    // the table's own values, as a sender following the guide writes them
    consent.category = [{ coding: [{ system: 'https://fhir.nhs.uk/CodeSystem/consent-categories-bars', code: 'DRC', display: 'Direct Care' }] }];
    consent.policyRule = { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'IMPLIED', display: 'implied consent' }] };
    const issues = (await (await barsEngine()).validate(JSON.stringify(b))).issues;
    const at = `Bundle.entry[${b.entry.findIndex((e: J) => e.resource === consent)}].resource.`;
    const onConsent = issues.filter((i) => i.expression?.startsWith(`${at}category`) || i.expression?.startsWith(`${at}policyRule`));
    expect(onConsent.filter((i) => i.severity !== 'information').map((i) => `${i.ruleId} ${i.message}`)).toEqual([]);
    const accepted = onConsent.filter((i) => i.ruleId === 'bars-code-mandated');
    expect(accepted.map((i) => i.related?.map((x) => x.ruleId))).toEqual([['binding-extensible'], ['binding-extensible']]);
    expect(accepted[0]!.bars?.guidePage).toMatch(/Referral-Payload\.page\.md#L\d+$/);
  });

  it('a code the guide does not fix keeps its binding warning', async () => {
    const b = load();
    const consent = b.entry.find((e: J) => e.resource.resourceType === 'Consent').resource;
    consent.policyRule = { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'EMRGONLY', display: 'emergency only' }] };
    const issues = (await (await barsEngine()).validate(JSON.stringify(b))).issues;
    expect(issues.some((i) => i.ruleId === 'binding-extensible' && i.expression?.endsWith('.policyRule'))).toBe(true);
  });
});
