/**
 * An index of a Bundle's entries by position, fullUrl and type/id, and reference resolution
 * between entries by the FHIR Bundle rules. Kept apart from the Bundle checks (bundle.ts) so
 * the run state and plugins can hold one without depending on the checks.
 */
export interface Entry {
  index: number;
  fullUrl?: string;
  resource?: Record<string, unknown>;
}

export const RESTFUL = /^(.*\/)?([A-Z][A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})(\/_history\/[A-Za-z0-9\-.]{1,64})?$/;

export class BundleIndex {
  readonly type: string | undefined;
  readonly entries: Entry[] = [];
  /** Entries by their index in Bundle.entry (holes where an entry is not an object). */
  private readonly byIndex: (Entry | undefined)[] = [];
  private readonly byFullUrl = new Map<string, Entry[]>();
  private readonly byTypeId = new Map<string, Entry[]>();

  constructor(readonly bundle: Record<string, unknown>) {
    this.type = typeof bundle.type === 'string' ? bundle.type : undefined;
    const list = Array.isArray(bundle.entry) ? (bundle.entry as unknown[]) : [];
    list.forEach((e, index) => {
      if (!e || typeof e !== 'object') return;
      const rec = e as Record<string, unknown>;
      const entry: Entry = { index };
      if (typeof rec.fullUrl === 'string') entry.fullUrl = rec.fullUrl;
      if (rec.resource && typeof rec.resource === 'object' && !Array.isArray(rec.resource)) entry.resource = rec.resource as Record<string, unknown>;
      this.entries.push(entry);
      this.byIndex[index] = entry;
      if (entry.fullUrl) push(this.byFullUrl, entry.fullUrl, entry);
      const r = entry.resource;
      if (r && typeof r.resourceType === 'string' && typeof r.id === 'string') push(this.byTypeId, `${r.resourceType}/${r.id}`, entry);
    });
  }

  // by position, not a search: every entry's resource asks for its own entry (a linear search
  // made a Bundle of 100 000 entries take minutes)
  entry(index: number): Entry | undefined {
    return this.byIndex[index];
  }

  /**
   * Find the entry a reference points at, from the entry holding the reference (its fullUrl
   * is the base for relative references, as the FHIR Bundle rules say).
   */
  resolve(reference: string, fromFullUrl?: string): Entry[] {
    return this.resolveDetailed(reference, fromFullUrl).entries;
  }

  /**
   * Bundle reference resolution: an exact fullUrl match, else (for a relative reference) the
   * referencing entry's base + Type/id; failing that, entries that merely share type and id
   * are returned with `exact: false`, so the caller can warn that the rules were not met.
   */
  resolveDetailed(reference: string, fromFullUrl?: string): { entries: Entry[]; exact: boolean; target?: string } {
    const r = this.resolveUnversioned(reference, fromFullUrl);
    // a versioned reference (…/_history/3) only matches the entry with that meta.versionId
    const hist = reference.includes('/_history/') ? /\/_history\/([^/]+)$/.exec(reference) : null;
    if (hist && r.entries.length) {
      const v = hist[1];
      return { ...r, entries: r.entries.filter((e) => (e.resource?.meta as { versionId?: unknown } | undefined)?.versionId === v) };
    }
    return r;
  }

  private resolveUnversioned(reference: string, fromFullUrl?: string): { entries: Entry[]; exact: boolean; target?: string } {
    // most references have no version: skip the regular expression for them
    const ref = reference.includes('/_history/') ? reference.replace(/\/_history\/[^/]+$/, '') : reference;
    const exact = this.byFullUrl.get(reference) ?? this.byFullUrl.get(ref);
    if (exact) return { entries: exact, exact: true, target: reference };
    if (/^(urn:|[a-z][a-z0-9+.-]*:\/\/)/i.test(ref)) return { entries: [], exact: true, target: reference };
    const m = RESTFUL.exec(ref);
    if (!m) return { entries: [], exact: true };
    const typeId = `${m[2]}/${m[3]}`;
    let target: string | undefined;
    if (fromFullUrl && /^urn:uuid:/i.test(fromFullUrl)) {
      // relative to a urn:uuid entry, Type/id can only mean urn:uuid:id
      target = `urn:uuid:${m[3]}`;
      const abs = this.byFullUrl.get(target);
      if (abs) return { entries: abs, exact: true, target };
    } else if (fromFullUrl) {
      const base = RESTFUL.exec(fromFullUrl);
      if (base && base[1] && /^[a-z]+:\/\//i.test(fromFullUrl)) {
        target = base[1] + typeId;
        const abs = this.byFullUrl.get(target);
        if (abs) return { entries: abs, exact: true, target };
      }
    }
    const loose = this.byTypeId.get(typeId) ?? [];
    // with no absolute base to resolve against, matching by type and id is the rule
    return { entries: loose, exact: target === undefined, target };
  }
}

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const l = m.get(k);
  if (l) l.push(v);
  else m.set(k, [v]);
}
