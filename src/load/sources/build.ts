/**
 * Shared plumbing for sources: cache-or-read, and wrapping stored data as a LoadedSource.
 */
import { CacheDamagedError, hashKey, type StoredSource } from '../cache/store.js';
import { LoadError, type DefinitionEntry, type LoadDiagnostic, type LoadedSource, type ResourceMeta, type SourceInfo } from '../types.js';

/** Set while a damaged source is rebuilt: the rebuilt source is not rebuilt again (a disk that keeps failing must not loop). */
let rebuilding = false;

const identity = (m: ResourceMeta): string => `${m.resourceType}|${m.url ?? ''}|${m.version ?? ''}|${m.id ?? ''}|${m.file ?? ''}`;

/**
 * A source served from the cache. `rebuild` loads the source again from where it came from: when
 * a resource cannot be read back (the cache entry is damaged, and has been removed), the run
 * goes on with the rebuilt source instead of failing.
 */
export function sourceFromStore(stored: StoredSource, fromCache: boolean, rebuild?: () => LoadedSource): LoadedSource {
  if (rebuilding) rebuild = undefined;
  const entries: DefinitionEntry[] = [];
  const positions = new Map<DefinitionEntry, number>();
  let replacement: Map<string, { source: LoadedSource; entry: DefinitionEntry }> | undefined;
  const readAgain = (e: DefinitionEntry): Record<string, any> => {
    if (!replacement) {
      let again: LoadedSource;
      rebuilding = true;
      try {
        again = rebuild!();
      } finally {
        rebuilding = false;
      }
      replacement = new Map(again.entries.map((entry) => [identity(entry), { source: again, entry }]));
    }
    const hit = replacement.get(identity(e));
    if (!hit) throw new LoadError(`${e.resourceType} ${e.url ?? e.id} is no longer in ${stored.info.location}`, 'The source changed during the run: run again.');
    return hit.source.read(hit.entry);
  };
  const source: LoadedSource = {
    info: stored.info,
    entries,
    fromCache,
    contentKey: stored.key,
    read: (e) => {
      const i = positions.get(e);
      if (i === undefined) throw new Error(`Definition ${e.url ?? e.id} does not belong to ${stored.info.name}`);
      if (replacement) return readAgain(e);
      try {
        return stored.read(i);
      } catch (err) {
        if (!(err instanceof CacheDamagedError)) throw err;
        if (!rebuild) throw new LoadError(`${err.message}: it has been removed`, 'Run again: the entry is built afresh.');
        return readAgain(e);
      }
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
