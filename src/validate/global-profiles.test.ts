/**
 * ImplementationGuide.global (R4): "a set of profiles that all resources covered by this
 * implementation guide must conform to". A loaded guide's global profiles apply to every resource
 * of their type, without meta.profile naming them.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { constraintProfile } from '../../test/support/profiles.js';
import { createEngine, type Engine } from '../engine.js';
import { TEST_CACHE } from '../../test/support/engine.js';

const PROFILE = 'http://example.org/StructureDefinition/global-named-patient';
let engine: Promise<Engine> | undefined;
function getEngine(): Promise<Engine> {
  if (!engine) {
    const dir = mkdtempSync(join(tmpdir(), 'bars-global-'));
    writeFileSync(join(dir, 'StructureDefinition-global-named-patient.json'), JSON.stringify(constraintProfile(PROFILE, 'Patient', [{ id: 'Patient.name', path: 'Patient.name', min: 1 }])));
    writeFileSync(
      join(dir, 'ImplementationGuide-global-test.json'),
      JSON.stringify({
        resourceType: 'ImplementationGuide',
        id: 'global-test',
        url: 'http://example.org/ImplementationGuide/global-test',
        version: '1.0.0',
        name: 'GlobalTest',
        status: 'active',
        packageId: 'example.global.test',
        fhirVersion: ['4.0.1'],
        global: [{ type: 'Patient', profile: PROFILE }],
      }),
    );
    engine = createEngine({ cacheDir: TEST_CACHE, offline: true, igs: [dir] });
  }
  return engine;
}

describe('global profiles of a loaded ImplementationGuide', () => {
  it('apply to every resource of their type', async () => {
    const r = await (await getEngine()).validate(JSON.stringify({ resourceType: 'Patient', active: true }));
    expect(r.issues.filter((i) => i.severity === 'error').map((i) => [i.ruleId, i.expression])).toEqual([['cardinality-min', 'Patient']]);
  });
  it('a resource that conforms passes; other types are not affected', async () => {
    const e = await getEngine();
    expect((await e.validate(JSON.stringify({ resourceType: 'Patient', name: [{ family: 'Smith' }] }))).valid).toBe(true);
    expect((await e.validate(JSON.stringify({ resourceType: 'Organization', name: 'x' }))).valid).toBe(true);
  });
});
