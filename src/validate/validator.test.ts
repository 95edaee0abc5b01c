/**
 * The instance walk: how a value present with a type that a profile or an extension's
 * definition does not allow is reported (once, where the Java validator reports it).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { constraintProfile } from '../../test/support/profiles.js';
import { createEngine, type Engine } from '../engine.js';
import { shortenRuns } from './context.js';
import { TEST_CACHE } from '../../test/support/engine.js';

const QTY_URL = 'http://example.org/StructureDefinition/obs-quantity';
const qtyProfile = constraintProfile(QTY_URL, 'Observation', [{ id: 'Observation.value[x]', path: 'Observation.value[x]', min: 1, type: [{ code: 'Quantity' }] }]);

const sd = constraintProfile;
const PAT_URL = 'http://example.org/StructureDefinition/pat-gender';
const MISSING = 'http://example.org/StructureDefinition/not-loaded';
const patProfile = sd(PAT_URL, 'Patient', [
  { id: 'Patient.gender', path: 'Patient.gender', min: 1 },
  { id: 'Patient.identifier', path: 'Patient.identifier', type: [{ code: 'Identifier', profile: [MISSING] }] },
]);
const BUNDLE_URL = 'http://example.org/StructureDefinition/typed-entries';
const bundleProfile = sd(BUNDLE_URL, 'Bundle', [
  { id: 'Bundle.entry', path: 'Bundle.entry', slicing: { discriminator: [{ type: 'type', path: 'resource' }], rules: 'open' } },
  { id: 'Bundle.entry:pat', path: 'Bundle.entry', sliceName: 'pat', min: 0, max: '*' },
  { id: 'Bundle.entry:pat.resource', path: 'Bundle.entry.resource', type: [{ code: 'Patient', profile: [PAT_URL] }] },
  { id: 'Bundle.entry:obs', path: 'Bundle.entry', sliceName: 'obs', min: 0, max: '*' },
  { id: 'Bundle.entry:obs.resource', path: 'Bundle.entry.resource', type: [{ code: 'Observation', profile: [MISSING] }] },
]);

const dtProfile = (id: string, element: Record<string, unknown>[]) => ({
  ...sd(`http://example.org/StructureDefinition/${id}`, 'HumanName', element),
  kind: 'complex-type',
});
const NAME_FAMILY = 'http://example.org/StructureDefinition/name-family';
const NAME_GIVEN = 'http://example.org/StructureDefinition/name-given';
const nameFamily = dtProfile('name-family', [{ id: 'HumanName.family', path: 'HumanName.family', min: 1 }]);
const nameGiven = dtProfile('name-given', [{ id: 'HumanName.given', path: 'HumanName.given', min: 1 }]);
const PAT_NAMES = 'http://example.org/StructureDefinition/pat-names';
const patNames = sd(PAT_NAMES, 'Patient', [{ id: 'Patient.name', path: 'Patient.name', type: [{ code: 'HumanName', profile: [NAME_FAMILY, NAME_GIVEN] }] }]);

let engine: Promise<Engine> | undefined;
function getEngine(): Promise<Engine> {
  if (!engine) {
    const dir = mkdtempSync(join(tmpdir(), 'bars-validator-'));
    writeFileSync(join(dir, 'StructureDefinition-obs-quantity.json'), JSON.stringify(qtyProfile));
    writeFileSync(join(dir, 'StructureDefinition-pat-gender.json'), JSON.stringify(patProfile));
    writeFileSync(join(dir, 'StructureDefinition-typed-entries.json'), JSON.stringify(bundleProfile));
    writeFileSync(join(dir, 'StructureDefinition-name-family.json'), JSON.stringify(nameFamily));
    writeFileSync(join(dir, 'StructureDefinition-name-given.json'), JSON.stringify(nameGiven));
    writeFileSync(join(dir, 'StructureDefinition-pat-names.json'), JSON.stringify(patNames));
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

describe('profiles that a definition requires for a value (type profiles)', () => {
  const bundle = (...resources: Record<string, unknown>[]) => ({
    resourceType: 'Bundle',
    meta: { profile: [BUNDLE_URL] },
    type: 'collection',
    entry: resources.map((r, i) => ({ fullUrl: `http://example.org/fhir/${String(r.resourceType)}/${i}`, resource: { id: String(i), ...r } })),
  });

  it("apply to a Bundle entry's resource through the slice that names its type", async () => {
    const r = await (await getEngine()).validate(JSON.stringify(bundle({ resourceType: 'Patient' })));
    expect(errors(r)).toEqual(['cardinality-min @ Bundle.entry[0].resource']);
    expect(r.issues.find((i) => i.ruleId === 'cardinality-min')!.message).toContain('Patient.gender');
  });

  it('are an error when they cannot be found (the resource cannot be shown to conform)', async () => {
    const r = await (await getEngine()).validate(JSON.stringify(bundle({ resourceType: 'Observation', status: 'final', code: { text: 'x' } })));
    expect(errors(r)).toEqual(['profile-required-unknown @ Bundle.entry[0].resource']);
    const issue = r.issues.find((i) => i.ruleId === 'profile-required-unknown')!;
    expect(issue.message).toContain(MISSING);
    expect(issue.message).toContain('Bundle.entry:obs.resource');
  });

  it('are an error on a datatype too', async () => {
    const patient = { resourceType: 'Patient', meta: { profile: [PAT_URL] }, gender: 'male', identifier: [{ value: '1' }] };
    const r = await (await getEngine()).validate(JSON.stringify(patient));
    expect(errors(r)).toEqual(['profile-required-unknown @ Patient.identifier[0]']);
  });

  it("while an instance's own meta.profile that cannot be found stays a warning", async () => {
    const patient = { resourceType: 'Patient', meta: { profile: [MISSING] } };
    const r = await (await getEngine()).validate(JSON.stringify(patient));
    expect(errors(r)).toEqual([]);
    expect(r.issues.some((i) => i.ruleId === 'profile-unknown' && i.severity === 'warning')).toBe(true);
  });

  it('is located at its meta.profile entry (one profile segment, with its index)', async () => {
    const patient = { resourceType: 'Patient', meta: { profile: [PAT_URL, MISSING] }, gender: 'male' };
    const r = await (await getEngine()).validate(JSON.stringify(patient, null, 2));
    const issue = r.issues.find((i) => i.ruleId === 'profile-unknown')!;
    expect(issue.expression).toBe('Patient.meta.profile[1]');
    expect(issue.line).toBe(6);
  });

  it('a URL one typo away from a loaded profile gets "did you mean" it', async () => {
    const typo = PAT_URL.replace('pat-gender', 'pat-gendre');
    const r = await (await getEngine()).validate(JSON.stringify({ resourceType: 'Patient', meta: { profile: [typo] } }));
    expect(r.issues.find((i) => i.ruleId === 'profile-unknown')!.message).toContain(`Did you mean ${PAT_URL} (loaded)?`);
  });
});

describe('a value that fits none of its allowed profiles', () => {
  it("is reported once, followed by each profile's errors saying why", async () => {
    const patient = { resourceType: 'Patient', meta: { profile: [PAT_NAMES] }, name: [{ text: 'Jo' }] };
    const r = await (await getEngine()).validate(JSON.stringify(patient));
    expect(errors(r).sort()).toEqual(['cardinality-min @ Patient.name[0]', 'cardinality-min @ Patient.name[0]', 'profile-choice-none @ Patient.name[0]']);
    const why = r.issues.filter((i) => i.ruleId === 'cardinality-min').map((i) => i.message);
    expect(why).toEqual([expect.stringMatching(/HumanName.family.*validating against .*name-family/), expect.stringMatching(/HumanName.given.*validating against .*name-given/)]);
  });

  it('a value that fits one of them raises nothing', async () => {
    const patient = { resourceType: 'Patient', meta: { profile: [PAT_NAMES] }, name: [{ given: ['Jo'] }] };
    expect(errors(await (await getEngine()).validate(JSON.stringify(patient)))).toEqual([]);
  });
});

describe('long runs in messages are shortened (shortenRuns)', () => {
  const byRegex = (s: string): string => s.replace(/[^\s"'`]{200,}/g, (r) => `${r.slice(0, 100)}…(${r.length} characters)`);
  it('gives what the plain regex gives, with and without long runs', () => {
    const pieces = ['a', 'bcd', ' ', '"', "'", '`', '\t', '\u00a0', '\u2003', '\ufeff', 'x'.repeat(150), 'y'.repeat(199), 'z'.repeat(200), 'w'.repeat(450), '€'];
    let seed = 7;
    const rand = (n: number): number => (seed = (seed * 1103515245 + 12345) % 2147483648) % n;
    for (let t = 0; t < 500; t++) {
      let s = '';
      const parts = 1 + rand(12);
      for (let i = 0; i < parts; i++) s += pieces[rand(pieces.length)];
      expect(shortenRuns(s)).toBe(byRegex(s));
    }
    expect(shortenRuns('q'.repeat(250))).toBe(`${'q'.repeat(100)}…(250 characters)`);
    const plain = `word ${'p'.repeat(199)} word`;
    expect(shortenRuns(plain)).toBe(plain);
  });
});

describe('an extension used outside its context', () => {
  it('is reported at the extension, not at the element carrying it', async () => {
    const obs = {
      resourceType: 'Observation',
      status: 'final',
      code: { text: 'x' },
      extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/patient-birthPlace', valueAddress: { city: 'Leeds' } }],
    };
    const r = await (await getEngine()).validate(JSON.stringify(obs));
    const issue = r.issues.find((i) => i.ruleId === 'extension-context');
    expect(issue?.expression).toBe('Observation.extension[0]');
  });
});
