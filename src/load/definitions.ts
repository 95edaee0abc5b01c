/**
 * A loaded set of definitions with canonical resolution.
 *
 * Resolution follows the FHIR rules: `url` alone picks the best version available,
 * `url|version` picks that version (or, for a partial version such as `1.2`, the latest
 * patch of it). Several versions of one package can sit side by side; two *different*
 * definitions claiming the same url and version are reported as a conflict.
 */
import type { DefinitionEntry, LoadDiagnostic, LoadedSource, SourceInfo } from './types.js';

export interface CanonicalConflict {
  url: string;
  version?: string;
  /** The definition that wins resolution and the others that claim the same canonical. */
  used: DefinitionEntry;
  others: DefinitionEntry[];
}

/** Compare FHIR package/definition versions (semver-ish, tolerant of suffixes like -alpha). */
export function compareVersions(a: string, b: string): number {
  const pa = a.split(/[.-]/);
  const pb = b.split(/[.-]/);
  const n = Math.max(pa.length, pb.length);
  for (let i = 0; i < n; i++) {
    const x = pa[i];
    const y = pb[i];
    if (x === undefined) return y !== undefined && /^\d+$/.test(y) ? -1 : 1; // 1.0 < 1.0.1 ; 1.0 > 1.0-alpha
    if (y === undefined) return /^\d+$/.test(x) ? 1 : -1;
    const nx = /^\d+$/.test(x) ? Number(x) : NaN;
    const ny = /^\d+$/.test(y) ? Number(y) : NaN;
    if (!Number.isNaN(nx) && !Number.isNaN(ny)) {
      if (nx !== ny) return nx - ny;
    } else if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

/** Split `url|version` (and drop any `#fragment` pointing inside a contained resource). */
export function splitCanonical(canonical: string): { url: string; version?: string } {
  const bar = canonical.indexOf('|');
  if (bar < 0) return { url: canonical };
  return { url: canonical.slice(0, bar), version: canonical.slice(bar + 1) || undefined };
}

export class DefinitionSet {
  readonly sources: LoadedSource[] = [];
  readonly diagnostics: LoadDiagnostic[] = [];
  private readonly byUrl = new Map<string, DefinitionEntry[]>();
  private readonly byTypeAndId = new Map<string, DefinitionEntry>();
  private readonly parsed = new WeakMap<DefinitionEntry, Record<string, any>>();
  /** Core StructureDefinitions by type name (Patient, HumanName, string...). */
  private readonly coreTypes = new Map<string, DefinitionEntry>();
  private conflictList: CanonicalConflict[] | undefined;

  addSource(source: LoadedSource): void {
    this.sources.push(source);
    this.conflictList = undefined;
    for (const e of source.entries) {
      if (e.url) {
        const list = this.byUrl.get(e.url);
        if (list) list.push(e);
        else this.byUrl.set(e.url, [e]);
      }
      if (e.id) {
        const k = `${e.resourceType}/${e.id}`;
        if (!this.byTypeAndId.has(k)) this.byTypeAndId.set(k, e);
      }
      if (
        source.info.kind === 'embedded-core' &&
        e.resourceType === 'StructureDefinition' &&
        e.derivation !== 'constraint' &&
        e.sdType &&
        e.url === `http://hl7.org/fhir/StructureDefinition/${e.sdType}`
      ) {
        this.coreTypes.set(e.sdType, e);
      }
    }
  }

  /** Take a source out again (an embedded package replaced by one given explicitly); the indexes are rebuilt. */
  removeSource(source: LoadedSource): void {
    const rest = this.sources.filter((s) => s !== source);
    if (rest.length === this.sources.length) return;
    this.sources.length = 0;
    this.byUrl.clear();
    this.byTypeAndId.clear();
    this.coreTypes.clear();
    for (const s of rest) this.addSource(s);
  }

  hasSource(name: string, version: string): boolean {
    return this.sources.some((s) => s.info.name === name && s.info.version === version);
  }

  sourceInfos(): SourceInfo[] {
    return this.sources.map((s) => s.info);
  }

  /** Every entry claiming a url (all versions, all sources). */
  entriesFor(url: string): readonly DefinitionEntry[] {
    return this.byUrl.get(url) ?? [];
  }

  /** Resolve a canonical (`url`, `url|version`) to the definition to use. */
  resolve(canonical: string, resourceType?: string): DefinitionEntry | undefined {
    const { url, version } = splitCanonical(canonical);
    let list = this.byUrl.get(url);
    if (!list) {
      // core types are often named by their bare type name in code paths (e.g. "Patient")
      if (!url.includes('/') && !url.includes(':')) {
        const core = this.coreTypes.get(url);
        return core && (!resourceType || core.resourceType === resourceType) ? core : undefined;
      }
      return undefined;
    }
    if (resourceType) list = list.filter((e) => e.resourceType === resourceType);
    if (list.length === 0) return undefined;
    if (version) {
      const exact = list.filter((e) => e.version === version);
      if (exact.length) return this.preferred(exact);
      // partial version: 1.2 matches 1.2.x, pick the latest
      const partial = list.filter((e) => e.version && e.version.startsWith(version + '.'));
      if (partial.length) return partial.sort((a, b) => compareVersions(b.version!, a.version!))[0];
      return undefined;
    }
    return this.preferred(list);
  }

  /**
   * Several candidates for one canonical: the one from the source loaded last among
   * explicit sources wins (a supplier's --ig overrides what a dependency brought), and
   * between versions the latest wins.
   */
  private preferred(list: DefinitionEntry[]): DefinitionEntry {
    if (list.length === 1) return list[0]!;
    let best = list[0]!;
    for (const e of list.slice(1)) {
      if (e.version && best.version && e.version !== best.version) {
        if (compareVersions(e.version, best.version) > 0) best = e;
      } else {
        best = e; // same or unknown version: later source wins
      }
    }
    return best;
  }

  byId(resourceType: string, id: string): DefinitionEntry | undefined {
    return this.byTypeAndId.get(`${resourceType}/${id}`);
  }

  coreType(typeName: string): DefinitionEntry | undefined {
    return this.coreTypes.get(typeName);
  }

  /** Parse (once) and return the full resource of an entry. */
  read<T = Record<string, any>>(entry: DefinitionEntry): T {
    let r = this.parsed.get(entry);
    if (!r) {
      r = entry.source.read(entry);
      this.parsed.set(entry, r);
    }
    return r as T;
  }

  /** Resolve and read in one go. */
  fetch<T = Record<string, any>>(canonical: string, resourceType?: string): T | undefined {
    const e = this.resolve(canonical, resourceType);
    return e ? this.read<T>(e) : undefined;
  }

  /** All entries, optionally of one resource type. */
  *all(resourceType?: string): IterableIterator<DefinitionEntry> {
    for (const s of this.sources) {
      for (const e of s.entries) if (!resourceType || e.resourceType === resourceType) yield e;
    }
  }

  /**
   * Definitions that claim the same canonical url and version from different sources
   * with different content identity (a second copy of the same package version is not
   * a conflict).
   */
  conflicts(): CanonicalConflict[] {
    if (this.conflictList) return this.conflictList;
    const out: CanonicalConflict[] = [];
    for (const [url, list] of this.byUrl) {
      if (list.length < 2) continue;
      const groups = new Map<string, DefinitionEntry[]>();
      for (const e of list) {
        const k = `${e.resourceType}|${e.version ?? ''}`;
        const g = groups.get(k);
        if (g) g.push(e);
        else groups.set(k, [e]);
      }
      for (const g of groups.values()) {
        if (g.length < 2) continue;
        // the same package version reached twice (e.g. as a dependency of two IGs) is not a conflict
        const ids = new Set(g.map((e) => `${e.source.info.name}#${e.source.info.version}`));
        const sameSourceObject = g.every((e) => e.source === g[0]!.source);
        if (ids.size === 1 && !sameSourceObject) continue;
        const used = this.preferred(g);
        out.push({ url, version: used.version, used, others: g.filter((e) => e !== used) });
      }
    }
    this.conflictList = out;
    return out;
  }
}
