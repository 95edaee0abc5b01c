/**
 * Bindings: additional bindings (R5's binding.additional, used in R4 profiles as an extension).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { constraintProfile } from '../../test/support/profiles.js';
import { createEngine, type Engine } from '../engine.js';
import { TEST_CACHE } from '../../test/support/engine.js';

const VS = 'http://example.org/ValueSet/obs-kinds';
const valueSet = {
  resourceType: 'ValueSet',
  url: VS,
  version: '1.0.0',
  name: 'ObsKinds',
  status: 'active',
  compose: { include: [{ system: 'http://example.org/CodeSystem/kinds', concept: [{ code: 'a' }, { code: 'b' }] }] },
};
const additional = (purpose: string, usage = false) => ({
  url: 'http://hl7.org/fhir/5.0/StructureDefinition/extension-ElementDefinition.binding.additional',
  extension: [
    { url: 'purpose', valueCode: purpose },
    { url: 'valueSet', valueCanonical: VS },
    ...(usage ? [{ url: 'usage', valueUsageContext: { code: { system: 'http://terminology.hl7.org/CodeSystem/usage-context-type', code: 'focus' }, valueCodeableConcept: { text: 'x' } } }] : []),
  ],
});
const profile = (id: string, ext: Record<string, unknown>) =>
  constraintProfile(id, 'Observation', [{ id: 'Observation.code', path: 'Observation.code', binding: { strength: 'example', valueSet: 'http://hl7.org/fhir/ValueSet/observation-codes', extension: [ext] } }]);

let engine: Promise<Engine> | undefined;
function getEngine(): Promise<Engine> {
  if (!engine) {
    const dir = mkdtempSync(join(tmpdir(), 'bars-bindings-'));
    writeFileSync(join(dir, 'ValueSet-obs-kinds.json'), JSON.stringify(valueSet));
    for (const [id, ext] of [
      ['ab-required', additional('required')],
      ['ab-maximum', additional('maximum')],
      ['ab-required-usage', additional('required', true)],
    ] as const) {
      writeFileSync(join(dir, `StructureDefinition-${id}.json`), JSON.stringify(profile(id, ext)));
    }
    engine = createEngine({ cacheDir: TEST_CACHE, offline: true, igs: [dir] });
  }
  return engine;
}
const obs = (id: string, code: string) => ({
  resourceType: 'Observation',
  meta: { profile: [`http://example.org/StructureDefinition/${id}`] },
  status: 'final',
  code: { coding: [{ system: 'http://example.org/CodeSystem/kinds', code }] },
});
const errors = (r: { issues: { severity: string; ruleId: string; expression?: string }[] }) =>
  r.issues.filter((i) => i.severity === 'error').map((i) => `${i.ruleId} @ ${i.expression}`);

describe('additional bindings', () => {
  it("purpose 'required': a code outside the value set is an error, one inside passes", async () => {
    const e = await getEngine();
    expect(errors(await e.validate(JSON.stringify(obs('ab-required', 'a'))))).toEqual([]);
    const bad = await e.validate(JSON.stringify(obs('ab-required', 'z')));
    expect(errors(bad)).toEqual(['binding-required @ Observation.code']);
    expect(bad.issues.find((i) => i.ruleId === 'binding-required')!.message).toContain('additional binding');
  });

  it('guidance purposes and bindings limited to a usage context are not enforced', async () => {
    const e = await getEngine();
    expect(errors(await e.validate(JSON.stringify(obs('ab-maximum', 'z'))))).toEqual([]);
    expect(errors(await e.validate(JSON.stringify(obs('ab-required-usage', 'z'))))).toEqual([]);
  });
});

// terminologies.html §4.1: "the system is a URL that identifies the code system that defines
// the meaning of the code" — an absolute URI naming a code system, compared exactly.
describe('Coding.system names a code system', () => {
  const withCoding = (coding: Record<string, unknown>) => ({ resourceType: 'Observation', status: 'final', code: { coding: [coding] } });
  const codingErrors = async (coding: Record<string, unknown>) => errors(await (await getEngine()).validate(JSON.stringify(withCoding(coding))));

  it('a relative system is an error on the Coding; absolute URLs, OIDs and UUIDs are not', async () => {
    expect(await codingErrors({ system: 'CodeSystem/kinds', code: 'a' })).toEqual(['code-system-relative @ Observation.code.coding[0]']);
    expect(await codingErrors({ system: 'kinds', code: 'a' })).toEqual(['code-system-relative @ Observation.code.coding[0]']);
    expect(await codingErrors({ system: 'urn:oid:1.2.3.4', code: 'a' })).toEqual([]);
    expect(await codingErrors({ system: 'urn:uuid:0c3151bd-1cbf-4d64-b04d-cd9187a4c6e0', code: 'a' })).toEqual([]);
    expect(await codingErrors({ system: 'http://example.org/unknown-system', code: 'a' })).toEqual([]);
  });

  it("a ValueSet's canonical used as the system is an error that says it is a value set", async () => {
    const r = await (await getEngine()).validate(JSON.stringify(withCoding({ system: VS, code: 'a' })));
    expect(errors(r)).toEqual(['code-system-not-codesystem @ Observation.code.coding[0]']);
    expect(r.issues.find((i) => i.ruleId === 'code-system-not-codesystem')!.message).toMatch(/url of a ValueSet, not of a CodeSystem/);
    // the R4 core value set of a core code system: the code system's own url is right, the value set's is not
    expect(await codingErrors({ system: 'http://hl7.org/fhir/administrative-gender', code: 'male' })).toEqual([]);
    expect(await codingErrors({ system: 'http://hl7.org/fhir/ValueSet/administrative-gender', code: 'male' })).toEqual([
      'code-system-not-codesystem @ Observation.code.coding[0]',
    ]);
  });

  it('another kind of canonical (a StructureDefinition) is not a code system either, even with no code', async () => {
    const r = await (await getEngine()).validate(JSON.stringify(withCoding({ system: 'http://hl7.org/fhir/StructureDefinition/Patient' })));
    expect(errors(r)).toEqual(['code-system-not-codesystem @ Observation.code.coding[0]']);
    expect(r.issues.find((i) => i.ruleId === 'code-system-not-codesystem')!.message).toMatch(/url of a StructureDefinition/);
  });

  it('a known code system in the wrong letter case gets "did you mean"', async () => {
    const r = await (await getEngine()).validate(JSON.stringify(withCoding({ system: 'http://LOINC.org', code: '1234-5' })));
    expect(errors(r)).toEqual(['code-system-case @ Observation.code.coding[0]']);
    expect(r.issues.find((i) => i.ruleId === 'code-system-case')!.message).toMatch(/did you mean 'http:\/\/loinc\.org'/);
    expect(await codingErrors({ system: 'http://hl7.org/fhir/Administrative-Gender', code: 'male' })).toEqual(['code-system-case @ Observation.code.coding[0]']);
  });
});

// terminologies-systems.html: urn:ietf:bcp:13 is the mime types code system; BCP 13 (RFC 6838
// §4.2) gives the grammar type "/" subtype, with ;name=value parameters (RFC 9110 §8.3.1)
describe('mime types (BCP 13) are checked by their grammar', () => {
  it.each([
    ['application/pdf', true],
    ['application/fhir+json', true],
    ['text/plain; charset=utf-8', true],
    ['text/plain;charset="utf-8"', true],
    ['application/fhir+xml;canonicalization=http://hl7.org/fhir/canonicalization/xml#document', true],
    ['image/svg+xml', true],
    ['application/vnd.ms-excel', true],
    ['TEXT/HTML', true],
    ['application', false],
    ['application/', false],
    ['/pdf', false],
    ['text/ plain', false],
    ['text/plain; charset', false],
    ['foo/bar', false],
    ['json', false],
  ])('%s → %s', async (mime, ok) => {
    const { checkGrammarSystem } = await import('../terminology/codesystems.js');
    expect(checkGrammarSystem('urn:ietf:bcp:13', mime)!.valid).toBe(ok);
  });

  const att = (contentType: string) => ({ resourceType: 'DocumentReference', status: 'current', content: [{ attachment: { contentType, data: 'eA==' } }] });
  it('an Attachment.contentType that is not a mime type breaks its required binding', async () => {
    const e = await getEngine();
    expect(errors(await e.validate(JSON.stringify(att('application/pdf'))))).toEqual([]);
    const bad = await e.validate(JSON.stringify(att('pdf')));
    expect(errors(bad)).toEqual(['binding-required @ DocumentReference.content[0].attachment.contentType']);
    expect(bad.issues.find((i) => i.ruleId === 'binding-required')!.message).toMatch(/not a well-formed MIME type/);
  });

  // CapabilityStatement.format's comment: '"xml", "json" and "ttl" are allowed … Otherwise, mime types are legal here'
  it("'xml', 'json' and 'ttl' pass where the element's comment allows them, and only there", async () => {
    const e = await getEngine();
    const cs = {
      resourceType: 'CapabilityStatement',
      status: 'active',
      date: '2024-01-01',
      kind: 'instance',
      fhirVersion: '4.0.1',
      format: ['json', 'xml', 'ttl', 'application/fhir+json', 'yaml'],
      implementation: { description: 'x' },
      rest: [{ mode: 'server' }],
    };
    expect(errors(await e.validate(JSON.stringify(cs)))).toEqual(['binding-required @ CapabilityStatement.format[4]']);
    expect(errors(await e.validate(JSON.stringify(att('json'))))).toEqual(['binding-required @ DocumentReference.content[0].attachment.contentType']);
  });
});
