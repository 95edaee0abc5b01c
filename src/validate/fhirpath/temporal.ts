/**
 * Ordering `<` `>` `<=` `>=`, dates and times included: fhirpath.js' date/time classes,
 * with a textual shortcut for the common case of two values written to the same precision.
 */
import { FhirPathError, NativeUnsupportedError } from './env.js';
import { conv, isTemporal, round8 } from './data.js';
import type { FpTemporal } from './model.js';
import { EMPTY, Node, bool, type Coll, type Item } from './nodes.js';

function classOf(v: unknown): string {
  if (isTemporal(v)) return 'FP';
  const t = typeof v;
  if (t === 'number') return 'num';
  if (t === 'string') return 'str';
  if (t === 'boolean') return 'bool';
  return 'obj:' + ((v as object).constructor?.name ?? '');
}

/**
 * Whether fhirpath.js' date arithmetic can be trusted to be monotonic in this process:
 * it builds dates in local time and then corrects the offset, which a DST change can skew.
 */
const STEADY_ZONE = [2020, 2030].every((y) => new Date(y, 0, 1).getTimezoneOffset() === new Date(y, 6, 1).getTimezoneOffset());
const DATE_TIME = /^[1-9]\d{3}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])T(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d(?:\.\d+)?(?:Z|[+-](?:(?:0\d|1[0-3]):[0-5]\d|14:00))$/;
const DAYS = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

const digit = (s: string, i: number): number => {
  const c = s.charCodeAt(i) - 48;
  return c >= 0 && c <= 9 ? c : NaN;
};

/**
 * Checks a YYYY, YYYY-MM or YYYY-MM-DD prefix of `s` (`len` characters) as fhirpath.js
 * would accept it, day of month included; years below 1000 are left to fhirpath.js
 * (JavaScript's Date reads years 0-99 as 1900-1999).
 */
function plainDate(s: string, len: number): boolean {
  const y = digit(s, 0) * 1000 + digit(s, 1) * 100 + digit(s, 2) * 10 + digit(s, 3);
  if (!(y >= 1000)) return false;
  if (len === 4) return true;
  if (s.charCodeAt(4) !== 45 /* - */) return false;
  const m = digit(s, 5) * 10 + digit(s, 6);
  if (!(m >= 1 && m <= 12)) return false;
  if (len === 7) return true;
  if (len !== 10 || s.charCodeAt(7) !== 45) return false;
  const d = digit(s, 8) * 10 + digit(s, 9);
  const leap = y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
  return d >= 1 && d <= (m === 2 && !leap ? 28 : DAYS[m - 1]!);
}

const tzOf = (s: string): string => (s.endsWith('Z') ? 'Z' : s.slice(-6));

/**
 * Two dates/dateTimes written to the same precision (and, with a time, the same zone)
 * compare as their text does: the common case, without building fhirpath.js' date objects.
 * Undefined when the shortcut does not apply.
 */
function quickTemporalCompare(i: Item, j: Item): number | undefined {
  if (!(i instanceof Node) || !(j instanceof Node)) return undefined;
  const a = i.d;
  const b = j.d;
  if (typeof a !== 'string' || typeof b !== 'string' || a.length !== b.length) return undefined;
  const pa = i.p;
  const pb = j.p;
  if ((pa !== 'date' && pa !== 'dateTime' && pa !== 'instant') || (pb !== 'date' && pb !== 'dateTime' && pb !== 'instant')) return undefined;
  const len = a.length;
  if (len <= 10) {
    if (pa === 'instant' || pb === 'instant' || !plainDate(a, len) || !plainDate(b, len)) return undefined;
  } else if (!STEADY_ZONE || pa === 'date' || pb === 'date' || !DATE_TIME.test(a) || !DATE_TIME.test(b) || tzOf(a) !== tzOf(b) || !plainDate(a, 10) || !plainDate(b, 10)) {
    return undefined;
  }
  return a < b ? -1 : a > b ? 1 : 0;
}

/** `<` `>` `<=` `>=`: the sign of the comparison, or undefined for empty. */
export function compareColls(a: Coll, b: Coll, op: string): Coll {
  if (a.length === 0 || b.length === 0) return EMPTY;
  if (a.length !== 1 || b.length !== 1) throw new FhirPathError('Singleton was expected');
  const quick = quickTemporalCompare(a[0]!, b[0]!);
  if (quick !== undefined) return signTo(quick, op);
  const x = conv(a[0]!);
  const y = conv(b[0]!);
  if (x === null || x === undefined || y === null || y === undefined) return EMPTY;
  const cx = classOf(x);
  const cy = classOf(y);
  if (cx !== cy) {
    if ((cx === 'num' && cy === 'FP') || (cx === 'FP' && cy === 'num')) throw new NativeUnsupportedError('number compared with date/time');
    throw new FhirPathError(`Type of "${String(x)}" did not match type of "${String(y)}"`);
  }
  let c: number;
  if (cx === 'FP') {
    let r: number | null;
    try {
      r = (x as FpTemporal).compare(y);
    } catch (e) {
      throw new FhirPathError(e instanceof Error ? e.message : String(e));
    }
    if (r === null) return EMPTY;
    c = r;
  } else if (cx === 'num') {
    const rx = round8(x as number);
    const ry = round8(y as number);
    c = rx < ry ? -1 : rx > ry ? 1 : 0;
  } else {
    // strings, booleans and (oddly) objects: JavaScript's own operators, as fhirpath.js
    const xa = x as string;
    const ya = y as string;
    switch (op) {
      case '<':
        return bool(xa < ya);
      case '>':
        return bool(xa > ya);
      case '<=':
        return bool(xa <= ya);
      default:
        return bool(xa >= ya);
    }
  }
  return signTo(c, op);
}

function signTo(c: number, op: string): Coll {
  switch (op) {
    case '<':
      return bool(c < 0);
    case '>':
      return bool(c > 0);
    case '<=':
      return bool(c <= 0);
    default:
      return bool(c >= 0);
  }
}

