/** Collections as sets: distinct(), intersect(), exclude() and membership (fhirpath.js' filtering.js, combining.js). */
import { conv, isTemporal, round8 } from './data.js';
import { itemEqual } from './equality.js';
import type { Coll, Item, Obj } from './nodes.js';
import { isPrimitiveValue } from './type-info.js';

function hashPrep(v: unknown): unknown {
  if (v === null) return null;
  if (typeof v === 'number') return round8(v);
  if (isTemporal(v)) return v.toString();
  if (typeof v === 'object') {
    if (Array.isArray(v)) return v.map(hashPrep);
    const o: Obj = {};
    for (const k of Object.keys(v as Obj).sort()) o[k] = hashPrep((v as Obj)[k]);
    return o;
  }
  return v;
}

/** hashObject, for items that are not primitives (numbers at the top are primitives, so never seen here). */
function hashItem(i: Item): string {
  return JSON.stringify(hashPrep(conv(i)));
}

/** filtering.distinctFn */
export function distinct(x: Coll, hasPrimitive?: boolean): Item[] {
  const unique: Item[] = [];
  if (x.length === 0) return unique;
  hasPrimitive ??= x.some(isPrimitiveValue);
  if (!hasPrimitive && x.length > 6) {
    const seen = new Set<string>();
    for (const i of x) {
      const h = hashItem(i);
      if (!seen.has(h)) {
        unique.push(i);
        seen.add(h);
      }
    }
    return unique;
  }
  let rest = x.slice();
  while (rest.length) {
    const first = rest[0]!;
    unique.push(first);
    const next: Item[] = [];
    for (let k = 1; k < rest.length; k++) if (!itemEqual(first, rest[k]!, false)) next.push(rest[k]!);
    rest = next;
  }
  return unique;
}

/** Whether some item of `coll` equals `i` (deepEqual(i, item), in that order). */
export function memberOf(i: Item, coll: Coll): boolean {
  for (const j of coll) if (itemEqual(i, j, false)) return true;
  return false;
}

export function intersect(a: Coll, b: Coll): Item[] {
  if (!a.length || !b.length) return [];
  const hasPrimitive = a.some(isPrimitiveValue) || b.some(isPrimitiveValue);
  if (!hasPrimitive && a.length + b.length > 6) {
    const hb = new Map<string, boolean>();
    let unchecked = b.length;
    for (const i of b) {
      const h = hashItem(i);
      if (hb.get(h)) unchecked--;
      else hb.set(h, true);
    }
    const out: Item[] = [];
    for (let k = 0; k < a.length && unchecked > 0; k++) {
      const h = hashItem(a[k]!);
      if (hb.get(h)) {
        out.push(a[k]!);
        hb.set(h, false);
        unchecked--;
      }
    }
    return out;
  }
  const out: Item[] = [];
  for (const i of distinct(a, hasPrimitive)) if (memberOf(i, b)) out.push(i);
  return out;
}

export function exclude(a: Coll, b: Coll): Coll {
  if (!b.length) return a;
  if (!a.length) return [];
  const hasPrimitive = a.some(isPrimitiveValue) || b.some(isPrimitiveValue);
  if (!hasPrimitive && a.length + b.length > 6) {
    const hb = new Set<string>();
    for (const j of b) hb.add(hashItem(j));
    const out: Item[] = [];
    for (const i of a) if (!hb.has(hashItem(i))) out.push(i);
    return out;
  }
  const out: Item[] = [];
  for (const i of a) if (!memberOf(i, b)) out.push(i);
  return out;
}
