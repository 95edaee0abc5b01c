/**
 * Bundles: resolving references between entries, and the rules a Bundle's entries must
 * follow beyond the invariants (fullUrl forms, fullUrl agreeing with the resource id,
 * duplicates, what a message or document must start with).
 */
import type { Loc } from './walk-path.js';
import type { CheckContext, RunState } from './context.js';

import { RESTFUL, type BundleIndex } from './bundle-index.js';
import { checkBundleSignature } from './signature.js';

/** Bundle-level rules that are not expressed as invariants in R4 (or that deserve a clearer message). */
export function checkBundle(v: CheckContext, st: RunState, bundle: Record<string, unknown>, index: BundleIndex, loc: Loc): void {
  const entries = Array.isArray(bundle.entry) ? (bundle.entry as unknown[]) : [];
  const entryLoc = (i: number): Loc => loc.child('entry', entries, i, i);
  const type = index.type;
  const seen = new Map<string, number>();
  for (const e of index.entries) {
    const r = e.resource;
    const el = entryLoc(e.index);
    if (e.fullUrl !== undefined) {
      const fu = e.fullUrl;
      const isAbsolute = /^[a-z][a-z0-9+.-]*:/i.test(fu);
      if (!isAbsolute) {
        v.report(st, el, 'error', 'invalid', 'bundle-fullurl-absolute', `The fullUrl must be an absolute URL (not '${fu}'): use urn:uuid:<uuid> or the resource's server URL`);
      }
      if (/^urn:uuid:/i.test(fu) && !/^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(fu)) {
        v.report(st, el, 'error', 'invalid', 'bundle-fullurl-uuid', `The fullUrl '${fu}' is not a valid urn:uuid (expected urn:uuid: followed by a lower-case UUID)`);
      }
      if (r && isAbsolute && !/^urn:/i.test(fu)) {
        const m = RESTFUL.exec(fu);
        // only URLs that name a real resource type are RESTful identities to compare with the resource
        if (m && v.compiler.typePlan(m[2]!)?.kind === 'resource') {
          if (r.resourceType !== m[2] || (r.id !== undefined && r.id !== m[3])) {
            v.report(
              st,
              el,
              'error',
              'invalid',
              'bundle-fullurl-id',
              `The fullUrl '${fu}' names ${m[2]}/${m[3]}, but the resource is ${String(r.resourceType)}/${String(r.id ?? '(no id)')}: they must agree`,
            );
          } else if (r.id === undefined && type !== 'transaction' && type !== 'batch') {
            v.report(st, el, 'error', 'invalid', 'bundle-fullurl-id', `The fullUrl '${fu}' looks like a RESTful server URL, but the resource has no id`);
          }
        }
      }
      if (r) {
        const key = `${fu}|${versionOf(r) ?? ''}`;
        const first = seen.get(key);
        if (first !== undefined) {
          v.report(
            st,
            el,
            'error',
            'duplicate',
            'bundle-duplicate-entry',
            `Duplicate entry: entry[${first}] already has fullUrl '${fu}'${versionOf(r) ? ` (version ${versionOf(r)})` : ''}; each resource may appear only once in a Bundle`,
          );
        } else seen.set(key, e.index);
      }
    } else if (r && type !== 'transaction' && type !== 'batch') {
      v.report(
        st,
        el,
        'error',
        'invalid',
        'bundle-fullurl-missing',
        `Entry ${e.index} has no fullUrl: except in transactions and batches, every entry needs a fullUrl, the identity of its resource (e.g. urn:uuid:<uuid>)`,
      );
    }
  }
  checkLinks(v, st, bundle, loc);
  checkBundleSignature(v, st, bundle, loc);
  if (type === 'document') checkReachability(v, st, index, entryLoc, 'Composition');
  else if (type === 'message') checkReachability(v, st, index, entryLoc, 'MessageHeader');
  if (type === 'searchset') checkSearchSet(v, st, bundle, entries, entryLoc);
  if (type === 'message') {
    const first = index.entries[0]?.resource;
    if (first && first.resourceType !== 'MessageHeader') {
      v.report(
        st,
        entryLoc(0),
        'error',
        'invalid',
        'bundle-message-header-first',
        `A message Bundle must start with its MessageHeader, but the first entry is a ${String(first.resourceType)}: move the MessageHeader to entry[0]`,
      );
    }
  }
}

/**
 * Relations that name one target: the Bundle itself (self) and the pages of a search or history
 * (http.html#paging: first, previous, next, last; IANA link relations). Two links with one of
 * these relations leave the reader to guess which is meant.
 */
const SINGLE_LINK_RELATIONS = new Set(['self', 'first', 'previous', 'prev', 'next', 'last']);

function checkLinks(v: CheckContext, st: RunState, bundle: Record<string, unknown>, loc: Loc): void {
  if (!Array.isArray(bundle.link)) return;
  const links = bundle.link as unknown[];
  const first = new Map<string, number>();
  links.forEach((l, i) => {
    const relation = l && typeof l === 'object' ? (l as Record<string, unknown>).relation : undefined;
    if (typeof relation !== 'string' || !SINGLE_LINK_RELATIONS.has(relation)) return;
    const seen = first.get(relation);
    if (seen === undefined) {
      first.set(relation, i);
      return;
    }
    v.report(
      st,
      loc.child('link', links, i, i),
      'error',
      'invalid',
      'bundle-link-repeated',
      `Bundle.link[${seen}] already has the relation '${relation}': a Bundle has at most one '${relation}' link (the ${relation === 'self' ? 'Bundle itself' : `${relation} page`}); remove the repeat`,
    );
  });
}

/**
 * Search results (R4 Bundle.entry.search.mode): a match or include is a resource the server
 * holds, so it has an id; a match is of a type that was searched for (the self link says
 * which); an outcome is an OperationOutcome.
 */
function checkSearchSet(v: CheckContext, st: RunState, bundle: Record<string, unknown>, entries: unknown[], entryLoc: (i: number) => Loc): void {
  const searched = searchedTypes(v, bundle);
  entries.forEach((e, i) => {
    if (!e || typeof e !== 'object') return;
    const entry = e as Record<string, unknown>;
    const mode = (entry.search as Record<string, unknown> | undefined)?.mode;
    const r = entry.resource as Record<string, unknown> | undefined;
    if (typeof mode !== 'string' || !r || typeof r !== 'object' || typeof r.resourceType !== 'string') return;
    const rt = r.resourceType;
    const at = entryLoc(i).child('resource', entry, 'resource');
    if ((mode === 'match' || mode === 'include') && r.id === undefined) {
      v.report(st, at, 'error', 'invalid', 'bundle-search-id', `Entry ${i} is a search ${mode}, but its ${rt} has no id: resources a search returns must carry their id on the server`);
    }
    if (mode === 'match' && searched.length && !searched.includes(rt)) {
      v.report(
        st,
        at,
        'error',
        'invalid',
        'bundle-search-type',
        `Entry ${i} is a search match, but it is ${rt} and the search (the self link) was for ${searched.join(' or ')}: return it as an include, or check the search`,
      );
    }
    if (mode === 'outcome' && rt !== 'OperationOutcome') {
      v.report(st, at, 'error', 'invalid', 'bundle-search-outcome', `Entry ${i} has search.mode 'outcome', so it must be an OperationOutcome, but it is ${rt}: use 'match' or 'include' for other resources`);
    }
  });
}

/** The resource types a searchset's self link searched for: [base/]Type?… or ?_type=A,B. */
function searchedTypes(v: CheckContext, bundle: Record<string, unknown>): string[] {
  const links = Array.isArray(bundle.link) ? (bundle.link as Record<string, unknown>[]) : [];
  const url = links.find((l) => l && l.relation === 'self')?.url;
  if (typeof url !== 'string') return [];
  const q = url.indexOf('?');
  const path = q >= 0 ? url.slice(0, q) : url;
  const last = path.slice(path.lastIndexOf('/') + 1);
  const isType = (t: string): boolean => v.compiler.typePlan(t)?.kind === 'resource';
  if (isType(last)) return [last];
  if (q < 0) return [];
  for (const p of url.slice(q + 1).split('&')) {
    if (p.startsWith('_type=')) return decodeURIComponent(p.slice(6)).split(',').filter(isType);
  }
  return [];
}

function versionOf(r: Record<string, unknown>): string | undefined {
  const meta = r.meta as Record<string, unknown> | undefined;
  return meta && typeof meta.versionId === 'string' ? meta.versionId : undefined;
}

/**
 * A document (bundle.html#document: "the Composition ... followed by a series of other
 * resources, referenced from the Composition") or a message (messaging.html: the MessageHeader,
 * then its focus and what they refer to) holds only what its first resource leads to, following
 * references either way. Only references that resolve by the Bundle's rules count: an entry that
 * merely shares a type and id with a reference is not reached by it. An unreachable entry is an
 * error in a document (the Java validator's rule too) and a warning in a message, and each is
 * reported on its own entry.
 */
function checkReachability(v: CheckContext, st: RunState, index: BundleIndex, entryLoc: (i: number) => Loc, rootType: string): void {
  const entries = index.entries.filter((e) => e.resource);
  if (entries.length < 2 || entries[0]!.resource!.resourceType !== rootType) return;
  const edges = new Map<number, Set<number>>();
  const link = (a: number, b: number): void => {
    if (!edges.has(a)) edges.set(a, new Set());
    if (!edges.has(b)) edges.set(b, new Set());
    edges.get(a)!.add(b);
    edges.get(b)!.add(a);
  };
  for (const e of entries) {
    for (const ref of collectReferences(e.resource!)) {
      const r = index.resolveDetailed(ref, e.fullUrl);
      if (!r.exact) continue;
      for (const t of r.entries) link(e.index, t.index);
    }
  }
  const seen = new Set<number>([entries[0]!.index]);
  const queue = [entries[0]!.index];
  while (queue.length) {
    const n = queue.pop()!;
    for (const m of edges.get(n) ?? []) if (!seen.has(m)) (seen.add(m), queue.push(m));
  }
  const document = rootType === 'Composition';
  for (const e of entries) {
    if (seen.has(e.index)) continue;
    v.report(
      st,
      entryLoc(e.index),
      document ? 'error' : 'warning',
      'informational',
      document ? 'bundle-document-unreachable' : 'bundle-message-unreachable',
      `Entry '${e.fullUrl ?? e.index}' isn't reachable by following references (forward or backward) from the ${rootType}: a ${document ? 'document' : 'message'} must only contain resources it refers to`,
    );
  }
}

function collectReferences(node: unknown, out: string[] = [], depth = 0): string[] {
  if (depth > 60 || !node || typeof node !== 'object') return out;
  if (Array.isArray(node)) {
    for (const n of node) collectReferences(n, out, depth + 1);
    return out;
  }
  for (const [k, v] of Object.entries(node as Record<string, unknown>)) {
    if (k === 'reference' && typeof v === 'string') out.push(v);
    else if (k !== 'contained' || depth > 0) collectReferences(v, out, depth + 1);
  }
  return out;
}
