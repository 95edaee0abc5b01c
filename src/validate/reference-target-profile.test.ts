/**
 * ElementDefinition.type.targetProfile (R4): the target of a Reference must conform to one of the
 * profiles listed. A listed profile that cannot be found leaves that rule unchecked: an error that
 * names it, not a misleading "wrong type" built from the tail of its url.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { constraintProfile } from '../../test/support/profiles.js';
import { createEngine, type Engine } from '../engine.js';
import { TEST_CACHE } from '../../test/support/engine.js';

const SD = 'http://example.org/StructureDefinition/';
const profiles = [
  constraintProfile('tp-unknown', 'Observation', [
    { id: 'Observation.subject', path: 'Observation.subject', type: [{ code: 'Reference', targetProfile: ['http://unknown.test/StructureDefinition/special-patient'] }] },
  ]),
  constraintProfile('tp-core', 'Observation', [
    { id: 'Observation.subject', path: 'Observation.subject', type: [{ code: 'Reference', targetProfile: ['http://hl7.org/fhir/StructureDefinition/Patient'] }] },
  ]),
];
let engine: Promise<Engine> | undefined;
function getEngine(): Promise<Engine> {
  if (!engine) {
    const dir = mkdtempSync(join(tmpdir(), 'bars-tp-'));
    for (const p of profiles) writeFileSync(join(dir, `StructureDefinition-${p.url.split('/').pop()}.json`), JSON.stringify(p));
    engine = createEngine({ cacheDir: TEST_CACHE, offline: true, igs: [dir] });
  }
  return engine;
}
async function errors(profile: string, reference: string) {
  const obs = { resourceType: 'Observation', meta: { profile: [SD + profile] }, status: 'final', code: { text: 'x' }, subject: { reference } };
  const r = await (await getEngine()).validate(JSON.stringify(obs));
  return r.issues.filter((i) => i.severity === 'error').map((i) => ({ ruleId: i.ruleId, expression: i.expression }));
}

describe('targetProfile that cannot be resolved', () => {
  it('is an error on the reference naming the missing profile', async () => {
    expect(await errors('tp-unknown', 'Patient/1')).toEqual([{ ruleId: 'reference-target-profile-unknown', expression: 'Observation.subject' }]);
  });
  it('a core resource profile is known by its url: Patient is allowed, Group is not', async () => {
    expect(await errors('tp-core', 'Patient/1')).toEqual([]);
    expect(await errors('tp-core', 'Group/1')).toEqual([{ ruleId: 'reference-target-type', expression: 'Observation.subject' }]);
  });
});
