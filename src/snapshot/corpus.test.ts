/**
 * Every StructureDefinition of the BaRS and UK Core STU3 sources (differential only, FHIR XML)
 * gets a snapshot without error, with its base chain resolved across the two folders and R4 core.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HAS_CORPUS, corpusPath } from '../../test/support/corpus.js';
import { TEST_CACHE } from '../../test/support/engine.js';
import { tempDir } from '../../test/support/packages.js';
import type { StructureDefinition } from '../model/fhir-types.js';
import { DefinitionStore } from '../load/cache/store.js';
import { loadDefinitions } from '../assemble.js';
import { SnapshotService } from './service.js';

describe.skipIf(!HAS_CORPUS)('snapshots of the UK Core STU3 and BaRS sources', () => {

  it('all 153 UK Core and 10 BaRS StructureDefinitions (8 profiles, 2 extensions) get snapshots without error', async () => {
    const loaded = await loadDefinitions({
      igs: [corpusPath('ukcore-stu3'), corpusPath('bars')],
      cacheDir: TEST_CACHE,
      offline: true,
      packageCache: join(tempDir('bars-empty-cache-'), 'none'),
    });
    // generate every snapshot now (not from the disk cache), so that generation notes are seen
    const structures = new SnapshotService(loaded.defs, new DefinitionStore(undefined));
    const failures: string[] = [];
    const errors: string[] = [];
    const counts = new Map<string, number>();
    for (const source of loaded.defs.sources.filter((s) => s.info.kind === 'ig-folder')) {
      for (const e of source.entries.filter((x) => x.resourceType === 'StructureDefinition')) {
        counts.set(source.info.name, (counts.get(source.info.name) ?? 0) + 1);
        expect(e.hasSnapshot, e.url).toBe(false); // differential only: every one is generated
        let sd: StructureDefinition | undefined;
        try {
          sd = structures.forEntry(e);
        } catch (err) {
          failures.push(`${e.url}: ${(err as Error).message}`);
          continue;
        }
        const els = sd!.snapshot?.element ?? [];
        if (els.length === 0) failures.push(`${e.url}: empty snapshot`);
        // ids unique, every element id is its path with slice names
        const ids = els.map((x) => x.id);
        if (new Set(ids).size !== ids.length) failures.push(`${e.url}: duplicate element ids`);
        for (const x of els) if (x.id!.replace(/:[^.]+/g, '') !== x.path) failures.push(`${e.url}: id ${x.id} does not match path ${x.path}`);
        for (const m of structures.notes.get(e.url!) ?? []) if (m.severity === 'error') errors.push(`${e.url}: ${m.message}`);
      }
    }
    expect(counts.get('UKCore.R4.STU.02.00.00')).toBe(153);
    expect(counts.get('uk.nhsdigital.bars.r4')).toBe(10);
    expect(failures).toEqual([]);
    expect(errors).toEqual([]);
    expect(structures.generated).toBe(163);

    // base chains cross the folders: BaRS → UK Core → R4 core
    const chain = (url: string): string[] => {
      const out = [url];
      for (let sd = loaded.defs.fetch<StructureDefinition>(url); sd?.baseDefinition; sd = loaded.defs.fetch<StructureDefinition>(sd.baseDefinition)) out.push(sd.baseDefinition);
      return out;
    };
    expect(chain('https://fhir.nhs.uk/StructureDefinition/BARSMessageHeader-booking-request')).toEqual([
      'https://fhir.nhs.uk/StructureDefinition/BARSMessageHeader-booking-request',
      'https://fhir.hl7.org.uk/StructureDefinition/UKCore-MessageHeader',
      'http://hl7.org/fhir/StructureDefinition/MessageHeader',
      'http://hl7.org/fhir/StructureDefinition/DomainResource',
      'http://hl7.org/fhir/StructureDefinition/Resource',
    ]);
    expect(chain('https://fhir.nhs.uk/StructureDefinition/BARSBundleMessage')[1]).toBe('https://fhir.hl7.org.uk/StructureDefinition/UKCore-Bundle');
    expect(chain('https://fhir.nhs.uk/StructureDefinition/BARSServiceRequest-request-referral')[1]).toBe('https://fhir.hl7.org.uk/StructureDefinition/UKCore-ServiceRequest');

    // the UK Core layer's constraints reach the BaRS snapshot
    const header = structures.getStructure('https://fhir.nhs.uk/StructureDefinition/BARSMessageHeader-booking-request')!;
    const uk = structures.getStructure('https://fhir.hl7.org.uk/StructureDefinition/UKCore-MessageHeader')!;
    const ukIds = new Set(uk.snapshot!.element.map((x) => x.id));
    for (const id of ukIds) {
      if (!id!.includes(':')) expect(header.snapshot!.element.some((x) => x.id === id), id).toBe(true);
    }
  });
});
