/**
 * Snapshot generation, one feature at a time, on small differential-only profiles over R4 core:
 * cardinality, types (profiles, targetProfile), fixed/pattern, bindings, constraints,
 * mustSupport, slicing (new slices, their children, re-slicing, extension slices by profile),
 * choice renames, constraints reaching into a datatype's children. Plus: published snapshots are
 * used as published, and generated ones are cached on disk by content.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_CACHE } from '../../test/support/engine.js';
import { cleanup, profile, tempDir } from '../../test/support/packages.js';
import type { ElementDefinition, StructureDefinition } from '../model/fhir-types.js';
import { DefinitionStore } from '../load/cache/store.js';
import { DefinitionSet } from '../load/definitions.js';
import { loadDefinitions } from '../assemble.js';
import { inMemorySource } from '../load/sources/build.js';
import { metaOf } from '../load/meta.js';
import type { LoadedSource } from '../load/types.js';
import { SnapshotError } from './generate.js';
import { SnapshotService } from './service.js';

const tmp = tempDir('bars-snapshot-');
let core: LoadedSource;
beforeAll(async () => {
  core = (await loadDefinitions({ cacheDir: TEST_CACHE, offline: true, packageCache: join(tmp, 'empty') })).defs.sources[0]!;
});
afterAll(() => cleanup(tmp));

const BASE = 'http://example.org/StructureDefinition/';

function sourceOf(sds: Record<string, unknown>[], name = 'example.test'): LoadedSource {
  return inMemorySource({ name, version: '1.0.0', kind: 'file', location: 'test', dependencies: {} }, sds.map((r) => ({ meta: metaOf(r), resource: r as Record<string, any> })));
}

/** A snapshot service over R4 core and the given definitions (no disk cache unless given one). */
function service(sds: Record<string, unknown>[], store = new DefinitionStore(undefined)): SnapshotService {
  const defs = new DefinitionSet();
  defs.addSource(core);
  defs.addSource(sourceOf(sds));
  return new SnapshotService(defs, store);
}

/** Generate the snapshot of the first definition; elements by id. */
function snapshot(...sds: Record<string, unknown>[]): { sd: StructureDefinition; el: (id: string) => ElementDefinition; ids: string[]; svc: SnapshotService } {
  const svc = service(sds);
  const sd = svc.getStructure(String(sds[0]!.url))!;
  const byId = new Map(sd.snapshot!.element.map((e) => [e.id!, e]));
  return {
    sd,
    svc,
    ids: sd.snapshot!.element.map((e) => e.id!),
    el: (id) => {
      const e = byId.get(id);
      if (!e) throw new Error(`no element ${id} in the snapshot of ${sd.url}: ${[...byId.keys()].join(', ')}`);
      return e;
    },
  };
}

describe('snapshot generation: element constraints', () => {
  it('min and max narrow the base; base keeps the original cardinality', () => {
    const { el, ids } = snapshot(
      profile({ url: BASE + 'card', elements: [{ id: 'Patient.name', path: 'Patient.name', min: 1, max: '2' }, { id: 'Patient.photo', path: 'Patient.photo', max: '0' }] }),
    );
    expect(el('Patient.name')).toMatchObject({ min: 1, max: '2', base: { path: 'Patient.name', min: 0, max: '*' } });
    expect(el('Patient.photo').max).toBe('0');
    // untouched elements are inherited unchanged, in the base order
    expect(el('Patient.gender')).toMatchObject({ min: 0, max: '1' });
    expect(ids.indexOf('Patient.name')).toBeLessThan(ids.indexOf('Patient.gender'));
    expect(ids[0]).toBe('Patient');
  });

  it('type narrowing: choice types, type profiles and targetProfile', () => {
    const { el } = snapshot(
      profile({
        url: BASE + 'types',
        type: 'Observation',
        elements: [
          { id: 'Observation.subject', path: 'Observation.subject', type: [{ code: 'Reference', targetProfile: ['http://hl7.org/fhir/StructureDefinition/Patient'] }] },
          { id: 'Observation.value[x]', path: 'Observation.value[x]', type: [{ code: 'Quantity', profile: ['http://hl7.org/fhir/StructureDefinition/SimpleQuantity'] }, { code: 'string' }] },
        ],
      }),
    );
    expect(el('Observation.subject').type).toEqual([{ code: 'Reference', targetProfile: ['http://hl7.org/fhir/StructureDefinition/Patient'] }]);
    expect(el('Observation.value[x]').type).toEqual([{ code: 'Quantity', profile: ['http://hl7.org/fhir/StructureDefinition/SimpleQuantity'] }, { code: 'string' }]);
  });

  it('fixed and pattern values; a new one replaces an inherited one of another kind', () => {
    const parent = profile({ url: BASE + 'fixed-parent', type: 'Observation', elements: [{ id: 'Observation.status', path: 'Observation.status', fixedCode: 'final' }] });
    const child = profile({
      url: BASE + 'fixed-child',
      type: 'Observation',
      base: BASE + 'fixed-parent',
      elements: [
        { id: 'Observation.status', path: 'Observation.status', patternCode: 'amended' },
        { id: 'Observation.code', path: 'Observation.code', patternCodeableConcept: { coding: [{ system: 'http://loinc.org', code: '8867-4' }] } },
      ],
    });
    expect(snapshot(parent).el('Observation.status').fixedCode).toBe('final');
    const { el } = snapshot(child, parent);
    expect(el('Observation.status').patternCode).toBe('amended');
    expect(el('Observation.status').fixedCode).toBeUndefined();
    expect(el('Observation.code').patternCodeableConcept).toEqual({ coding: [{ system: 'http://loinc.org', code: '8867-4' }] });
  });

  it('bindings: a new value set and strength replace the base binding', () => {
    const { el } = snapshot(
      profile({ url: BASE + 'binding', elements: [{ id: 'Patient.maritalStatus', path: 'Patient.maritalStatus', binding: { strength: 'required', valueSet: 'http://example.org/ValueSet/ms' } }] }),
    );
    expect(el('Patient.maritalStatus').binding).toMatchObject({ strength: 'required', valueSet: 'http://example.org/ValueSet/ms' });
    // the base's binding is what an unconstrained element keeps
    expect(el('Patient.gender').binding).toMatchObject({ strength: 'required', valueSet: 'http://hl7.org/fhir/ValueSet/administrative-gender|4.0.1' });
  });

  it('constraints are added (with the profile as source) and keep the inherited ones; mustSupport is set', () => {
    const { el } = snapshot(
      profile({
        url: BASE + 'constraint',
        elements: [
          {
            id: 'Patient.name',
            path: 'Patient.name',
            mustSupport: true,
            constraint: [{ key: 'ex-1', severity: 'error', human: 'family or given', expression: 'family.exists() or given.exists()' }],
          },
        ],
      }),
    );
    const keys = el('Patient.name').constraint!.map((c) => c.key);
    expect(keys).toContain('ele-1');
    expect(keys).toContain('ex-1');
    expect(el('Patient.name').constraint!.find((c) => c.key === 'ex-1')!.source).toBe(BASE + 'constraint');
    expect(el('Patient.name').mustSupport).toBe(true);
  });

  it("constraints on a datatype's children expand it (Patient.identifier.system)", () => {
    const { el, ids } = snapshot(
      profile({ url: BASE + 'children', elements: [{ id: 'Patient.identifier.system', path: 'Patient.identifier.system', min: 1, fixedUri: 'https://fhir.nhs.uk/Id/nhs-number' }] }),
    );
    expect(el('Patient.identifier.system')).toMatchObject({ min: 1, fixedUri: 'https://fhir.nhs.uk/Id/nhs-number', base: { path: 'Identifier.system' } });
    // all of Identifier's children are there, in Identifier's order, before the next Patient element
    const kids = ids.filter((i) => i.startsWith('Patient.identifier.'));
    expect(kids).toEqual(['Patient.identifier.id', 'Patient.identifier.extension', 'Patient.identifier.use', 'Patient.identifier.type', 'Patient.identifier.system', 'Patient.identifier.value', 'Patient.identifier.period', 'Patient.identifier.assigner']);
    expect(ids.indexOf('Patient.identifier.assigner')).toBeLessThan(ids.indexOf('Patient.active'));
    // elements of expanded datatypes carry their paths under the profile's element
    expect(el('Patient.identifier.value').path).toBe('Patient.identifier.value');
  });

  it('choice renames: valueQuantity constrains value[x] and narrows it to Quantity', () => {
    const { el, ids } = snapshot(
      profile({
        url: BASE + 'rename',
        type: 'Observation',
        elements: [
          { id: 'Observation.valueQuantity', path: 'Observation.valueQuantity', min: 1 },
          { id: 'Observation.valueQuantity.unit', path: 'Observation.valueQuantity.unit', min: 1 },
        ],
      }),
    );
    const v = el('Observation.value[x]');
    expect(v.min).toBe(1);
    expect(v.type!.map((t) => t.code)).toEqual(['Quantity']);
    expect(el('Observation.value[x].unit').min).toBe(1);
    expect(ids.some((i) => i.includes('valueQuantity'))).toBe(false);
  });

  it('two renames of one choice become type slices of value[x]', () => {
    const { el } = snapshot(
      profile({
        url: BASE + 'rename2',
        type: 'Observation',
        elements: [
          { id: 'Observation.valueQuantity', path: 'Observation.valueQuantity', min: 0 },
          { id: 'Observation.valueString', path: 'Observation.valueString', maxLength: 10 },
        ],
      }),
    );
    expect(el('Observation.value[x]').slicing).toMatchObject({ discriminator: [{ type: 'type', path: '$this' }] });
    expect(el('Observation.value[x]:valueQuantity').type).toEqual([{ code: 'Quantity' }]);
    expect(el('Observation.value[x]:valueString')).toMatchObject({ type: [{ code: 'string' }], maxLength: 10 });
  });
});

describe('snapshot generation: slicing', () => {
  const sliced = profile({
    url: BASE + 'sliced',
    elements: [
      { id: 'Patient.identifier', path: 'Patient.identifier', slicing: { discriminator: [{ type: 'value', path: 'system' }], rules: 'open' }, min: 1 },
      { id: 'Patient.identifier:nhsNumber', path: 'Patient.identifier', sliceName: 'nhsNumber', min: 1, max: '1' },
      { id: 'Patient.identifier:nhsNumber.system', path: 'Patient.identifier.system', min: 1, fixedUri: 'https://fhir.nhs.uk/Id/nhs-number' },
      { id: 'Patient.identifier:nhsNumber.value', path: 'Patient.identifier.value', min: 1 },
      { id: 'Patient.identifier:local', path: 'Patient.identifier', sliceName: 'local' },
    ],
  });

  it('new slices follow the sliced element and its children, each with its own children', () => {
    const { el, ids } = snapshot(sliced);
    expect(el('Patient.identifier')).toMatchObject({ min: 1, slicing: { discriminator: [{ type: 'value', path: 'system' }], rules: 'open' } });
    expect(el('Patient.identifier:nhsNumber')).toMatchObject({ sliceName: 'nhsNumber', min: 1, max: '1', path: 'Patient.identifier' });
    expect(el('Patient.identifier:nhsNumber.system')).toMatchObject({ min: 1, fixedUri: 'https://fhir.nhs.uk/Id/nhs-number', path: 'Patient.identifier.system' });
    expect(el('Patient.identifier:nhsNumber.value').min).toBe(1);
    // a slice without min is optional; children nobody constrains are left to the type (not listed), as in published snapshots
    expect(el('Patient.identifier:local')).toMatchObject({ sliceName: 'local', min: 0, max: '*' });
    expect(ids.some((i) => i.startsWith('Patient.identifier:local.') || i.startsWith('Patient.identifier.'))).toBe(false);
    // the slice lists all of Identifier's children once one is constrained
    expect(ids.filter((i) => i.startsWith('Patient.identifier:nhsNumber.'))).toHaveLength(8);
    const order = ['Patient.identifier', 'Patient.identifier:nhsNumber', 'Patient.identifier:nhsNumber.system', 'Patient.identifier:local', 'Patient.active'];
    const at = order.map((i) => ids.indexOf(i));
    expect(at.every((x) => x >= 0)).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
  });

  it('a derived profile constrains and re-slices an inherited slice (nhsNumber/verified)', () => {
    const reslice = profile({
      url: BASE + 'resliced',
      base: BASE + 'sliced',
      elements: [
        { id: 'Patient.identifier:nhsNumber', path: 'Patient.identifier', sliceName: 'nhsNumber', slicing: { discriminator: [{ type: 'value', path: 'use' }], rules: 'closed' } },
        { id: 'Patient.identifier:nhsNumber.period', path: 'Patient.identifier.period', min: 1 },
        { id: 'Patient.identifier:nhsNumber/verified', path: 'Patient.identifier', sliceName: 'nhsNumber/verified', max: '1' },
        { id: 'Patient.identifier:nhsNumber/verified.use', path: 'Patient.identifier.use', fixedCode: 'official' },
      ],
    });
    const { el, ids } = snapshot(reslice, sliced);
    // inherited constraints of the slice stay, new ones are added
    expect(el('Patient.identifier:nhsNumber')).toMatchObject({ min: 1, max: '1', slicing: { discriminator: [{ type: 'value', path: 'use' }], rules: 'closed' } });
    expect(el('Patient.identifier:nhsNumber.system').fixedUri).toBe('https://fhir.nhs.uk/Id/nhs-number');
    expect(el('Patient.identifier:nhsNumber.period').min).toBe(1);
    // the re-slice starts from its parent slice's definition
    expect(el('Patient.identifier:nhsNumber/verified')).toMatchObject({ sliceName: 'nhsNumber/verified', max: '1' });
    expect(el('Patient.identifier:nhsNumber/verified.system').fixedUri).toBe('https://fhir.nhs.uk/Id/nhs-number');
    expect(el('Patient.identifier:nhsNumber/verified.use').fixedCode).toBe('official');
    expect(ids.indexOf('Patient.identifier:nhsNumber/verified')).toBeGreaterThan(ids.indexOf('Patient.identifier:nhsNumber.period'));
    expect(ids.indexOf('Patient.identifier:nhsNumber/verified')).toBeLessThan(ids.indexOf('Patient.identifier:local'));
  });

  it('extension slices by profile url: type profile, the profile root documentation and cardinality, url slicing', () => {
    const { el } = snapshot(
      profile({
        url: BASE + 'extensions',
        elements: [
          { id: 'Patient.extension:birthPlace', path: 'Patient.extension', sliceName: 'birthPlace', type: [{ code: 'Extension', profile: ['http://hl7.org/fhir/StructureDefinition/patient-birthPlace'] }] },
          { id: 'Patient.extension:nationality', path: 'Patient.extension', sliceName: 'nationality', min: 1, type: [{ code: 'Extension', profile: ['http://hl7.org/fhir/StructureDefinition/patient-nationality'] }] },
        ],
      }),
    );
    expect(el('Patient.extension').slicing).toMatchObject({ discriminator: [{ type: 'value', path: 'url' }], rules: 'open' });
    const bp = el('Patient.extension:birthPlace');
    expect(bp).toMatchObject({ sliceName: 'birthPlace', min: 0, max: '1', type: [{ code: 'Extension', profile: ['http://hl7.org/fhir/StructureDefinition/patient-birthPlace'] }] });
    expect(bp.short).toMatch(/birth/i); // from the extension's own definition
    expect(el('Patient.extension:nationality').min).toBe(1);
  });

  it('an unknown element is reported rather than guessed', () => {
    const svc = service([profile({ url: BASE + 'bad', elements: [{ id: 'Patient.nmae', path: 'Patient.nmae', min: 1 }] })]);
    svc.getStructure(BASE + 'bad');
    const notes = svc.notes.get(BASE + 'bad') ?? [];
    expect(notes).toEqual([expect.objectContaining({ severity: 'error', message: expect.stringContaining('"nmae" is not an element of Patient') })]);
  });

  it('a complex extension: sub-extension slices with their url and value', () => {
    const ext = {
      ...profile({
        url: BASE + 'complex-ext',
        type: 'Extension',
        elements: [
          { id: 'Extension.extension:code', path: 'Extension.extension', sliceName: 'code', min: 1, max: '1' },
          { id: 'Extension.extension:code.url', path: 'Extension.extension.url', fixedUri: 'code' },
          { id: 'Extension.extension:code.value[x]', path: 'Extension.extension.value[x]', type: [{ code: 'CodeableConcept' }] },
          { id: 'Extension.url', path: 'Extension.url', fixedUri: BASE + 'complex-ext' },
          { id: 'Extension.value[x]', path: 'Extension.value[x]', max: '0' },
        ],
      }),
      context: [{ type: 'element', expression: 'Patient' }],
    };
    const { el, ids } = snapshot(ext);
    expect(el('Extension.extension').slicing).toMatchObject({ discriminator: [{ type: 'value', path: 'url' }] });
    expect(el('Extension.extension:code')).toMatchObject({ min: 1, max: '1' });
    expect(el('Extension.extension:code.url').fixedUri).toBe('code');
    expect(el('Extension.extension:code.value[x]').type).toEqual([{ code: 'CodeableConcept' }]);
    expect(el('Extension.url').fixedUri).toBe(BASE + 'complex-ext');
    expect(el('Extension.value[x]').max).toBe('0');
    expect(ids.indexOf('Extension.extension:code.value[x]')).toBeLessThan(ids.indexOf('Extension.url'));
  });

  it("a slice's children come from its type profile (an extension slice's value[x])", () => {
    const { el } = snapshot(
      profile({
        url: BASE + 'ext-value',
        elements: [
          { id: 'Patient.extension:birthPlace', path: 'Patient.extension', sliceName: 'birthPlace', type: [{ code: 'Extension', profile: ['http://hl7.org/fhir/StructureDefinition/patient-birthPlace'] }] },
          { id: 'Patient.extension:birthPlace.value[x]', path: 'Patient.extension.value[x]', short: 'town' },
        ],
      }),
    );
    // from patient-birthPlace: value[x] is an Address and url is fixed
    expect(el('Patient.extension:birthPlace.value[x]')).toMatchObject({ short: 'town', type: [{ code: 'Address' }] });
    expect(el('Patient.extension:birthPlace.url').fixedUri).toBe('http://hl7.org/fhir/StructureDefinition/patient-birthPlace');
  });

  it("a datatype profile given as the element's type profile supplies the children", () => {
    const idProfile = profile({
      url: BASE + 'nhs-identifier',
      type: 'Identifier',
      elements: [{ id: 'Identifier.system', path: 'Identifier.system', min: 1, fixedUri: 'https://fhir.nhs.uk/Id/nhs-number' }],
    });
    const { el } = snapshot(
      profile({
        url: BASE + 'uses-identifier-profile',
        elements: [
          { id: 'Patient.identifier', path: 'Patient.identifier', type: [{ code: 'Identifier', profile: [BASE + 'nhs-identifier'] }] },
          { id: 'Patient.identifier.value', path: 'Patient.identifier.value', min: 1 },
        ],
      }),
      idProfile,
    );
    expect(el('Patient.identifier.system')).toMatchObject({ min: 1, fixedUri: 'https://fhir.nhs.uk/Id/nhs-number' });
    expect(el('Patient.identifier.value').min).toBe(1);
  });

  it('follows contentReference (Questionnaire.item.item)', () => {
    const { el } = snapshot(
      profile({ url: BASE + 'q', type: 'Questionnaire', elements: [{ id: 'Questionnaire.item.item.linkId', path: 'Questionnaire.item.item.linkId', maxLength: 20 }] }),
    );
    expect(el('Questionnaire.item.item.linkId')).toMatchObject({ maxLength: 20, min: 1 });
    expect(el('Questionnaire.item.item.type').min).toBe(1);
    expect(el('Questionnaire.item.item').contentReference).toBeUndefined();
  });

  it('differentials without ids: slices are found from path and sliceName', () => {
    const { el } = snapshot({
      ...profile({ url: BASE + 'no-ids' }),
      differential: {
        element: [
          { path: 'Patient' },
          { path: 'Patient.identifier', slicing: { discriminator: [{ type: 'value', path: 'system' }], rules: 'open' } },
          { path: 'Patient.identifier', sliceName: 'nhs', min: 1 },
          { path: 'Patient.identifier.system', fixedUri: 'https://fhir.nhs.uk/Id/nhs-number' },
          { path: 'Patient.name', min: 1 },
        ],
      },
    });
    expect(el('Patient.identifier:nhs').min).toBe(1);
    expect(el('Patient.identifier:nhs.system').fixedUri).toBe('https://fhir.nhs.uk/Id/nhs-number');
    expect(el('Patient.name').min).toBe(1);
  });

  it('a profile may not loosen its base: wider max or lower min is reported', () => {
    const svc = service([
      profile({ url: BASE + 'loosen', elements: [{ id: 'Patient.gender', path: 'Patient.gender', max: '*' }, { id: 'Patient.link.other', path: 'Patient.link.other', min: 0 }] }),
    ]);
    const sd = svc.getStructure(BASE + 'loosen')!;
    const notes = svc.notes.get(BASE + 'loosen') ?? [];
    expect(notes).toEqual([
      expect.objectContaining({ severity: 'error', elementId: 'Patient.gender', message: expect.stringContaining('max "*" is wider than its base max "1"') }),
      expect.objectContaining({ severity: 'error', elementId: 'Patient.link.other', message: expect.stringContaining('min 0 is lower than its base min 1') }),
    ]);
    // the base's cardinality stands
    expect(sd.snapshot!.element.find((e) => e.id === 'Patient.gender')!.max).toBe('1');
    expect(sd.snapshot!.element.find((e) => e.id === 'Patient.link.other')!.min).toBe(1);
  });

  it('a missing base is a SnapshotError naming it', () => {
    const svc = service([profile({ url: BASE + 'orphan', base: BASE + 'not-loaded' })]);
    expect(() => svc.getStructure(BASE + 'orphan')).toThrow(SnapshotError);
    expect(() => svc.getStructure(BASE + 'orphan')).toThrow(/base http:\/\/example\.org\/StructureDefinition\/not-loaded was not found/);
    expect(svc.problems.get(BASE + 'orphan')?.message).toContain('not-loaded');
  });
});

describe('snapshot service', () => {
  it('uses a published snapshot as published', () => {
    const published = {
      ...profile({ url: BASE + 'published', elements: [{ id: 'Patient.name', path: 'Patient.name', min: 1 }] }),
      snapshot: { element: [{ id: 'Patient', path: 'Patient', min: 0, max: '*', short: 'as published' }, { id: 'Patient.name', path: 'Patient.name', min: 1, max: '*', short: 'published name' }] },
    };
    const svc = service([published]);
    const sd = svc.getStructure(BASE + 'published')!;
    expect(sd.snapshot!.element.map((e) => e.short)).toEqual(['as published', 'published name']);
    expect(svc.generated).toBe(0);
  });

  it('caches generated snapshots on disk by content: a second load reads them, a changed differential misses', () => {
    const store = new DefinitionStore(join(tmp, 'snapshot-cache'));
    const v1 = profile({ url: BASE + 'cached', elements: [{ id: 'Patient.name', path: 'Patient.name', min: 1 }] });
    const first = service([v1], store);
    expect(first.getStructure(BASE + 'cached')!.snapshot!.element.find((e) => e.id === 'Patient.name')!.min).toBe(1);
    expect([first.generated, first.fromDisk]).toEqual([1, 0]);

    const second = service([v1], store);
    const fromDisk = second.getStructure(BASE + 'cached')!;
    expect([second.generated, second.fromDisk]).toEqual([0, 1]);
    expect(fromDisk.snapshot!.element.find((e) => e.id === 'Patient.name')!.min).toBe(1);

    const v2 = profile({ url: BASE + 'cached', elements: [{ id: 'Patient.name', path: 'Patient.name', min: 1, max: '1' }] });
    const third = service([v2], store);
    expect(third.getStructure(BASE + 'cached')!.snapshot!.element.find((e) => e.id === 'Patient.name')!.max).toBe('1');
    expect([third.generated, third.fromDisk]).toEqual([1, 0]);
  });

  it("keeps a profile's differential faults with its cached snapshot: the second load reports them too", () => {
    const store = new DefinitionStore(join(tmp, 'snapshot-fault-cache'));
    const faulty = profile({ url: BASE + 'cached-faulty', elements: [{ id: 'Patient.nonsense', path: 'Patient.nonsense', min: 1 }] });
    const first = service([faulty], store);
    first.getStructure(BASE + 'cached-faulty');
    expect(first.faultsOf(BASE + 'cached-faulty').map((m) => [m.ruleId, m.diffIndex])).toEqual([['sd-diff-unmatched', 1]]);
    const second = service([faulty], store);
    second.getStructure(BASE + 'cached-faulty');
    expect(second.fromDisk).toBe(1);
    expect(second.faultsOf(BASE + 'cached-faulty').map((m) => [m.ruleId, m.diffIndex])).toEqual([['sd-diff-unmatched', 1]]);
  });

  it('a logical model specialising Base (which R4 does not define) is its own differential', () => {
    const model = {
      resourceType: 'StructureDefinition', url: BASE + 'Model', name: 'Model', status: 'draft', kind: 'logical', abstract: false,
      type: BASE + 'Model', baseDefinition: 'http://hl7.org/fhir/StructureDefinition/Base', derivation: 'specialization',
      differential: { element: [{ id: 'Model', path: 'Model' }, { id: 'Model.a', path: 'Model.a', min: 1, max: '1', type: [{ code: 'string' }] }] },
    };
    expect(service([model]).getStructure(BASE + 'Model')!.snapshot!.element.map((e) => e.id)).toEqual(['Model', 'Model.a']);
  });

  it('generates bases first (a chain of three), once each', () => {
    const a = profile({ url: BASE + 'chain-a', elements: [{ id: 'Patient.name', path: 'Patient.name', min: 1 }] });
    const b = profile({ url: BASE + 'chain-b', base: BASE + 'chain-a', elements: [{ id: 'Patient.gender', path: 'Patient.gender', min: 1 }] });
    const c = profile({ url: BASE + 'chain-c', base: BASE + 'chain-b', elements: [{ id: 'Patient.birthDate', path: 'Patient.birthDate', min: 1 }] });
    const svc = service([c, b, a]);
    const sd = svc.getStructure(BASE + 'chain-c')!;
    const el = (id: string) => sd.snapshot!.element.find((e) => e.id === id)!;
    expect([el('Patient.name').min, el('Patient.gender').min, el('Patient.birthDate').min]).toEqual([1, 1, 1]);
    svc.getStructure(BASE + 'chain-b');
    expect(svc.generated).toBe(3);
  });

  it('a circular base chain is an error, not a hang', () => {
    const a = profile({ url: BASE + 'loop-a', base: BASE + 'loop-b' });
    const b = profile({ url: BASE + 'loop-b', base: BASE + 'loop-a' });
    const svc = service([a, b]);
    expect(() => svc.getStructure(BASE + 'loop-a')).toThrow(/Circular/);
  });
});
