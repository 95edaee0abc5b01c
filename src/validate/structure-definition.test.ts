/**
 * A StructureDefinition validated as an instance (structuredefinition.html, elementdefinition.html,
 * profiling.html): each rule with a faulty profile built here that raises it at its place, and the
 * corrected neighbour that does not. Also: an instance using a faulty profile is told (a warning).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Engine } from '../engine.js';
import type { ValidationIssue } from '../model/issue.js';
import { engine } from '../../test/support/engine.js';

type Json = Record<string, unknown>;
const SD = 'http://example.org/StructureDefinition/';
const CORE = 'http://hl7.org/fhir/StructureDefinition/';

const el = (path: string, rest: Json = {}): Json => ({ id: path, path, ...rest });

/** A constraint profile on a core type, with the given differential. */
function profileOn(type: string, id: string, diff: Json[], extra: Json = {}): Json {
  return {
    resourceType: 'StructureDefinition', url: SD + id, name: id.replace(/[^A-Za-z]/g, ''), status: 'draft', fhirVersion: '4.0.1',
    kind: 'resource', abstract: false, type, baseDefinition: CORE + type, derivation: 'constraint',
    differential: { element: [el(type), ...diff] }, ...extra,
  };
}

/** An extension definition (string value) fixed to `fixedUrl`, on `base`. */
function extensionDef(id: string, base = CORE + 'Extension', fixedUrl = SD + id, context: Json[] = [{ type: 'element', expression: 'Patient' }]): Json {
  return {
    resourceType: 'StructureDefinition', url: SD + id, name: id.replace(/[^A-Za-z]/g, ''), status: 'draft', fhirVersion: '4.0.1',
    kind: 'complex-type', abstract: false, context, type: 'Extension', baseDefinition: base, derivation: 'constraint',
    differential: { element: [el('Extension'), el('Extension.extension', { max: '0' }), el('Extension.url', { fixedUri: fixedUrl }), el('Extension.value[x]', { type: [{ code: 'string' }] })] },
  };
}

/** Loaded definitions: a base extension (for derived ones) and a profile with a faulty differential (for instances). */
const LOADED = [
  extensionDef('base-ext'),
  profileOn('Patient', 'faulty-patient', [el('Patient.nonsense', { min: 1 }), el('Patient.gender', { min: 1 })]),
];

let shared: Promise<Engine> | undefined;
function getEngine(): Promise<Engine> {
  if (!shared) {
    const dir = mkdtempSync(join(tmpdir(), 'bars-sd-rules-'));
    for (const d of LOADED) writeFileSync(join(dir, `StructureDefinition-${String(d.url).split('/').pop()}.json`), JSON.stringify(d));
    shared = engine({ barsDefaults: false, igs: [dir] });
  }
  return shared;
}

async function issues(resource: Json): Promise<ValidationIssue[]> {
  return (await (await getEngine()).validate(JSON.stringify(resource))).issues;
}

/** Where a rule is raised (its expressions), for the rule's errors and warnings. */
async function raised(resource: Json, ruleId: string): Promise<string[]> {
  return (await issues(resource)).filter((i) => i.ruleId === ruleId).map((i) => `${i.severity} ${i.expression}`);
}

describe('the differential applied to its base (profiling.html#snapshot)', () => {
  it('a differential element its base lacks is an error on that element and in the summary', async () => {
    const bad = profileOn('Patient', 'p1', [el('Patient.gender'), el('Patient.nonsense', { min: 1 })]);
    expect(await raised(bad, 'sd-diff-unmatched')).toEqual(['error StructureDefinition', 'error StructureDefinition.differential.element[2]']);
    expect(await raised(profileOn('Patient', 'p1', [el('Patient.gender'), el('Patient.birthDate', { min: 1 })]), 'sd-diff-unmatched')).toEqual([]);
  });

  it('a differential out of snapshot order: the element listed too late is the one reported', async () => {
    const bad = profileOn('Patient', 'p2', [el('Patient.birthDate', { min: 1 }), el('Patient.identifier', { min: 1 })]);
    expect(await raised(bad, 'sd-diff-order')).toEqual(['error StructureDefinition.differential.element[1]']);
    const good = profileOn('Patient', 'p2', [el('Patient.identifier', { min: 1 }), el('Patient.birthDate', { min: 1 })]);
    expect(await raised(good, 'sd-diff-order')).toEqual([]);
    expect(await raised(good, 'sd-diff-unmatched')).toEqual([]);
  });

  it('slices follow the element they slice; their children follow them', async () => {
    const good = profileOn('Patient', 'p3', [
      el('Patient.identifier', { slicing: { discriminator: [{ type: 'value', path: 'system' }], rules: 'open' } }),
      { id: 'Patient.identifier:nhs', path: 'Patient.identifier', sliceName: 'nhs' },
      { id: 'Patient.identifier:nhs.system', path: 'Patient.identifier.system', fixedUri: 'https://fhir.nhs.uk/Id/nhs-number' },
      { id: 'Patient.identifier:local', path: 'Patient.identifier', sliceName: 'local' },
      el('Patient.birthDate', { min: 1 }),
    ]);
    const all = await issues(good);
    expect(all.filter((i) => i.ruleId.startsWith('sd-')).map((i) => i.ruleId)).toEqual([]);
  });

  it('a choice renamed after a type it does not allow is an error about the whole definition', async () => {
    const bad = profileOn('Observation', 'o1', [el('Observation.valueBla', { min: 1 })]);
    expect(await raised(bad, 'sd-choice-name')).toEqual(['error StructureDefinition']);
    expect(await raised(profileOn('Observation', 'o1', [el('Observation.valueQuantity', { min: 1 })]), 'sd-choice-name')).toEqual([]);
  });

  it('a constraint choosing a type its base does not allow; an abstract base type admits its descendants', async () => {
    expect(await raised(profileOn('Patient', 'p4', [el('Patient.birthDate', { type: [{ code: 'string' }] })]), 'sd-type-not-in-base')).toEqual(['error StructureDefinition']);
    expect(await raised(profileOn('Patient', 'p4', [el('Patient.birthDate', { type: [{ code: 'date' }] })]), 'sd-type-not-in-base')).toEqual([]);
    // Bundle.entry.resource is a Resource: a Patient is one
    const bundle = profileOn('Bundle', 'b1', [el('Bundle.entry.resource', { type: [{ code: 'Patient' }] })]);
    expect(await raised(bundle, 'sd-type-not-in-base')).toEqual([]);
  });

  it('a target profile outside the base targets is an error; an unknown one cannot be checked (warning)', async () => {
    const ref = (target: string): Json => profileOn('Observation', 'o2', [el('Observation.subject', { type: [{ code: 'Reference', targetProfile: [target] }] })]);
    expect(await raised(ref(CORE + 'Practitioner'), 'sd-target-not-in-base')).toEqual(['error StructureDefinition.differential.element[1].type[0].targetProfile[0]']);
    expect(await raised(ref(CORE + 'Patient'), 'sd-target-not-in-base')).toEqual([]);
    expect(await raised(ref(SD + 'not-loaded'), 'sd-target-not-in-base')).toEqual(['warning StructureDefinition.differential.element[1].type[0].targetProfile[0]']);
  });

  it('a fixed value of the base cannot be replaced: a derived extension keeps its base url', async () => {
    const derived = extensionDef('derived-ext', SD + 'base-ext');
    expect(await raised(derived, 'sd-fixed-changed')).toEqual(['error StructureDefinition.differential.element[2].fixedUri']);
    const same = extensionDef('derived-ext', SD + 'base-ext', SD + 'base-ext');
    expect(await raised(same, 'sd-fixed-changed')).toEqual([]);
  });

  it('only a repeating element (or a choice) can be sliced', async () => {
    const slicing = { slicing: { discriminator: [{ type: 'value', path: 'coding.code' }], rules: 'open' } };
    const bad = profileOn('Patient', 'p5', [el('Patient.maritalStatus', slicing), { id: 'Patient.maritalStatus:a', path: 'Patient.maritalStatus', sliceName: 'a' }]);
    expect(await raised(bad, 'sd-slice-not-repeating')).toEqual(['error StructureDefinition']);
    const good = profileOn('Patient', 'p5', [el('Patient.maritalStatus', { ...slicing, max: '1' }), { id: 'Patient.maritalStatus:a', path: 'Patient.maritalStatus', sliceName: 'a' }]);
    expect(await raised(good, 'sd-slice-not-repeating')).toEqual([]);
  });

  it('an instance using a faulty profile is told which differential element was not applied (a warning: the fault is the profile\'s)', async () => {
    const patient = { resourceType: 'Patient', meta: { profile: [SD + 'faulty-patient'] }, gender: 'female' };
    const found = (await issues(patient)).filter((i) => i.ruleId === 'sd-diff-unmatched');
    expect(found.map((i) => `${i.severity} ${i.expression}`)).toEqual(['warning Patient.meta.profile[0]']);
    expect(found[0]!.message).toContain('Patient.nonsense');
    // the rest of the profile still applies
    const missing = (await issues({ resourceType: 'Patient', meta: { profile: [SD + 'faulty-patient'] } })).filter((i) => i.severity === 'error');
    expect(missing.map((i) => i.ruleId)).toContain('cardinality-min');
  });
});

describe('the StructureDefinition against its base (structuredefinition.html)', () => {
  it('a baseDefinition that is not loaded is named (warning: the differential cannot be checked)', async () => {
    const sd = { ...profileOn('Patient', 'p6', [el('Patient.gender')]), baseDefinition: SD + 'not-loaded' };
    const found = (await issues(sd)).filter((i) => i.ruleId === 'sd-base-unknown');
    expect(found.map((i) => `${i.severity} ${i.expression}`)).toEqual(['warning StructureDefinition.baseDefinition']);
    expect(found[0]!.message).toContain(SD + 'not-loaded');
    expect(await raised(profileOn('Patient', 'p6', [el('Patient.gender')]), 'sd-base-unknown')).toEqual([]);
  });

  it('a baseDefinition without a derivation', async () => {
    const { derivation: _d, ...bad } = profileOn('Patient', 'p7', [el('Patient.gender')]);
    expect(await raised(bad, 'sd-derivation-missing')).toEqual(['error StructureDefinition']);
    expect(await raised(profileOn('Patient', 'p7', [el('Patient.gender')]), 'sd-derivation-missing')).toEqual([]);
  });

  it('a constraint keeps the kind and type of its base; a specialization changes the type', async () => {
    expect(await raised(profileOn('Patient', 'p8', [], { kind: 'complex-type' }), 'sd-kind-mismatch')).toEqual(['error StructureDefinition']);
    expect(await raised(profileOn('Patient', 'p8', []), 'sd-kind-mismatch')).toEqual([]);
    expect(await raised(profileOn('Patient', 'p9', [], { type: 'Person' }), 'sd-type-mismatch')).toContain('error StructureDefinition');
    expect(await raised(profileOn('Patient', 'p9', [], { derivation: 'specialization' }), 'sd-type-mismatch')).toEqual(['error StructureDefinition']);
  });

  it("a logical model's paths start with its type's name", async () => {
    const logical = (root: string): Json => ({
      resourceType: 'StructureDefinition', url: SD + 'Model', name: 'Model', status: 'draft', kind: 'logical', abstract: false,
      type: 'http://example.org/types/Model', baseDefinition: CORE + 'Element', derivation: 'specialization',
      differential: { element: [el(root), el(`${root}.code`, { min: 1, max: '1', type: [{ code: 'string' }] })] },
    });
    expect(await raised(logical('Other'), 'sd-path-type')).toEqual(['error StructureDefinition.differential.element[0]', 'error StructureDefinition.differential.element[1]']);
    expect(await raised(logical('Model'), 'sd-path-type')).toEqual([]);
  });
});

describe('element definitions (elementdefinition.html, profiling.html)', () => {
  it('no slicing on the root of a differential', async () => {
    const bad = profileOn('Patient', 'p10', []);
    (bad.differential as { element: Json[] }).element[0] = el('Patient', { slicing: { discriminator: [{ type: 'value', path: 'id' }], rules: 'open' } });
    expect(await raised(bad, 'sd-slicing-root')).toEqual(['error StructureDefinition.differential.element[0]']);
    expect(await raised(profileOn('Patient', 'p10', []), 'sd-slicing-root')).toEqual([]);
  });

  it('a type profile must be a profile of that type', async () => {
    const withProfile = (p: string): Json => profileOn('Patient', 'p11', [el('Patient.identifier', { type: [{ code: 'Identifier', profile: [p] }] })]);
    expect(await raised(withProfile(CORE + 'SimpleQuantity'), 'sd-type-profile-wrong')).toEqual(['error StructureDefinition.differential.element[1].type[0].profile[0]']);
    const quantity = profileOn('Observation', 'o3', [el('Observation.valueQuantity', { type: [{ code: 'Quantity', profile: [CORE + 'SimpleQuantity'] }] })]);
    expect(await raised(quantity, 'sd-type-profile-wrong')).toEqual([]);
    expect(await raised(withProfile(SD + 'not-loaded'), 'sd-type-profile-unknown')).toEqual(['warning StructureDefinition.differential.element[1].type[0].profile[0]']);
  });

  it('target profiles: only on Reference and canonical; a Reference targets resources; a canonical targets canonical resources', async () => {
    const typed = (code: string, target: string, path = 'Patient.managingOrganization'): Json => profileOn('Patient', 'p12', [el(path, { type: [{ code, targetProfile: [target] }] })]);
    expect(await raised(typed('Reference', CORE + 'Organization'), 'sd-target-profile-type')).toEqual([]);
    expect(await raised(typed('Reference', CORE + 'HumanName'), 'sd-target-profile-type')).toEqual(['error StructureDefinition.differential.element[1].type[0].targetProfile[0]']);
    expect(await raised(typed('string', CORE + 'Organization', 'Patient.name.family'), 'sd-target-profile-type')).toEqual(['error StructureDefinition.differential.element[1].type[0].targetProfile[0]']);
    const canonical = (target: string): Json => profileOn('Questionnaire', 'q1', [el('Questionnaire.derivedFrom', { type: [{ code: 'canonical', targetProfile: [target] }] })]);
    expect(await raised(canonical(CORE + 'Questionnaire'), 'sd-target-profile-type')).toEqual([]);
    expect(await raised(canonical(CORE + 'Patient'), 'sd-target-profile-type')).toEqual(['error StructureDefinition.differential.element[1].type[0].targetProfile[0]']);
  });

  it('a binding needs a type that carries a code', async () => {
    const binding = { strength: 'required', valueSet: 'http://hl7.org/fhir/ValueSet/administrative-gender' };
    expect(await raised(profileOn('Patient', 'p13', [el('Patient.birthDate', { type: [{ code: 'date' }], binding })]), 'sd-binding-type')).toEqual(['error StructureDefinition.differential.element[1]']);
    expect(await raised(profileOn('Patient', 'p13', [el('Patient.gender', { type: [{ code: 'code' }], binding })]), 'sd-binding-type')).toEqual([]);
    // no types stated: the base's apply, nothing to judge here
    expect(await raised(profileOn('Patient', 'p13', [el('Patient.gender', { binding })]), 'sd-binding-type')).toEqual([]);
  });

  it("a discriminator path names an element of the sliced element's type", async () => {
    const sliced = (path: string, disc: string): Json =>
      profileOn('Patient', 'p14', [el(path, { slicing: { discriminator: [{ type: 'value', path: disc }], rules: 'open' } })]);
    expect(await raised(sliced('Patient.identifier', 'type'), 'sd-discriminator-path')).toEqual([]);
    expect(await raised(sliced('Patient.identifier', 'system'), 'sd-discriminator-path')).toEqual([]);
    expect(await raised(sliced('Patient.identifier', 'type.coding.code'), 'sd-discriminator-path')).toEqual([]);
    expect(await raised(sliced('Patient.extension', 'url'), 'sd-discriminator-path')).toEqual([]);
    expect(await raised(sliced('Patient.extension', 'type'), 'sd-discriminator-path')).toEqual(['error StructureDefinition.differential.element[1].slicing.discriminator[0]']);
    expect(await raised(sliced('Patient.identifier', 'type.code'), 'sd-discriminator-path')).toEqual(['error StructureDefinition.differential.element[1].slicing.discriminator[0]']);
    // backbone elements: children from the resource's own definition; functions and references followed or trusted
    expect(await raised(sliced('Patient.contact', 'relationship.coding.code'), 'sd-discriminator-path')).toEqual([]);
    expect(await raised(sliced('Patient.generalPractitioner', 'reference.resolve().name'), 'sd-discriminator-path')).toEqual([]);
    expect(await raised(sliced('Patient.extension', "extension('http://example.org/x').value"), 'sd-discriminator-path')).toEqual([]);
    expect(await raised(sliced('Patient.extension', 'value.ofType(CodeableConcept).coding'), 'sd-discriminator-path')).toEqual([]);
    expect(await raised(sliced('Patient.extension', '$this'), 'sd-discriminator-path')).toEqual([]);
  });
});

describe('extension definitions (extensibility.html)', () => {
  it('only an extension definition says a context', async () => {
    const bad = profileOn('Patient', 'p15', [], { context: [{ type: 'element', expression: 'Patient' }] });
    expect(await raised(bad, 'sd-context-not-extension')).toEqual(['error StructureDefinition']);
    expect(await raised(extensionDef('ok-ext'), 'sd-context-not-extension')).toEqual([]);
  });

  it("Extension.url is fixed to the definition's own url", async () => {
    expect(await raised(extensionDef('ext-a', undefined, SD + 'ext-b'), 'sd-extension-url')).toEqual(['error StructureDefinition.differential.element[2].fixedUri']);
    expect(await raised(extensionDef('ext-a'), 'sd-extension-url')).toEqual([]);
  });

  it('context Element (anywhere) is flagged for review', async () => {
    expect(await raised(extensionDef('ext-any', undefined, undefined, [{ type: 'element', expression: 'Element' }]), 'sd-extension-context-element')).toEqual(['warning StructureDefinition.context[0]']);
    expect(await raised(extensionDef('ext-any'), 'sd-extension-context-element')).toEqual([]);
  });
});

describe('malformed StructureDefinitions are reported, never crash the checks', () => {
  it.each([
    ['elements without paths', { differential: { element: [{ id: 'Patient' }, { min: 1 }] } }],
    ['element that is not an object', { differential: { element: ['Patient.name', null] } }],
    ['types and slicing of the wrong shape', { differential: { element: [el('Patient'), el('Patient.name', { type: 'HumanName', slicing: { discriminator: 'use' } })] } }],
    ['a discriminator without a path', { differential: { element: [el('Patient'), el('Patient.name', { slicing: { discriminator: [{ type: 'value' }, null], rules: 'open' } })] } }],
    ['a base that is itself', { baseDefinition: SD + 'self', url: SD + 'self' }],
    ['a base that is a ValueSet', { baseDefinition: 'http://hl7.org/fhir/ValueSet/administrative-gender' }],
    ['no differential, no snapshot', { differential: undefined }],
  ])('%s', async (_name, change) => {
    const sd = { ...profileOn('Patient', 'p-bad', [el('Patient.gender')]), ...change };
    const found = await issues(sd);
    expect(found.some((i) => i.ruleId === 'validation-failed' || /Cannot read|undefined|TypeError/.test(i.message))).toBe(false);
  });
});

describe('modifier extensions (extensibility.html#modifierExtension)', () => {
  it('a modifier extension profile only on modifierExtension, a plain one only on extension', async () => {
    const on = (path: string, ext: string): Json => profileOn('Patient', 'p-mod', [el(path, { type: [{ code: 'Extension', profile: [ext] }] })]);
    const modifier = `${CORE}capabilitystatement-prohibited`;
    expect(await raised(on('Patient.extension', modifier), 'sd-type-profile-wrong')).toEqual(['error StructureDefinition.differential.element[1].type[0].profile[0]']);
    expect(await raised(on('Patient.modifierExtension', modifier), 'sd-type-profile-wrong')).toEqual([]);
    expect(await raised(on('Patient.modifierExtension', `${SD}base-ext`), 'sd-type-profile-wrong')).toEqual(['error StructureDefinition.differential.element[1].type[0].profile[0]']);
    expect(await raised(on('Patient.extension', `${SD}base-ext`), 'sd-type-profile-wrong')).toEqual([]);
  });
});

describe('snapshot values (elementdefinition-definitions.html#ElementDefinition.fixed_x_)', () => {
  it("a fixed, pattern or default value is of one of the element's types", async () => {
    const withSnapshot = (value: Json): Json => ({
      ...profileOn('Patient', 'p-snap', []),
      snapshot: { element: [el('Patient', { min: 0, max: '*' }), el('Patient.gender', { min: 0, max: '1', type: [{ code: 'code' }], ...value })] },
    });
    expect(await raised(withSnapshot({ fixedString: 'female' }), 'sd-value-type')).toEqual(['error StructureDefinition.snapshot.element[1].fixedString']);
    expect(await raised(withSnapshot({ patternInteger: 1 }), 'sd-value-type')).toEqual(['error StructureDefinition.snapshot.element[1].patternInteger']);
    expect(await raised(withSnapshot({ fixedCode: 'female' }), 'sd-value-type')).toEqual([]);
  });
});
