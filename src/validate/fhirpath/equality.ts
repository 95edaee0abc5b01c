/** Equality `=` and equivalence `~` between items and collections (fhirpath.js' equality.js, deep-equal.js). */
import { NativeUnsupportedError } from './env.js';
import { conv, isTemporal, round8 } from './data.js';
import { Node, type Coll, type Item, type Obj } from './nodes.js';

function normalizeStr(x: string): string {
  return x.toUpperCase().replace(/\p{White_Space}/gu, ' ');
}

function decimalPlaces(x: number): number {
  const m = /(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/.exec('' + +x);
  if (!m) return 0;
  const fraction = m[2];
  const exponent = m[3];
  return Math.max(0, (fraction === '0' ? 0 : (fraction || '').length) - (Number(exponent) || 0));
}

function isEquivalentNum(a: number, b: number): boolean {
  if (Number.isInteger(a) && Number.isInteger(b)) return a === b;
  const prec = Math.min(decimalPlaces(a), decimalPlaces(b));
  if (prec === 0) return Math.round(a) === Math.round(b);
  const scale = Math.pow(10, prec);
  return Math.round(a * scale) / scale === Math.round(b * scale) / scale;
}

/** deepEqual on plain JSON (and fhirpath.js temporal values at the top). */
export function rawEqual(a: unknown, b: unknown, fuzzy: boolean): boolean | undefined {
  if (a === b) return true;
  const ta = typeof a;
  const tb = typeof b;
  if (fuzzy) {
    if (ta === 'string' && tb === 'string') return normalizeStr(a as string) === normalizeStr(b as string);
    if (ta === 'number' && tb === 'number') return isEquivalentNum(a as number, b as number);
  } else if (ta === 'number' && tb === 'number') {
    return round8(a as number) === round8(b as number);
  }
  if (a === null || a === undefined || b === null || b === undefined || (ta !== 'object' && tb !== 'object')) return false;
  const fa = isTemporal(a);
  const fb = isTemporal(b);
  if (fa || fb) throw new NativeUnsupportedError('date/time inside a structure');
  return objEquiv(a as Obj, b as Obj, fuzzy);
}

function objEquiv(a: Obj, b: Obj, fuzzy: boolean): boolean | undefined {
  if (a.prototype !== b.prototype) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  ka.sort();
  kb.sort();
  for (let i = ka.length - 1; i >= 0; i--) if (ka[i] !== kb[i]) return false;
  if (ka.length === 1) return rawEqual(a[ka[0]!], b[ka[0]!], fuzzy);
  for (let i = ka.length - 1; i >= 0; i--) if (!rawEqual(a[ka[i]!], b[ka[i]!], fuzzy)) return false;
  return typeof a === typeof b;
}

/** Equal values of the instance also compare their id/extensions (fhirpath.js does). */
function sameExt(v1: Item, v2: Item, fuzzy: boolean): boolean | undefined {
  return fuzzy || !(v1 instanceof Node) || !(v2 instanceof Node) || rawEqual(v1.x, v2.x, false);
}

/** deepEqual on two collection items; undefined = "cannot tell" (empty). */
export function itemEqual(v1: Item, v2: Item, fuzzy: boolean): boolean | undefined {
  const a = conv(v1);
  const b = conv(v2);
  const ta = typeof a;
  const tb = typeof b;
  const fa = isTemporal(a);
  const fb = isTemporal(b);
  if (fa && fb) {
    if (fuzzy) throw new NativeUnsupportedError('date/time equivalence');
    const r = a.equals(b);
    return r ? sameExt(v1, v2, fuzzy) : r;
  }
  if (fa || fb) {
    // fhirpath.js' decimals are objects too, and compare with dates asymmetrically
    if (ta === 'number' || tb === 'number') throw new NativeUnsupportedError('number compared with date/time');
    return false;
  }
  if (ta === 'number' && tb === 'number') {
    if (fuzzy) {
      if (!Number.isInteger(a) || !Number.isInteger(b)) throw new NativeUnsupportedError('decimal equivalence');
      return a === b;
    }
    return round8(a as number) === round8(b as number) ? sameExt(v1, v2, fuzzy) : false;
  }
  if (fuzzy && (ta === 'number' || tb === 'number')) throw new NativeUnsupportedError('number equivalence');
  if (a === b) return sameExt(v1, v2, fuzzy);
  if (ta === 'number' || tb === 'number') return false;
  return rawEqual(a, b, fuzzy);
}

/**
 * `=` / `~` between two collections (deepEqual on arrays). fhirpath.js answers true at
 * once when both sides are the very same array, which happens for `$this = $this` only
 * (`sameArray`); here remembered subexpressions can share arrays too, so identity alone proves nothing.
 */
export function collEqual(a: Coll, b: Coll, fuzzy: boolean, sameArray: boolean): boolean | undefined {
  if (sameArray && a === b) return true;
  if (a.length !== b.length) return false;
  if (a.length === 1) return itemEqual(a[0]!, b[0]!, fuzzy);
  for (let i = 0; i < a.length; i++) if (!itemEqual(a[i]!, b[i]!, fuzzy)) return false;
  return true;
}
