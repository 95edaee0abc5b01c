/**
 * The narrativeLink extension (R4 extension-narrativelink.html): a url to the part of a narrative
 * that describes this element or resource, written `#id` (this resource's narrative) or
 * `<fullUrl>#id` (another resource of the Bundle, e.g. a document's Composition). When the
 * target resource is at hand, its narrative must hold exactly one element with that id (or
 * anchor name): none is a broken link, several leave the reader to guess.
 */
import type { CheckContext, RunState } from './context.js';
import type { Loc } from './walk-path.js';

export const NARRATIVE_LINK = 'http://hl7.org/fhir/StructureDefinition/narrativeLink';

export function checkNarrativeLinkExtension(v: CheckContext, st: RunState, ext: Record<string, unknown>, loc: Loc): void {
  const value = typeof ext.valueUrl === 'string' ? ext.valueUrl : typeof ext.valueUri === 'string' ? ext.valueUri : undefined;
  if (!value) return;
  const hash = value.indexOf('#');
  if (hash < 0) return;
  const base = value.slice(0, hash);
  const fragment = value.slice(hash + 1);
  if (fragment === '') return;
  let target: Record<string, unknown> | undefined;
  if (base === '') target = st.frame?.root;
  else {
    const bundle = st.bundles[st.bundles.length - 1];
    // a link outside the Bundle (a web page) cannot be followed offline
    const found = bundle?.resolveDetailed(base, st.frame?.entry?.fullUrl).entries;
    if (found?.length === 1) target = found[0]!.resource;
  }
  if (!target) return;
  const count = countAnchors(target, fragment);
  const where = base === '' ? 'this resource' : base;
  if (count === 0) {
    v.report(st, loc, 'error', 'not-found', 'narrative-link-target', `The narrativeLink '${value}' points at id '${fragment}' in the narrative of ${where}, but no element there has that id: correct the link or add id="${fragment}" to the narrative`);
  } else if (count > 1) {
    v.report(st, loc, 'error', 'multiple-matches', 'narrative-link-target', `The narrativeLink '${value}' points at id '${fragment}', which ${count} elements of the narrative of ${where} carry: ids in a narrative must be unique for a link to say which part it means`);
  }
}

/** Elements with id (or <a name>) equal to `fragment` in every narrative div of a resource (Resource.text, Composition sections…). */
function countAnchors(resource: Record<string, unknown>, fragment: string): number {
  let n = 0;
  const escaped = fragment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const re = new RegExp(`\\s(?:id|name)\\s*=\\s*(["'])${escaped}\\1`, 'g');
  const walk = (o: unknown, depth: number): void => {
    if (depth > 50 || !o || typeof o !== 'object') return;
    if (Array.isArray(o)) {
      for (const x of o) walk(x, depth + 1);
      return;
    }
    for (const [k, val] of Object.entries(o as Record<string, unknown>)) {
      // contained resources have narratives of their own, outside this resource's
      if (k === 'contained') continue;
      if (k === 'div' && typeof val === 'string') n += val.match(re)?.length ?? 0;
      else walk(val, depth + 1);
    }
  };
  walk(resource, 0);
  return n;
}
