/**
 * Slicing through a profile loaded from a file: discriminator kinds and the messages that say
 * which slice an item matched.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { constraintProfile } from '../../test/support/profiles.js';
import { createEngine, type Engine } from '../engine.js';
import { TEST_CACHE } from '../../test/support/engine.js';

const URL = 'http://example.org/StructureDefinition/typed-bundle';
const profile = constraintProfile(URL, 'Bundle', [
  { id: 'Bundle.entry', path: 'Bundle.entry', slicing: { discriminator: [{ type: 'type', path: 'resource' }], rules: 'closed' } },
  { id: 'Bundle.entry:patient', path: 'Bundle.entry', sliceName: 'patient', min: 1, max: '1' },
  { id: 'Bundle.entry:patient.resource', path: 'Bundle.entry.resource', type: [{ code: 'Patient' }] },
  { id: 'Bundle.entry:obs', path: 'Bundle.entry', sliceName: 'obs', min: 0, max: '*' },
  { id: 'Bundle.entry:obs.resource', path: 'Bundle.entry.resource', type: [{ code: 'Observation' }] },
]);

let engine: Promise<Engine> | undefined;
function getEngine(): Promise<Engine> {
  if (!engine) {
    const dir = mkdtempSync(join(tmpdir(), 'bars-slicing-'));
    writeFileSync(join(dir, 'StructureDefinition-typed-bundle.json'), JSON.stringify(profile));
    engine = createEngine({ cacheDir: TEST_CACHE, offline: true, igs: [dir] });
  }
  return engine;
}

const bundle = (...types: string[]) => ({
  resourceType: 'Bundle',
  meta: { profile: [URL] },
  type: 'collection',
  entry: types.map((t, i) => ({
    fullUrl: `http://example.org/fhir/${t}/${i}`,
    resource: t === 'Patient' ? { resourceType: 'Patient', id: String(i) } : { resourceType: t, id: String(i), status: 'final', code: { text: 'x' } },
  })),
});

describe('type discriminator on Bundle.entry.resource', () => {
  it('recognises each entry by the type of its resource', async () => {
    const r = await (await getEngine()).validate(JSON.stringify(bundle('Patient', 'Observation', 'Observation')));
    expect(r.issues.filter((i) => i.severity === 'error')).toEqual([]);
  });

  it('counts per slice: two Patients break max 1, a missing Patient breaks min 1', async () => {
    const e = await getEngine();
    const two = await e.validate(JSON.stringify(bundle('Patient', 'Patient')));
    expect(two.issues.filter((i) => i.severity === 'error').map((i) => i.ruleId)).toEqual(['slice-cardinality-max']);
    const none = await e.validate(JSON.stringify(bundle('Observation')));
    expect(none.issues.filter((i) => i.severity === 'error').map((i) => i.ruleId)).toEqual(['slice-cardinality-min']);
  });

  it('a closed slicing rejects a resource type no slice allows', async () => {
    const r = await (await getEngine()).validate(JSON.stringify(bundle('Patient', 'Condition')));
    const closed = r.issues.filter((i) => i.ruleId === 'slice-closed');
    expect(closed).toHaveLength(1);
    expect(closed[0]!.expression).toBe('Bundle.entry[1]');
  });
});

describe('a value discriminator that runs through an element the slice slices again', () => {
  // R4 bp: component sliced on code.coding.code/system; SystolicBP fixes them on code.coding:SBPCode
  const bp = (systolic: string, diastolic: string) => ({
    resourceType: 'Observation',
    meta: { profile: ['http://hl7.org/fhir/StructureDefinition/bp'] },
    status: 'final',
    category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'vital-signs' }] }],
    code: { coding: [{ system: 'http://loinc.org', code: '85354-9' }] },
    subject: { reference: 'Patient/p1' },
    effectiveDateTime: '2024-01-01T10:00:00Z',
    component: [
      { code: { coding: [{ system: 'http://snomed.info/sct', code: '72313002' }, { system: 'http://loinc.org', code: systolic }] }, valueQuantity: { value: 142, unit: 'mmHg', system: 'http://unitsofmeasure.org', code: 'mm[Hg]' } },
      { code: { coding: [{ system: 'http://loinc.org', code: diastolic }] }, valueQuantity: { value: 94, unit: 'mmHg', system: 'http://unitsofmeasure.org', code: 'mm[Hg]' } },
    ],
  });

  it('matches each component by the code its required coding slice fixes', async () => {
    const r = await (await getEngine()).validate(JSON.stringify(bp('8480-6', '8462-4')));
    expect(r.issues.filter((i) => i.severity === 'error')).toEqual([]);
  });

  it('still misses a slice when no component carries its code', async () => {
    const r = await (await getEngine()).validate(JSON.stringify(bp('8480-6', '9999-9')));
    const missing = r.issues.filter((i) => i.ruleId === 'slice-cardinality-min');
    expect(missing.map((i) => i.message)).toEqual([expect.stringContaining('DiastolicBP')]);
  });
});
