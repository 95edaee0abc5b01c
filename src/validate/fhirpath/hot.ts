/**
 * Hand-written equivalents of the invariants evaluated on (nearly) every resource, keyed by
 * their exact R4 expression text: they cost a few property reads instead of a FHIRPath
 * evaluation. `hot.test.ts` proves each equal to fhirpath.js on real and mutated instances.
 */
import { rec } from '../../model/json.js';
import type { FhirPathEnv } from './env.js';
import { SHORT_CIRCUITS, wrongShape } from './short-circuits.js';

export type HotFn = (node: unknown, env: FhirPathEnv) => boolean | undefined;

const CONTAINED_ONLY = new Set([
  // all four only look into `contained`: without contained resources they hold
  'contained.contained.empty()',
  "contained.where((('#'+id in (%resource.descendants().reference | %resource.descendants().as(canonical) | %resource.descendants().as(uri) | %resource.descendants().as(url))) or descendants().where(reference = '#').exists() or descendants().where(as(canonical) = '#').exists() or descendants().where(as(canonical) = '#').exists()).not()).trace('unmatched', id).empty()",
  'contained.meta.versionId.empty() and contained.meta.lastUpdated.empty()',
  'contained.meta.security.empty()',
]);

/** Without contained resources the CONTAINED_ONLY invariants hold; with some, the general evaluator decides. */
function noContained(node: unknown): boolean | null {
  const c = rec(node)?.contained;
  return c === undefined || (Array.isArray(c) && c.length === 0) ? true : null;
}

/** Hand-written evaluators by exact expression text. */
const EXACT = new Map<string, (node: unknown, env: FhirPathEnv) => boolean | null>([
  [
    'text.`div`.exists()',
    (node) => {
      const raw = rec(node)?.text;
      // a text that is not an object (a JSON slip reported elsewhere): the general evaluator decides
      if (raw !== undefined && raw !== null && (typeof raw !== 'object' || Array.isArray(raw))) return null;
      const text = rec(raw);
      return text !== undefined && text.div !== undefined && text.div !== null;
    },
  ],
  [
    "(type = 'history') or entry.where(fullUrl.exists()).select(fullUrl&resource.meta.versionId).isDistinct()",
    (node) => {
      const b = rec(node);
      if (!b || typeof b.type !== 'string') return null;
      if (b.type === 'history') return true;
      const entries = b.entry;
      if (entries === undefined) return true;
      if (!Array.isArray(entries)) return null;
      const seen = new Set<string>();
      for (const e of entries) {
        const er = rec(e);
        if (!er) return null;
        const fu = er.fullUrl;
        if (fu === undefined || fu === null) continue;
        if (typeof fu !== 'string') return null;
        const vid = rec(rec(er.resource)?.meta)?.versionId;
        if (vid !== undefined && typeof vid !== 'string') return null;
        const k = fu + (vid ?? '');
        if (seen.has(k)) return false;
        seen.add(k);
      }
      return true;
    },
  ],
  [
    "fullUrl.contains('/_history/').not()",
    (node) => {
      const fu = rec(node)?.fullUrl;
      if (fu === undefined || fu === null) return null; // empty: leave it to the general evaluator
      return typeof fu === 'string' ? !fu.includes('/_history/') : null;
    },
  ],
  // bdl-8 as R4 4.0.1 writes it: no fullUrl holds; a string holds unless it is version-specific
  [
    "fullUrl.exists() implies fullUrl.contains('/_history/').not()",
    (node) => {
      const e = rec(node);
      if (!e || e._fullUrl !== undefined) return null;
      const fu = e.fullUrl;
      if (fu === undefined) return true;
      return typeof fu === 'string' ? !fu.includes('/_history/') : null;
    },
  ],
  // cpt-2 on every ContactPoint
  [
    'value.empty() or system.exists()',
    (node) => {
      const c = rec(node);
      if (!c || c._value !== undefined || c._system !== undefined || wrongShape(c.value) || wrongShape(c.system)) return null;
      return c.value === undefined || c.system !== undefined;
    },
  ],
  // org-1 on every Organization
  [
    '(identifier.count() + name.count()) > 0',
    (node) => {
      const o = rec(node);
      if (!o || o._name !== undefined || wrongShape(o.name)) return null;
      const ids = o.identifier;
      if (ids !== undefined && !Array.isArray(ids)) return null;
      return (ids?.length ?? 0) > 0 || o.name !== undefined;
    },
  ],
  [
    'resource.exists() or request.exists() or response.exists()',
    (node) => {
      const r = rec(node);
      if (!r || wrongShape(r.resource) || wrongShape(r.request) || wrongShape(r.response)) return null;
      return r.resource !== undefined || r.request !== undefined || r.response !== undefined;
    },
  ],
  // ref-1: only local references need the contained lookup
  [
    "reference.startsWith('#').not() or (reference.substring(1).trace('url') in %rootResource.contained.id.trace('ids'))",
    (node) => {
      const ref = rec(node)?.reference;
      return typeof ref === 'string' && ref.length > 0 && ref.charCodeAt(0) !== 35 ? true : null;
    },
  ],
  // ext-1: exactly one of extensions and a value
  [
    'extension.exists() != value.exists()',
    (node) => {
      const r = rec(node);
      if (!r) return null;
      let hasExt = false;
      let hasValue = false;
      for (const k in r) {
        if (k === 'extension') {
          const e = r[k];
          if (!Array.isArray(e)) return null;
          hasExt = e.length > 0;
        } else if (k.length > 5 && k.startsWith('value') && k.charCodeAt(5) >= 65 && k.charCodeAt(5) <= 90) {
          if (r[k] === null || r[k] === undefined || Array.isArray(r[k])) return null;
          hasValue = true;
        } else if (k.startsWith('_value')) return null;
      }
      return hasExt !== hasValue;
    },
  ],
]);

/**
 * A fast evaluator for `expression`, or undefined. A returned function may itself return
 * `null` meaning "not decidable here, use the general evaluator" (e.g. dom-3 with contained resources).
 */
export function hotInvariant(expression: string): ((node: unknown, env: FhirPathEnv) => boolean | null) | undefined {
  if (CONTAINED_ONLY.has(expression)) return noContained;
  return EXACT.get(expression) ?? SHORT_CIRCUITS.get(expression);
}
