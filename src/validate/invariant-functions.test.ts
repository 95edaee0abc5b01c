/**
 * FHIR's own FHIRPath functions inside profile invariants (R4 FHIRPath page, "Additional functions"):
 * resolve() follows a reference to the resource it names, conformsTo(profile) asks whether a value
 * conforms, memberOf(valueSet) whether a code is in a value set.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { constraintProfile } from '../../test/support/profiles.js';
import { createEngine, type Engine } from '../engine.js';
import { TEST_CACHE } from '../../test/support/engine.js';

const SD = 'http://example.org/StructureDefinition/';
const constraint = (key: string, expression: string) => ({ key, severity: 'error', human: key, expression });
const profiles = [
  constraintProfile('fn-named-patient', 'Patient', [{ id: 'Patient.name', path: 'Patient.name', min: 1 }]),
  constraintProfile('fn-resolve', 'Observation', [{ id: 'Observation', path: 'Observation', constraint: [constraint('fn-1', "subject.resolve().active = true")] }]),
  constraintProfile('fn-conforms', 'Observation', [{ id: 'Observation', path: 'Observation', constraint: [constraint('fn-2', `subject.resolve().conformsTo('${SD}fn-named-patient')`)] }]),
  constraintProfile('fn-member', 'Observation', [{ id: 'Observation', path: 'Observation', constraint: [constraint('fn-3', "status.memberOf('http://hl7.org/fhir/ValueSet/event-status')")] }]),
];
let engine: Promise<Engine> | undefined;
function getEngine(): Promise<Engine> {
  if (!engine) {
    const dir = mkdtempSync(join(tmpdir(), 'bars-fn-'));
    for (const p of profiles) writeFileSync(join(dir, `StructureDefinition-${p.url.split('/').pop()}.json`), JSON.stringify(p));
    engine = createEngine({ cacheDir: TEST_CACHE, offline: true, igs: [dir] });
  }
  return engine;
}
async function issues(profile: string, patient: Record<string, unknown>, status = 'final') {
  const obs = {
    resourceType: 'Observation',
    meta: { profile: [SD + profile] },
    contained: [{ resourceType: 'Patient', id: 'p', ...patient }],
    status,
    code: { text: 'x' },
    subject: { reference: '#p' },
  };
  const r = await (await getEngine()).validate(JSON.stringify(obs));
  return r.issues.filter((i) => i.severity !== 'information').map((i) => ({ severity: i.severity, ruleId: i.ruleId, expression: i.expression }));
}

describe('resolve()', () => {
  it('follows a reference to a contained resource', async () => {
    expect(await issues('fn-resolve', { active: true })).toEqual([]);
    expect(await issues('fn-resolve', { active: false })).toEqual([{ severity: 'error', ruleId: 'invariant:fn-1', expression: 'Observation' }]);
  });
});

describe('conformsTo()', () => {
  it('is true when the value conforms to the profile, false when it does not', async () => {
    expect(await issues('fn-conforms', { name: [{ family: 'Smith' }] })).toEqual([]);
    expect(await issues('fn-conforms', { active: true })).toEqual([{ severity: 'error', ruleId: 'invariant:fn-2', expression: 'Observation' }]);
  });
});

describe('memberOf()', () => {
  it('is true for a code in the value set, false for one outside it', async () => {
    expect(await issues('fn-member', { active: true }, 'unknown')).toEqual([]);
    expect(await issues('fn-member', { active: true }, 'final')).toEqual([{ severity: 'error', ruleId: 'invariant:fn-3', expression: 'Observation' }]);
  });
});
