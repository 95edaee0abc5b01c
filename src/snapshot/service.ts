/**
 * StructureDefinitions with snapshots, on demand.
 *
 * Published snapshots are used as published. A definition with only a differential
 * (every UK Core STU3 and BaRS source) gets one generated from its base, bases first,
 * and the result is cached on disk keyed by the content of every loaded source, so the
 * second run reads it instead of generating it.
 */
import type { StructureSource } from '../compile/compiler.js';
import type { StructureDefinition } from '../model/fhir-types.js';
import { hashKey, type DefinitionStore } from '../load/cache/store.js';
import type { DefinitionSet } from '../load/definitions.js';
import type { DefinitionEntry } from '../load/types.js';
import { GENERATOR_VERSION, generateSnapshot, SnapshotError, type SnapshotContext, type SnapshotMessage } from './generate.js';

export interface SnapshotProblem {
  url: string;
  message: string;
  messages: SnapshotMessage[];
}

export class SnapshotService implements StructureSource, SnapshotContext {
  private readonly memo = new Map<DefinitionEntry, StructureDefinition | null>();
  private readonly inProgress = new Set<DefinitionEntry>();
  /** Definitions whose snapshot could not be generated, and why. */
  readonly problems = new Map<string, SnapshotProblem>();
  /** Non-fatal notes from generation (per url). */
  readonly notes = new Map<string, SnapshotMessage[]>();
  private signature: string | undefined;
  private signatureSources = -1;
  generated = 0;
  fromDisk = 0;

  constructor(
    readonly defs: DefinitionSet,
    private readonly store: DefinitionStore,
  ) {}

  getStructure(canonical: string): StructureDefinition | undefined {
    const entry = this.defs.resolve(canonical, 'StructureDefinition');
    if (!entry) return undefined;
    return this.forEntry(entry);
  }

  structureWithSnapshot(canonical: string): StructureDefinition | undefined {
    return this.getStructure(canonical);
  }

  /** The faults of a profile's differential found while generating its snapshot (errors of catalog rules). */
  faultsOf(canonical: string): SnapshotMessage[] {
    const entry = this.defs.resolve(canonical, 'StructureDefinition');
    if (!entry?.url) return [];
    return (this.notes.get(entry.url) ?? []).filter((m) => m.ruleId && m.severity === 'error');
  }

  /** The StructureDefinition of an entry with a snapshot; throws SnapshotError when it cannot be made. */
  forEntry(entry: DefinitionEntry): StructureDefinition | undefined {
    const memo = this.memo.get(entry);
    if (memo !== undefined) {
      if (memo === null) {
        const p = this.problems.get(entry.url ?? '');
        throw new SnapshotError(p?.message ?? `No snapshot for ${entry.url}`, p?.messages);
      }
      return memo;
    }
    const sd = this.defs.read<StructureDefinition>(entry);
    if (sd.snapshot?.element?.length) {
      this.memo.set(entry, sd);
      return sd;
    }
    if (this.inProgress.has(entry)) {
      throw new SnapshotError(`Circular base definitions involving ${entry.url}`);
    }
    this.inProgress.add(entry);
    try {
      const key = this.cacheKey(entry, sd);
      const cached = this.store.readBlob<{
        element: StructureDefinition['snapshot'] extends infer S ? S extends { element: infer E } ? E : never : never;
        messages?: SnapshotMessage[];
      }>('snapshots', key);
      let result: StructureDefinition;
      if (cached?.element) {
        result = { ...sd, snapshot: { element: cached.element } };
        // the profile's faults outlive the run that found them: a cached snapshot reports them too
        if (cached.messages?.length) this.notes.set(sd.url, cached.messages);
        this.fromDisk++;
      } else {
        const { elements, messages } = generateSnapshot(sd, this);
        if (messages.length) this.notes.set(sd.url, messages);
        result = { ...sd, snapshot: { element: elements } };
        this.store.writeBlob('snapshots', key, { element: elements, messages });
        this.generated++;
      }
      this.memo.set(entry, result);
      return result;
    } catch (e) {
      const err = e instanceof SnapshotError ? e : new SnapshotError(`Snapshot generation failed for ${sd.url}: ${(e as Error).message}`);
      this.problems.set(sd.url, { url: sd.url, message: err.message, messages: err.messages });
      this.memo.set(entry, null);
      throw err;
    } finally {
      this.inProgress.delete(entry);
    }
  }

  /** The content of the SD plus the identity of every loaded source (bases and type profiles may come from any). */
  private cacheKey(entry: DefinitionEntry, sd: StructureDefinition): string {
    if (this.signatureSources !== this.defs.sources.length || this.signature === undefined) {
      this.signature = hashKey(...this.defs.sources.map((s) => s.contentKey));
      this.signatureSources = this.defs.sources.length;
    }
    return hashKey('snapshot', GENERATOR_VERSION, this.signature, entry.source.contentKey, JSON.stringify(sd));
  }
}
