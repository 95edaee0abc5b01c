/**
 * Regenerate every snapshot of a published package from its differential and compare.
 */
import type { StructureDefinition } from '../model/fhir-types.js';
import type { DefinitionSet } from '../load/definitions.js';
import { compareSnapshot, emptyComparison, type Comparison } from './compare.js';
import { generateSnapshot, type SnapshotMessage } from './generate.js';
import type { SnapshotService } from './service.js';

export interface PackageComparison extends Comparison {
  profiles: number;
  failures: { url: string; message: string }[];
  notes: { url: string; messages: SnapshotMessage[] }[];
}

/** `loaded`: definitions with the package to compare loaded last (loadDefinitions({ igs: [pkg], dependencies: false })). */
export function comparePackage(loaded: { defs: DefinitionSet; structures: SnapshotService }): PackageComparison {
  const pkg = loaded.defs.sources[loaded.defs.sources.length - 1]!;
  const result: PackageComparison = { ...emptyComparison(), profiles: 0, failures: [], notes: [] };
  for (const entry of pkg.entries) {
    if (entry.resourceType !== 'StructureDefinition' || !entry.hasSnapshot || !entry.hasDifferential) continue;
    const published = loaded.defs.read<StructureDefinition>(entry);
    const bare: StructureDefinition = { ...published, snapshot: undefined };
    result.profiles++;
    try {
      const { elements, messages } = generateSnapshot(bare, loaded.structures);
      if (messages.length) result.notes.push({ url: published.url, messages });
      compareSnapshot(published.url, published.snapshot!.element, elements, result);
    } catch (e) {
      result.failures.push({ url: published.url, message: (e as Error).message });
    }
  }
  return result;
}
