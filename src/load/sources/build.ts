/**
 * Shared plumbing for sources: cache-or-read, and wrapping stored data as a LoadedSource.
 */
import { hashKey, type StoredSource } from '../cache/store.js';
import type { DefinitionEntry, LoadDiagnostic, LoadedSource, ResourceMeta, SourceInfo } from '../types.js';

export function sourceFromStore(stored: StoredSource, fromCache: boolean): LoadedSource {
  const entries: DefinitionEntry[] = [];
  const positions = new Map<DefinitionEntry, number>();
  const source: LoadedSource = {
    info: stored.info,
    entries,
    fromCache,
    contentKey: stored.key,
    read: (e) => {
      const i = positions.get(e);
      if (i === undefined) throw new Error(`Definition ${e.url ?? e.id} does not belong to ${stored.info.name}`);
      return stored.read(i);
    },
  };
  stored.metas.forEach((m, i) => {
    const e: DefinitionEntry = { ...m, source };
    entries.push(e);
    positions.set(e, i);
  });
  return source;
}

export function inMemorySource(info: SourceInfo, items: { meta: ResourceMeta; resource: Record<string, any> }[]): LoadedSource {
  const key = hashKey('memory', JSON.stringify(info), ...items.map((i) => JSON.stringify(i.resource)));
  return sourceFromStore({ key, info, metas: items.map((i) => i.meta), read: (i) => items[i]!.resource }, false);
}

/** Diagnostics stored with a cached source, so a cached load reports what the first load did. */
export interface StoredExtra {
  diagnostics?: LoadDiagnostic[];
}
