/**
 * References (R4 references.html) through the public engine: what a reference says about its
 * target must agree with the target. Each rule has an invalid case, located, and a valid
 * neighbour that differs only in the point the rule is about.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { constraintProfile } from '../../test/support/profiles.js';
import { TEST_CACHE } from '../../test/support/engine.js';
import { createEngine, type Engine } from '../engine.js';

const SD = 'http://example.org/StructureDefinition/';
const profiles = [
  // a Patient profile that requires a birth date, and an Observation whose subject must meet it
  constraintProfile('rr-dated-patient', 'Patient', [{ id: 'Patient.birthDate', path: 'Patient.birthDate', min: 1 }]),
  constraintProfile('rr-obs', 'Observation', [
    { id: 'Observation.subject', path: 'Observation.subject', type: [{ code: 'Reference', targetProfile: [`${SD}rr-dated-patient`] }] },
  ]),
];
let engine: Promise<Engine> | undefined;
function getEngine(): Promise<Engine> {
  if (!engine) {
    const dir = mkdtempSync(join(tmpdir(), 'bars-rr-'));
    for (const p of profiles) writeFileSync(join(dir, `StructureDefinition-${p.url.split('/').pop()}.json`), JSON.stringify(p));
    engine = createEngine({ cacheDir: TEST_CACHE, offline: true, igs: [dir] });
  }
  return engine;
}

type Located = { ruleId: string; severity: string; expression?: string };
async function findings(resource: unknown, ruleIds: string[]): Promise<Located[]> {
  const r = await (await getEngine()).validate(JSON.stringify(resource));
  return r.issues.filter((i) => ruleIds.includes(i.ruleId)).map((i) => ({ ruleId: i.ruleId, severity: i.severity, expression: i.expression }));
}

const observation = (subject: Record<string, unknown>, profile?: string) => ({
  resourceType: 'Observation',
  ...(profile ? { meta: { profile: [SD + profile] } } : {}),
  status: 'final',
  code: { text: 'x' },
  subject,
});
const collection = (entries: { fullUrl: string; resource: Record<string, unknown> }[]) => ({ resourceType: 'Bundle', type: 'collection', entry: entries });

describe('Reference.type agrees with the reference (references.html: type and the literal reference must agree)', () => {
  it('a Reference whose type names another resource type than its literal reference is an error on that Reference', async () => {
    expect(await findings(observation({ reference: 'Patient/1', type: 'Group' }), ['reference-type-mismatch'])).toEqual([
      { ruleId: 'reference-type-mismatch', severity: 'error', expression: 'Observation.subject' },
    ]);
  });
  it('the same type as the literal reference is fine', async () => {
    expect(await findings(observation({ reference: 'Patient/1', type: 'Patient' }), ['reference-type-mismatch'])).toEqual([]);
  });
});

describe('a reference resolved inside a Bundle names the type of what it resolves to', () => {
  const group = { resourceType: 'Group', id: '1', type: 'person', actual: true };
  it('an absolute reference to …/Patient/1 whose entry holds a Group is an error', async () => {
    const b = collection([
      { fullUrl: 'http://example.org/fhir/Observation/o', resource: observation({ reference: 'http://example.org/fhir/Patient/1' }) },
      { fullUrl: 'http://example.org/fhir/Patient/1', resource: group },
    ]);
    expect(await findings(b, ['reference-resolved-type'])).toEqual([{ ruleId: 'reference-resolved-type', severity: 'error', expression: 'Bundle.entry[0].resource.subject' }]);
  });
  it('the entry at …/Group/1 holding that Group is fine', async () => {
    const b = collection([
      { fullUrl: 'http://example.org/fhir/Observation/o', resource: observation({ reference: 'http://example.org/fhir/Group/1' }) },
      { fullUrl: 'http://example.org/fhir/Group/1', resource: group },
    ]);
    expect(await findings(b, ['reference-resolved-type'])).toEqual([]);
  });
});

describe('targetProfile (ElementDefinition.type.targetProfile): a resolved target must conform to the profile', () => {
  const withPatient = (patient: Record<string, unknown>) =>
    collection([
      { fullUrl: 'urn:uuid:0b7cbd66-1c2a-4a35-9f36-6a4e0d1b1a01', resource: observation({ reference: 'urn:uuid:0b7cbd66-1c2a-4a35-9f36-6a4e0d1b1a02' }, 'rr-obs') },
      { fullUrl: 'urn:uuid:0b7cbd66-1c2a-4a35-9f36-6a4e0d1b1a02', resource: { resourceType: 'Patient', ...patient } },
    ]);
  it('a Patient without the birth date the target profile requires: an error on the referring element', async () => {
    expect(await findings(withPatient({}), ['reference-target-profile', 'reference-target-type'])).toEqual([
      { ruleId: 'reference-target-profile', severity: 'error', expression: 'Bundle.entry[0].resource.subject' },
    ]);
  });
  it('the same Patient with a birth date conforms', async () => {
    expect(await findings(withPatient({ birthDate: '1970-01-01' }), ['reference-target-profile', 'reference-target-type'])).toEqual([]);
  });
  it('a target of a type the profile does not allow is a type error, not a profile one', async () => {
    const b = collection([
      { fullUrl: 'urn:uuid:0b7cbd66-1c2a-4a35-9f36-6a4e0d1b1a01', resource: observation({ reference: 'urn:uuid:0b7cbd66-1c2a-4a35-9f36-6a4e0d1b1a03' }, 'rr-obs') },
      { fullUrl: 'urn:uuid:0b7cbd66-1c2a-4a35-9f36-6a4e0d1b1a03', resource: { resourceType: 'Group', type: 'person', actual: true } },
    ]);
    expect(await findings(b, ['reference-target-profile', 'reference-target-type'])).toEqual([
      { ruleId: 'reference-target-type', severity: 'error', expression: 'Bundle.entry[0].resource.subject' },
    ]);
  });
});
