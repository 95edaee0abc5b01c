/**
 * Discriminators read from the R4 Profiling page (§5.1.2.2 "Discriminator"): each kind, over paths
 * the slice constrains, prohibits (max = 0), leaves unconstrained, constrains through a type
 * profile, or names through a choice's typed name. Each profile below is built for its rule.
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
  // value discriminator; slice "local" says nothing about system (only use)
  constraintProfile('sl-unconstrained', 'Patient', [
    { id: 'Patient.identifier', path: 'Patient.identifier', slicing: { discriminator: [{ type: 'value', path: 'system' }], rules: 'closed' } },
    { id: 'Patient.identifier:nhs', path: 'Patient.identifier', sliceName: 'nhs' },
    { id: 'Patient.identifier:nhs.system', path: 'Patient.identifier.system', fixedUri: 'urn:nhs' },
    { id: 'Patient.identifier:local', path: 'Patient.identifier', sliceName: 'local' },
    { id: 'Patient.identifier:local.use', path: 'Patient.identifier.use', fixedCode: 'usual' },
  ]),
  // value discriminator; slice "bare" prohibits the discriminating element
  constraintProfile('sl-prohibited', 'Patient', [
    { id: 'Patient.identifier', path: 'Patient.identifier', slicing: { discriminator: [{ type: 'pattern', path: 'system' }], rules: 'closed' } },
    { id: 'Patient.identifier:sys', path: 'Patient.identifier', sliceName: 'sys' },
    { id: 'Patient.identifier:sys.system', path: 'Patient.identifier.system', patternUri: 'urn:a' },
    { id: 'Patient.identifier:bare', path: 'Patient.identifier', sliceName: 'bare' },
    { id: 'Patient.identifier:bare.system', path: 'Patient.identifier.system', max: '0' },
  ]),
  // exists discriminator: one slice requires period, the other prohibits it
  constraintProfile('sl-exists', 'Patient', [
    { id: 'Patient.identifier', path: 'Patient.identifier', slicing: { discriminator: [{ type: 'exists', path: 'period' }], rules: 'closed' } },
    { id: 'Patient.identifier:dated', path: 'Patient.identifier', sliceName: 'dated', max: '1' },
    { id: 'Patient.identifier:dated.period', path: 'Patient.identifier.period', min: 1 },
    { id: 'Patient.identifier:undated', path: 'Patient.identifier', sliceName: 'undated' },
    { id: 'Patient.identifier:undated.period', path: 'Patient.identifier.period', max: '0' },
  ]),
  // type discriminator on a choice: one slice uses the typed name, the other a type slice of value[x]
  constraintProfile('sl-choice-type', 'Observation', [
    { id: 'Observation.component', path: 'Observation.component', slicing: { discriminator: [{ type: 'type', path: 'value' }], rules: 'closed' } },
    { id: 'Observation.component:text', path: 'Observation.component', sliceName: 'text', max: '1' },
    { id: 'Observation.component:text.valueString', path: 'Observation.component.valueString', type: [{ code: 'string' }] },
    { id: 'Observation.component:qty', path: 'Observation.component', sliceName: 'qty' },
    { id: 'Observation.component:qty.value[x]:valueQuantity', path: 'Observation.component.value[x]', sliceName: 'valueQuantity', type: [{ code: 'Quantity' }] },
  ]),
  // value discriminator whose value is fixed only by the type profile the slice names
  {
    ...constraintProfile('sl-nhs-identifier', 'Identifier', [{ id: 'Identifier.system', path: 'Identifier.system', fixedUri: 'urn:nhs' }]),
    kind: 'complex-type',
  },
  constraintProfile('sl-type-profile', 'Patient', [
    { id: 'Patient.identifier', path: 'Patient.identifier', slicing: { discriminator: [{ type: 'value', path: 'system' }], rules: 'closed' } },
    { id: 'Patient.identifier:nhs', path: 'Patient.identifier', sliceName: 'nhs', type: [{ code: 'Identifier', profile: [`${SD}sl-nhs-identifier`] }] },
    { id: 'Patient.identifier:nhs.use', path: 'Patient.identifier.use', fixedCode: 'official' },
    { id: 'Patient.identifier:other', path: 'Patient.identifier', sliceName: 'other' },
    { id: 'Patient.identifier:other.system', path: 'Patient.identifier.system', fixedUri: 'urn:other' },
  ]),
  // ordered slicing, open at the end
  constraintProfile('sl-ordered', 'Patient', [
    { id: 'Patient.identifier', path: 'Patient.identifier', slicing: { discriminator: [{ type: 'value', path: 'system' }], rules: 'openAtEnd', ordered: true } },
    { id: 'Patient.identifier:first', path: 'Patient.identifier', sliceName: 'first' },
    { id: 'Patient.identifier:first.system', path: 'Patient.identifier.system', fixedUri: 'urn:1' },
    { id: 'Patient.identifier:second', path: 'Patient.identifier', sliceName: 'second' },
    { id: 'Patient.identifier:second.system', path: 'Patient.identifier.system', fixedUri: 'urn:2' },
  ]),
  // profile discriminator on Bundle.entry.resource: the slice is the one whose profile the resource meets
  constraintProfile('sl-named-patient', 'Patient', [{ id: 'Patient.name', path: 'Patient.name', min: 1 }]),
  constraintProfile('sl-profile', 'Bundle', [
    { id: 'Bundle.entry', path: 'Bundle.entry', slicing: { discriminator: [{ type: 'profile', path: 'resource' }], rules: 'closed' } },
    { id: 'Bundle.entry:named', path: 'Bundle.entry', sliceName: 'named', min: 1, max: '1' },
    { id: 'Bundle.entry:named.resource', path: 'Bundle.entry.resource', type: [{ code: 'Patient', profile: [`${SD}sl-named-patient`] }] },
  ]),
  // type discriminator through resolve(): each hasMember slice names its target type
  constraintProfile('sl-resolve', 'Observation', [
    { id: 'Observation.hasMember', path: 'Observation.hasMember', slicing: { discriminator: [{ type: 'type', path: 'resolve()' }], rules: 'closed' } },
    { id: 'Observation.hasMember:obs', path: 'Observation.hasMember', sliceName: 'obs', max: '1', type: [{ code: 'Reference', targetProfile: ['http://hl7.org/fhir/StructureDefinition/Observation'] }] },
    { id: 'Observation.hasMember:qr', path: 'Observation.hasMember', sliceName: 'qr', type: [{ code: 'Reference', targetProfile: ['http://hl7.org/fhir/StructureDefinition/QuestionnaireResponse'] }] },
  ]),
];

let engine: Promise<Engine> | undefined;
function getEngine(): Promise<Engine> {
  if (!engine) {
    const dir = mkdtempSync(join(tmpdir(), 'bars-slicing-rules-'));
    for (const p of profiles) writeFileSync(join(dir, `StructureDefinition-${p.url.split('/').pop()}.json`), JSON.stringify(p));
    engine = createEngine({ cacheDir: TEST_CACHE, offline: true, igs: [dir] });
  }
  return engine;
}

async function errors(resource: Record<string, unknown>, profile: string): Promise<{ ruleId: string; expression?: string }[]> {
  const r = await (await getEngine()).validate(JSON.stringify({ ...resource, meta: { profile: [SD + profile] } }));
  return r.issues.filter((i) => i.severity === 'error' || i.severity === 'fatal').map((i) => ({ ruleId: i.ruleId, expression: i.expression }));
}

const patient = (...identifier: Record<string, unknown>[]) => ({ resourceType: 'Patient', identifier });

describe('value discriminator on a path the slice does not constrain', () => {
  it('an item that conforms to that slice matches it (no "matches no slice" for a closed slicing)', async () => {
    expect(await errors(patient({ system: 'urn:x', use: 'usual', value: '1' }), 'sl-unconstrained')).toEqual([]);
  });
  it('an item that conforms to no slice is still rejected by the closed slicing', async () => {
    expect(await errors(patient({ system: 'urn:x', use: 'official', value: '1' }), 'sl-unconstrained')).toEqual([
      { ruleId: 'slice-closed', expression: 'Patient.identifier[0]' },
    ]);
  });
});

describe('value/pattern discriminator on a path the slice prohibits (max = 0)', () => {
  it('an item without the element matches the prohibiting slice, one with the value the other', async () => {
    expect(await errors(patient({ value: '1' }, { system: 'urn:a', value: '2' }), 'sl-prohibited')).toEqual([]);
  });
  it('an item with another value matches neither', async () => {
    expect(await errors(patient({ system: 'urn:b', value: '1' }), 'sl-prohibited')).toEqual([
      { ruleId: 'slice-closed', expression: 'Patient.identifier[0]' },
    ]);
  });
});

describe('exists discriminator', () => {
  it('presence picks the min = 1 slice, absence the max = 0 slice', async () => {
    expect(await errors(patient({ value: '1', period: { start: '2020-01-01' } }, { value: '2' }, { value: '3' }), 'sl-exists')).toEqual([]);
  });
  it('counts per slice: two items with the element break the first slice\'s max', async () => {
    const errs = await errors(patient({ value: '1', period: { start: '2020' } }, { value: '2', period: { start: '2021' } }), 'sl-exists');
    expect(errs.map((e) => e.ruleId)).toEqual(['slice-cardinality-max']);
  });
});

describe('type discriminator on a choice restricted by its typed name or a type slice', () => {
  const obs = (...component: Record<string, unknown>[]) => ({ resourceType: 'Observation', status: 'final', code: { text: 'x' }, component });
  it('each component matches exactly the slice of its value type', async () => {
    expect(await errors(obs({ code: { text: 'a' }, valueString: 's' }, { code: { text: 'b' }, valueQuantity: { value: 1 } }), 'sl-choice-type')).toEqual([]);
  });
  it('a value of a third type matches no slice', async () => {
    expect(await errors(obs({ code: { text: 'a' }, valueBoolean: true }), 'sl-choice-type')).toEqual([
      { ruleId: 'slice-closed', expression: 'Observation.component[0]' },
    ]);
  });
  it('two string components break the text slice\'s max 1 (both counted there, not in qty)', async () => {
    const errs = await errors(obs({ code: { text: 'a' }, valueString: 's' }, { code: { text: 'b' }, valueString: 't' }), 'sl-choice-type');
    expect(errs.map((e) => e.ruleId)).toEqual(['slice-cardinality-max']);
  });
});

describe('value discriminator fixed only through the type profile of the slice', () => {
  it('the profile\'s fixed system recognises the slice even though the slice lists children of its own', async () => {
    expect(await errors(patient({ system: 'urn:nhs', use: 'official', value: '1' }, { system: 'urn:other', value: '2' }), 'sl-type-profile')).toEqual([]);
  });
  it('an item carrying neither system matches no slice', async () => {
    expect((await errors(patient({ system: 'urn:x', value: '1' }), 'sl-type-profile')).map((e) => e.ruleId)).toEqual(['slice-closed']);
  });
});

describe('ordered and openAtEnd', () => {
  it('slices in definition order, then unmatched items: valid', async () => {
    expect(await errors(patient({ system: 'urn:1' }, { system: 'urn:2' }, { system: 'urn:9' }), 'sl-ordered')).toEqual([]);
  });
  it('a later slice before an earlier one breaks the order', async () => {
    expect(await errors(patient({ system: 'urn:2' }, { system: 'urn:1' }), 'sl-ordered')).toEqual([
      { ruleId: 'slice-order', expression: 'Patient.identifier[1]' },
    ]);
  });
  it('a sliced item after an unmatched one breaks openAtEnd', async () => {
    expect(await errors(patient({ system: 'urn:9' }, { system: 'urn:1' }), 'sl-ordered')).toEqual([
      { ruleId: 'slice-open-at-end', expression: 'Patient.identifier[1]' },
    ]);
  });
});

describe('profile discriminator', () => {
  const bundle = (...patients: Record<string, unknown>[]) => ({
    resourceType: 'Bundle',
    type: 'collection',
    entry: patients.map((p, i) => ({ fullUrl: `http://example.org/fhir/Patient/${i}`, resource: { resourceType: 'Patient', id: String(i), ...p } })),
  });
  it('a resource conforming to the slice\'s profile matches it', async () => {
    expect(await errors(bundle({ name: [{ family: 'A' }] }), 'sl-profile')).toEqual([]);
  });
  it('one that does not conform matches no slice of the closed slicing', async () => {
    expect((await errors(bundle({ name: [{ family: 'A' }] }, { active: true }), 'sl-profile')).map((e) => e.ruleId)).toEqual(['slice-closed']);
  });
});

describe('type discriminator through resolve()', () => {
  const obs = (...targets: Record<string, unknown>[]) => ({
    resourceType: 'Observation',
    status: 'final',
    code: { text: 'panel' },
    contained: targets.map((t, i) => ({ id: `t${i}`, ...t })),
    hasMember: targets.map((_, i) => ({ reference: `#t${i}` })),
  });
  const member = { resourceType: 'Observation', status: 'final', code: { text: 'm' } };
  const qr = { resourceType: 'QuestionnaireResponse', status: 'completed' };
  it('each reference matches the slice of the type it resolves to', async () => {
    expect(await errors(obs(member, qr, qr), 'sl-resolve')).toEqual([]);
  });
  it('two Observations break the obs slice\'s max 1', async () => {
    expect((await errors(obs(member, member), 'sl-resolve')).map((e) => e.ruleId)).toEqual(['slice-cardinality-max']);
  });
});
