/**
 * The instance walk: how a value present with a type that a profile or an extension's
 * definition does not allow is reported (once, where the Java validator reports it).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createEngine, type Engine } from '../engine.js';
import { TEST_CACHE } from '../../test/support/engine.js';

const QTY_URL = 'http://example.org/StructureDefinition/obs-quantity';
const qtyProfile = {
  resourceType: 'StructureDefinition',
  url: QTY_URL,
  version: '1.0.0',
  name: 'ObsQuantity',
  status: 'active',
  fhirVersion: '4.0.1',
  kind: 'resource',
  abstract: false,
  type: 'Observation',
  baseDefinition: 'http://hl7.org/fhir/StructureDefinition/Observation',
  derivation: 'constraint',
  differential: { element: [{ id: 'Observation.value[x]', path: 'Observation.value[x]', min: 1, type: [{ code: 'Quantity' }] }] },
};

let engine: Promise<Engine> | undefined;
function getEngine(): Promise<Engine> {
  if (!engine) {
    const dir = mkdtempSync(join(tmpdir(), 'bars-validator-'));
    writeFileSync(join(dir, 'StructureDefinition-obs-quantity.json'), JSON.stringify(qtyProfile));
    engine = createEngine({ cacheDir: TEST_CACHE, offline: true, igs: [dir] });
  }
  return engine;
}

const errors = (r: { issues: { severity: string; ruleId?: string; expression?: string }[] }) =>
  r.issues.filter((i) => i.severity === 'error').map((i) => `${i.ruleId} @ ${i.expression}`);

describe('a choice element with a type the profile does not allow', () => {
  it('is reported as the wrong type only, not also as missing (min 1)', async () => {
    const obs = { resourceType: 'Observation', meta: { profile: [QTY_URL] }, status: 'final', code: { text: 'x' }, valueString: '12' };
    const r = await (await getEngine()).validate(JSON.stringify(obs));
    expect(errors(r)).toEqual(['choice-type-not-allowed @ Observation.valueString']);
  });

  it('two types of one choice are one too many, with or without a profile', async () => {
    const obs = { resourceType: 'Observation', status: 'final', code: { text: 'x' }, valueString: '12', valueBoolean: true };
    const r = await (await getEngine()).validate(JSON.stringify(obs));
    expect(errors(r)).toEqual(['cardinality-max @ Observation']);
    expect(r.issues.find((i) => i.ruleId === 'cardinality-max')!.message).toBe('Observation.value[x]: max allowed = 1, but found 2');
  });

  it('a missing value is still missing', async () => {
    const obs = { resourceType: 'Observation', meta: { profile: [QTY_URL] }, status: 'final', code: { text: 'x' } };
    const r = await (await getEngine()).validate(JSON.stringify(obs));
    expect(errors(r)).toEqual(['cardinality-min @ Observation']);
  });
});

describe("an extension value of a type the extension's definition does not allow", () => {
  it('is one error on the extension, naming the extension and the allowed type', async () => {
    const patient = {
      resourceType: 'Patient',
      extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/patient-birthPlace', valueString: 'Leeds' }],
    };
    const r = await (await getEngine()).validate(JSON.stringify(patient));
    expect(errors(r)).toEqual(['choice-type-not-allowed @ Patient.extension[0]']);
    const issue = r.issues.find((i) => i.ruleId === 'choice-type-not-allowed')!;
    expect(issue.message).toContain('http://hl7.org/fhir/StructureDefinition/patient-birthPlace');
    expect(issue.message).toContain('valueAddress');
    expect(issue.message).toContain('valueString');
  });
});
