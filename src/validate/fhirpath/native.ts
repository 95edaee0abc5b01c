/**
 * A compiler from FHIRPath to JavaScript closures for the subset that FHIR invariants
 * use. The reference is fhirpath.js (what the fallback runs), not the FHIRPath spec:
 * wherever the two differ, this mirrors fhirpath.js, so that a native result is always
 * the result fhirpath.js would give (the equivalence test in native.test.ts checks
 * this on every core invariant). Known deliberate departures are listed in
 * `effectiveExpression` below.
 *
 * Model. Values are plain FHIR JSON. A value taken from the instance is a `Node`
 * carrying what fhirpath.js' ResourceNode carries: the data, the `_name` sibling
 * (id/extension of a primitive), the model path and the FHIR type. Choice elements,
 * `is`/`as`/`ofType`, date conversion and the like are therefore resolved with the
 * same model (fhirpath.js' own R4 model) and give the same answers. Literals and
 * computed values are bare strings, numbers and booleans.
 *
 * Three outcomes per evaluation: a result, a `FhirPathError` (fhirpath.js would throw
 * too: the expression is in error for this input), or a `NativeUnsupportedError`
 * (a rare runtime case the native code does not model, such as Quantity comparison:
 * evaluate with fhirpath.js instead; `compileInvariant` does so).
 */
import { compileRegex, UnsupportedRegex, type SafeRegex } from '../../model/regex.js';
import { parseFhirPath, type Ast } from './parser.js';
import * as model from './model.js';
import type { BaseInfo, FpTemporal } from './model.js';

/** Evaluation environment: %resource (the resource containing the node), %rootResource (the container of a contained resource, else same as resource), %context. */
export interface FhirPathEnv {
  resource: unknown;
  rootResource: unknown;
  context?: unknown;
  /**
   * What the validator can answer inside profile invariants (FHIR's FHIRPath functions, R4 FHIRPath
   * page §2.1.9.1.5): the resource a reference or canonical points at, whether a value conforms to
   * a profile, whether a code is in a value set (undefined: cannot tell).
   */
  resolve?(reference: string): unknown;
  conformsTo?(value: unknown, type: string | null, profile: string): boolean | undefined;
  memberOf?(value: unknown, type: string | null, valueSet: string): boolean | undefined;
}

/**
 * The outcome of an invariant, converted as the HL7 Java validator converts it
 * (FHIRPathEngine.convertToBoolean): a single boolean is itself; any other non-empty
 * result is `true`; an empty result is `undefined`, distinct from `false` so that the
 * caller decides (the Java validator counts it as a failure; see evaluate.ts).
 */
export type InvariantResult = boolean | undefined;

/** A compiled invariant. May throw FhirPathError or NativeUnsupportedError (see above). */
export type InvariantFn = (node: unknown, env: FhirPathEnv) => InvariantResult;

/** The `_name` sibling of a FHIR JSON primitive. */
export interface PrimitiveExt {
  id?: string;
  extension?: unknown[];
  [k: string]: unknown;
}

/** A primitive element passed as the node: its JSON value and its `_name` sibling. */
export interface PrimitiveNode {
  __primitive: unknown;
  __ext?: PrimitiveExt | null;
}

export function wrapPrimitive(value: unknown, ext?: PrimitiveExt | null): PrimitiveNode {
  return { __primitive: value, __ext: ext ?? null };
}

export function isPrimitiveNode(v: unknown): v is PrimitiveNode {
  return typeof v === 'object' && v !== null && '__primitive' in v;
}

/** The expression is in error for this input (fhirpath.js throws as well). */
export class FhirPathError extends Error {
  override name = 'FhirPathError';
}

/**
 * One evaluation went past its budget (items produced plus iteration steps): an expression
 * such as `select(%resource.descendants()).select(%resource.descendants())` grows with the cube
 * of the resource's size and would otherwise exhaust memory and kill the process.
 */
export class FhirPathTooCostlyError extends FhirPathError {
  override name = 'FhirPathTooCostlyError';
}

/** Items plus steps one evaluation may spend; far above what any published invariant needs on a 50 MB bundle. */
export const EVALUATION_BUDGET = 20_000_000;

/** The native evaluator does not model this case: evaluate with fhirpath.js. */
export class NativeUnsupportedError extends Error {
  override name = 'NativeUnsupportedError';
}

// read once: imported bindings cost a getter call per access under some loaders (vitest, tsx)
const { FHIR_TO_SYSTEM, PRIMITIVE_TYPE_NAMES, SYSTEM_TYPES, TEMPORAL_CLASS, baseInfoFor, fpContext, fpTypes, r4Model } = model;
const { path2Type, path2TypeWithoutElements, pathsDefinedElsewhere, choiceTypePaths, type2Parent, availableTypes } = r4Model;

// ---------------------------------------------------------------------------------
// Runtime values

type Obj = Record<string, unknown>;

/** An element of the instance: fhirpath.js' ResourceNode, minus what we never use. */
class Node {
  constructor(
    readonly d: unknown,
    readonly x: unknown,
    readonly p: string | null,
    readonly t: string | null,
  ) {}
}

type Item = Node | string | number | boolean;
type Coll = readonly Item[];

const EMPTY: Coll = Object.freeze([]) as Coll;
const TRUE: Coll = Object.freeze([true]) as Coll;
const FALSE: Coll = Object.freeze([false]) as Coll;
const bool = (b: boolean): Coll => (b ? TRUE : FALSE);

const hasOwn = (o: object, k: string): boolean => Object.hasOwn(o, k);

function mkNode(d: unknown, x: unknown, p: string | null, t: string | null): Node {
  // a resource (also a contained one) is typed by its resourceType, whatever the path said
  if (d !== null && typeof d === 'object') {
    const rt = (d as Obj).resourceType;
    if (rt) return new Node(d, x || null, rt as string, rt as string);
  }
  return new Node(d, x || null, p || null, t || null);
}

const asNode = (i: Item): Node => (i instanceof Node ? i : new Node(i, null, null, null));

const prop = (v: unknown, k: string): unknown => (v === null || v === undefined ? undefined : (v as Obj)[k]);

/** util.isSome: neither null/undefined nor an empty array. */
const isSome = (v: unknown): boolean => v !== null && v !== undefined && !(Array.isArray(v) && v.length === 0);

// ---------------------------------------------------------------------------------
// Child navigation (util.makeChildResNodes)

interface Slot {
  key: string;
  ukey: string;
  path: string | null;
  type: string | null;
}
interface ChildInfo {
  /** one slot, or one per type of a choice element, in the model's order */
  slots: Slot[];
  /** choice elements only: JSON key (valueString, _valueString...) -> slot index */
  index: Map<string, number> | null;
}

const childCache = new Map<string | null, Map<string, ChildInfo>>();

function slotFor(key: string, childPath: string | null): Slot {
  if (childPath === null) return { key, ukey: '_' + key, path: null, type: null };
  const type = path2Type[childPath];
  const path = path2TypeWithoutElements[childPath] || childPath;
  return { key, ukey: '_' + key, path, type: typeof type === 'string' ? type : null };
}

function childInfo(parentPath: string | null, key: string): ChildInfo {
  let m = childCache.get(parentPath);
  if (!m) childCache.set(parentPath, (m = new Map()));
  let info = m.get(key);
  if (info) return info;
  if (parentPath === null) {
    info = { slots: [slotFor(key, null)], index: null };
  } else {
    let childPath = parentPath + '.' + key;
    childPath = (hasOwn(pathsDefinedElsewhere, childPath) && pathsDefinedElsewhere[childPath]) || childPath;
    const choices = hasOwn(choiceTypePaths, childPath) ? choiceTypePaths[childPath] : undefined;
    if (choices) {
      const slots = choices.map((t) => slotFor(key + t, childPath + t));
      const index = new Map<string, number>();
      slots.forEach((sl, i) => (index.set(sl.key, i), index.set(sl.ukey, i)));
      info = { slots, index };
    } else {
      info = { slots: [slotFor(key, key === 'extension' ? 'Extension' : childPath)], index: null };
    }
  }
  m.set(key, info);
  return info;
}

let choiceIndex: Map<string, Set<string>> | undefined;
/** Names under `parentPath` that are choice elements (most paths have none). */
function choiceNames(parentPath: string | null): Set<string> | undefined {
  if (parentPath === null) return undefined;
  if (!choiceIndex) {
    choiceIndex = new Map();
    const add = (childPath: string): void => {
      const dot = childPath.lastIndexOf('.');
      const parent = childPath.slice(0, dot);
      let set = choiceIndex!.get(parent);
      if (!set) choiceIndex!.set(parent, (set = new Set()));
      set.add(childPath.slice(dot + 1));
    };
    for (const k of Object.keys(choiceTypePaths)) add(k);
    for (const [k, v] of Object.entries(pathsDefinedElsewhere)) if (hasOwn(choiceTypePaths, v)) add(k);
  }
  return choiceIndex.get(parentPath);
}

/** What navigating into a number finds in fhirpath.js, where numbers are FP_Decimal objects. */
const DECIMAL_PROPS = new Set<string>();
for (let o: object | null = fpTypes.FP_Decimal_Native.getDecimal(1) as object; o; o = Object.getPrototypeOf(o)) {
  for (const k of Object.getOwnPropertyNames(o)) DECIMAL_PROPS.add(k);
}

// locate() results: module scratch rather than an object per call, as this is the hottest path
let locV: unknown;
let locE: unknown;
let locS: Slot;

/** Finds the JSON value, its `_` sibling and the slot of a child; false when there is none. */
function locate(d: unknown, x: unknown, info: ChildInfo): boolean {
  const index = info.index;
  if (index) {
    if (typeof d !== 'object' || d === null) return false;
    // the first of the model's types that is present wins, as in fhirpath.js
    let best = -1;
    for (const k in d) {
      const i = index.get(k);
      if (i !== undefined && (best < 0 || i < best)) best = i;
    }
    if (best < 0) return false;
    locS = info.slots[best]!;
    locV = (d as Obj)[locS.key];
    locE = (d as Obj)[locS.ukey];
    return true;
  }
  const s = info.slots[0]!;
  locS = s;
  if (typeof d === 'number' && (DECIMAL_PROPS.has(s.key) || DECIMAL_PROPS.has(s.ukey))) throw new NativeUnsupportedError('navigation into a number');
  locV = prop(d, s.key);
  locE = prop(d, s.ukey);
  if (locV === undefined && locE === undefined) locV = prop(x, s.key);
  return true;
}

function pushChildren(d: unknown, x: unknown, info: ChildInfo, out: Item[]): void {
  if (!locate(d, x, info)) return;
  const v = locV;
  const e = locE;
  const s = locS;
  if (!isSome(v) && !isSome(e)) return;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) out.push(mkNode(v[i], e ? (e as Obj)[i] : undefined, s.path, s.type));
    const el = ((e as { length?: number } | null | undefined)?.length as number) || 0;
    for (let i = v.length; i < el; i++) out.push(mkNode(null, (e as Obj)[i], s.path, s.type));
  } else if ((v === null || v === undefined) && Array.isArray(e)) {
    for (let i = 0; i < e.length; i++) out.push(mkNode(null, e[i], s.path, s.type));
  } else {
    out.push(mkNode(v, e, s.path, s.type));
  }
}

/** How many items a value and its `_` sibling make. */
function countOf(v: unknown, e: unknown): number {
  if (!isSome(v) && !isSome(e)) return 0;
  if (Array.isArray(v)) {
    const el = ((e as { length?: number } | null | undefined)?.length as number) || 0;
    return el > v.length ? el : v.length;
  }
  if ((v === null || v === undefined) && Array.isArray(e)) return e.length;
  return 1;
}

/** How many items pushChildren would produce, without producing them. */
function countChildren(d: unknown, x: unknown, info: ChildInfo): number {
  return locate(d, x, info) ? countOf(locV, locE) : 0;
}

/** engine.children for one node: pushed to `out`, or only counted when `out` is null. */
function childrenOf(d: unknown, x: unknown, p: string | null, out: Item[] | null): number {
  let count = 0;
  if (typeof d === 'object' && d !== null) {
    const choices = choiceNames(p);
    for (const k in d) {
      let name = k;
      if (k.charCodeAt(0) === 95 /* _ */) {
        name = k.slice(1);
        if (hasOwn(d, name)) continue;
      } else if (k === 'resourceType') continue;
      if (out) pushChildren(d, x, childInfo(p, name), out);
      else if (choices?.has(name)) count += countChildren(d, x, childInfo(p, name));
      else if (name !== k) count += countOf(undefined, (d as Obj)[k]); // `_name` alone
      else {
        const v = (d as Obj)[k];
        // a single value counts once whatever its `_` sibling holds
        count += v !== null && v !== undefined && !Array.isArray(v) ? 1 : countOf(v, (d as Obj)['_' + k]);
      }
    }
  } else if (typeof x === 'object' && x !== null && typeof d !== 'number') {
    // numbers are FP_Decimal objects in fhirpath.js, which it never looks into
    for (const k in x) {
      if (out) pushChildren(d, x, childInfo(p, k), out);
      else count += countChildren(d, x, childInfo(p, k));
    }
  }
  return count;
}

// ---------------------------------------------------------------------------------
// Types (TypeInfo)

interface TypeSpec {
  ns: 'FHIR' | 'System' | undefined;
  name: string;
}

/** A node's type, with what the hot paths ask of it precomputed. */
interface TypeFacts extends TypeSpec {
  ns: 'FHIR' | 'System';
  /** TypeInfo.isPrimitiveValue */
  primitive: boolean;
  /** FHIR types: the type and its ancestors (TypeInfo.isType) */
  ancestors: Set<string> | null;
}

const factsCache = new Map<string, TypeFacts>();

function facts(ns: 'FHIR' | 'System', name: string): TypeFacts {
  const k = ns + '.' + name;
  let f = factsCache.get(k);
  if (!f) {
    let ancestors: Set<string> | null = null;
    if (ns === 'FHIR') {
      ancestors = new Set();
      for (let t: string | undefined = name; t; t = type2Parent[t]) ancestors.add(t);
    }
    f = { ns, name, primitive: PRIMITIVE_TYPE_NAMES.has(name), ancestors };
    factsCache.set(k, f);
  }
  return f;
}

/** fhirNodeDataType -> type */
const nodeTypeCache = new Map<string, TypeFacts>();
function factsOfNodeType(t: string): TypeFacts {
  let f = nodeTypeCache.get(t);
  if (!f) nodeTypeCache.set(t, (f = t.startsWith('System.') ? facts('System', t.slice(7)) : facts('FHIR', t)));
  return f;
}

const SYS_INTEGER = facts('System', 'Integer');
const SYS_DECIMAL = facts('System', 'Decimal');
const SYS_STRING = facts('System', 'String');
const SYS_BOOLEAN = facts('System', 'Boolean');
const SYS_OBJECT = facts('System', 'Object');

/** TypeInfo.createByValueInSystemNamespace */
function factsOfValue(v: unknown): TypeFacts {
  switch (typeof v) {
    case 'string':
      return SYS_STRING;
    case 'boolean':
      return SYS_BOOLEAN;
    case 'number':
      return Number.isInteger(v) ? SYS_INTEGER : SYS_DECIMAL;
    case 'object':
      return SYS_OBJECT;
    default: {
      const name = typeof v;
      return facts('System', name.charAt(0).toUpperCase() + name.slice(1));
    }
  }
}

function typeOf(i: Item): TypeFacts {
  if (i instanceof Node) return i.t ? factsOfNodeType(i.t) : factsOfValue(i.d);
  return factsOfValue(i);
}

function typeIs(ti: TypeFacts, spec: TypeSpec): boolean {
  if (spec.ns && ti.ns !== spec.ns) return false;
  return ti.ancestors ? ti.ancestors.has(spec.name) : ti.name === spec.name;
}

function convertibleTo(ti: TypeFacts, spec: TypeSpec): boolean {
  if (ti.ns === 'FHIR' && spec.ns !== 'FHIR' && hasOwn(FHIR_TO_SYSTEM, ti.name) && FHIR_TO_SYSTEM[ti.name] === spec.name) return true;
  return typeIs(ti, spec);
}

function isPrimitiveValue(i: Item): boolean {
  return i instanceof Node ? typeOf(i).primitive : true;
}

/** Parses and validates a type specifier; undefined when fhirpath.js would reject it. */
function typeSpec(text: string): TypeSpec | undefined {
  const parts = text.split('.');
  let ns: string | undefined;
  let name: string;
  if (parts.length === 2) [ns, name] = parts as [string, string];
  else if (parts.length === 1) name = parts[0]!;
  else return undefined;
  const valid =
    ns === 'System' ? SYSTEM_TYPES.has(name) : ns === 'FHIR' ? availableTypes.has(name) : ns === undefined ? SYSTEM_TYPES.has(name) || availableTypes.has(name) : false;
  return valid ? { ns: ns as TypeSpec['ns'], name } : undefined;
}

// ---------------------------------------------------------------------------------
// Values, equality and comparison (equality.js, deep-equal.js)

const UCUM = 'http://unitsofmeasure.org';
const FPType = fpTypes.FP_Type;

/** util.valData */
const valData = (i: Item): unknown => (i instanceof Node ? i.d : i);

/** util.valDataConverted; numbers stay JS numbers (fhirpath.js' FP_Decimal behaves alike here). */
function conv(i: Item): unknown {
  if (!(i instanceof Node)) return i;
  const d = i.d;
  if (d === null || d === undefined || i.p === null) return d;
  const cls = hasOwn(TEMPORAL_CLASS, i.p) ? TEMPORAL_CLASS[i.p] : undefined;
  if (cls) {
    try {
      return cls.checkString(fpContext, d) || d;
    } catch (e) {
      // fhirpath.js fails the same way on a non-string date (it calls .match on it)
      throw new FhirPathError(e instanceof Error ? e.message : String(e));
    }
  }
  if (typeof d === 'object' && facts('FHIR', i.p).ancestors!.has('Quantity')) {
    const q = d as Obj;
    if (q.system === UCUM && typeof q.value === 'number' && typeof q.code === 'string') throw new NativeUnsupportedError('Quantity value');
  }
  return d;
}

const isTemporal = (v: unknown): v is FpTemporal => v instanceof FPType;

/** numbers.roundToMaxPrecision */
const round8 = (x: number): number => Math.round(x / 1e-8) * 1e-8;

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
function rawEqual(a: unknown, b: unknown, fuzzy: boolean): boolean | undefined {
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
function itemEqual(v1: Item, v2: Item, fuzzy: boolean): boolean | undefined {
  const n1 = v1 instanceof Node;
  const n2 = v2 instanceof Node;
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
function collEqual(a: Coll, b: Coll, fuzzy: boolean, sameArray: boolean): boolean | undefined {
  if (sameArray && a === b) return true;
  if (a.length !== b.length) return false;
  if (a.length === 1) return itemEqual(a[0]!, b[0]!, fuzzy);
  for (let i = 0; i < a.length; i++) if (!itemEqual(a[i]!, b[i]!, fuzzy)) return false;
  return true;
}

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
function distinct(x: Coll, hasPrimitive?: boolean): Item[] {
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
function memberOf(i: Item, coll: Coll): boolean {
  for (const j of coll) if (itemEqual(i, j, false)) return true;
  return false;
}

function intersect(a: Coll, b: Coll): Item[] {
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

function exclude(a: Coll, b: Coll): Coll {
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
function compareColls(a: Coll, b: Coll, op: string): Coll {
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

// ---------------------------------------------------------------------------------
// Singleton conversions (misc.singleton)

function single(coll: Coll, what: string): Item | undefined {
  if (coll.length > 1) throw new FhirPathError(`Unexpected collection; expected singleton of type ${what}`);
  if (coll.length === 0) return undefined;
  const v = valData(coll[0]!);
  return v === null || v === undefined ? undefined : coll[0];
}

/** true | false | undefined (empty) */
function singleBoolean(coll: Coll): boolean | undefined {
  const i = single(coll, 'Boolean');
  if (i === undefined) return undefined;
  const v = valData(i);
  return v === true || v === false ? v : true;
}

function singleString(coll: Coll): string | undefined {
  const i = single(coll, 'String');
  if (i === undefined) return undefined;
  const v = valData(i);
  if (typeof v !== 'string') throw new FhirPathError('Expected string');
  return v;
}

function singleInteger(coll: Coll): number | undefined {
  const i = single(coll, 'Integer');
  if (i === undefined) return undefined;
  const v = valData(i);
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new FhirPathError('Expected integer');
  return v;
}

/** util.isTrue on a criterion result */
function isTrue(r: Coll): boolean {
  return r.length === 1 && valData(r[0]!) === true;
}

/** Truthiness of a where() criterion: fhirpath.js tests its first item with JavaScript truthiness. */
function criterionHolds(r: Coll): boolean {
  if (r.length === 0) return false;
  const f = r[0]!;
  if (f instanceof Node) return true;
  if (typeof f === 'number') {
    // fhirpath.js' decimals are objects (always truthy), its counts are not: ambiguous at 0
    if (f === 0) throw new NativeUnsupportedError('number as criterion');
    return true;
  }
  return Boolean(f);
}

// ---------------------------------------------------------------------------------
// Compiler

interface Ctx {
  /** $this (or the root): what a term is evaluated against */
  focus: Coll;
  readonly root: Coll;
  readonly env: FhirPathEnv;
  readonly node: unknown;
  /** per-evaluation results of subexpressions computed once (see Compiler.compile) */
  readonly memo: (Coll | undefined)[] | null;
  resource: Coll | undefined;
  rootResource: Coll | undefined;
  context: Coll | undefined;
  /** items made and steps taken so far in this evaluation (see EVALUATION_BUDGET) */
  spent: number;
}

/** Count `n` items or steps against the evaluation's budget. */
function spend(c: Ctx, n: number): void {
  c.spent += n;
  if (c.spent > EVALUATION_BUDGET) {
    throw new FhirPathTooCostlyError(`evaluation stopped after ${EVALUATION_BUDGET} items and steps: the expression's cost grows too fast with this resource's size`);
  }
}

function newCtx(rootNode: Node, env: FhirPathEnv, node: unknown, slots: number): Ctx {
  const root: Coll = [rootNode];
  // every field set here, so that all contexts share one shape
  return { focus: root, root, env, node, memo: slots ? new Array<Coll | undefined>(slots) : null, resource: undefined, rootResource: undefined, context: undefined, spent: 0 };
}

type Fn = (c: Ctx) => Coll;

interface Compiled {
  fn: Fn;
  /** may throw (an error, or NativeUnsupportedError): must be evaluated even when its result cannot matter */
  throws: boolean;
  /** at most one item */
  single: boolean;
  /** depends on $this (otherwise its value is fixed for one evaluation) */
  dep: boolean;
  /** not worth remembering */
  cheap?: boolean;
  /** yields booleans (or nothing) only */
  bool?: boolean;
  /** member navigation only: the number of items, without making them */
  count?: (c: Ctx) => number;
}

class Decline extends Error {}
const decline = (why: string): never => {
  throw new Decline(why);
};

const TYPE_NAMES = (name: string): boolean => SYSTEM_TYPES.has(name) || availableTypes.has(name);

/** Runs `body` with `focus` as $this. */
function withFocus(c: Ctx, focus: Coll, body: Fn): Coll {
  spend(c, 1);
  const saved = c.focus;
  c.focus = focus;
  try {
    return body(c);
  } finally {
    c.focus = saved;
  }
}

/** An external constant's value as fhirpath.js turns it into a collection. */
function varColl(v: unknown): Coll {
  if (v === null || v === undefined) return EMPTY;
  if (!Array.isArray(v)) return [varItem(v)];
  const out: Item[] = [];
  for (const i of v) out.push(varItem(i));
  return out;
}

function varItem(i: unknown): Item {
  return typeof i === 'object' && i !== null ? mkNode(i, null, null, null) : (i as Item);
}

function rootOf(node: unknown, base: BaseInfo): Node {
  if (isPrimitiveNode(node)) return mkNode(node.__primitive, node.__ext ?? null, base.path, base.type);
  return mkNode(node, null, base.path, base.type);
}

const constant = (v: Item): Compiled => {
  const c: Coll = [v];
  return { fn: () => c, throws: false, single: true, dep: false, cheap: true, bool: typeof v === 'boolean' };
};

/** Functions whose argument is evaluated once per input item. */
const ITERATING = new Set(['where', 'select', 'exists', 'all']);

class Compiler {
  private iterDepth = 0;
  /** > 0 inside arguments evaluated against something else than the root (items, iif's input) */
  private focusDepth = 0;
  memoSlots = 0;
  /** memo slot by subexpression text: dom-3 repeats `%resource.descendants()` four times */
  private readonly slotOf = new Map<string, number>();
  /** how often each subexpression occurs */
  private readonly occurrences = new Map<string, number>();

  constructor(root: Ast) {
    const visit = (a: unknown): void => {
      if (!a || typeof a !== 'object') return;
      if (Array.isArray(a)) return a.forEach(visit);
      if ('k' in a) {
        const t = JSON.stringify(a);
        this.occurrences.set(t, (this.occurrences.get(t) ?? 0) + 1);
      }
      Object.values(a).forEach(visit);
    };
    visit(root);
  }

  compile(a: Ast): Compiled {
    const r = this.node(a);
    if (r.cheap) return r;
    const text = JSON.stringify(a);
    // Computed once per evaluation: inside where()/select()/..., what ignores $this
    // (`%resource.descendants()`, which would be recomputed for every item); at the root,
    // what the expression repeats (per-1 reads `start` and `end` twice).
    const remember = (this.iterDepth > 0 && !r.dep) || (this.focusDepth === 0 && (this.occurrences.get(text) ?? 0) > 1);
    if (!remember) return r;
    let slot = this.slotOf.get(text);
    if (slot === undefined) this.slotOf.set(text, (slot = this.memoSlots++));
    const f = r.fn;
    const at = slot;
    return {
      ...r,
      fn: (c) => {
        const m = c.memo!;
        let v = m[at];
        if (v === undefined) m[at] = v = f(c);
        return v;
      },
    };
  }

  /** Compiles an argument evaluated against each input item, or against the input as a whole. */
  private nested(a: Ast, perItem: boolean): Compiled {
    this.focusDepth++;
    if (perItem) this.iterDepth++;
    try {
      return this.compile(a);
    } finally {
      this.focusDepth--;
      if (perItem) this.iterDepth--;
    }
  }

  private node(a: Ast): Compiled {
    switch (a.k) {
      case 'lit':
        if (typeof a.value === 'number' && String(a.value) !== a.text) decline('number literal not in canonical form');
        return constant(a.value);
      case 'empty':
        return { fn: () => EMPTY, throws: false, single: true, dep: false, cheap: true };
      case 'this':
        return { fn: (c) => c.focus, throws: false, single: false, dep: true, cheap: true };
      case 'var':
        return this.variable(a.name);
      case 'member':
        return this.member(a.name, a.atRoot, a.base);
      case 'fn':
        return this.fn(a.name, a.args, a.base);
      case 'bin':
        return this.binary(a.op, a.l, a.r);
      case 'type': {
        const spec = typeSpec(a.type) ?? decline('unknown type ' + a.type);
        const l = this.compile(a.l);
        return a.op === 'is' ? this.isFn(l, spec) : this.asFn(l, spec);
      }
      case 'neg': {
        if (a.e.k !== 'lit' || typeof a.e.value !== 'number') return decline('polarity');
        const v = a.op === '-' ? -a.e.value : a.e.value;
        if (String(v) !== (a.op === '-' ? '-' : '') + a.e.text) decline('number literal not in canonical form');
        return constant(v);
      }
      case 'idx': {
        if (a.index.k !== 'lit' || typeof a.index.value !== 'number' || !Number.isInteger(a.index.value)) return decline('indexer');
        const idx = a.index.value;
        const base = this.compile(a.base);
        return {
          fn: (c) => {
            const coll = base.fn(c);
            return idx >= 0 && coll.length > idx ? [coll[idx]!] : EMPTY;
          },
          throws: base.throws,
          single: true,
          dep: base.dep,
        };
      }
      default:
        return decline(a.k);
    }
  }

  private variable(name: string): Compiled {
    switch (name) {
      case 'ucum':
        return constant(UCUM);
      case 'resource':
        return { fn: (c) => (c.resource ??= varColl(c.env.resource)), throws: false, single: false, dep: false, cheap: true };
      case 'rootResource':
        return { fn: (c) => (c.rootResource ??= varColl(c.env.rootResource)), throws: false, single: false, dep: false, cheap: true };
      case 'context':
        return {
          fn: (c) => (c.context ??= c.env.context === undefined || c.env.context === c.node ? c.root : varColl(c.env.context)),
          throws: false,
          single: false,
          dep: false,
          cheap: true,
        };
      default:
        return decline('%' + name);
    }
  }

  private member(name: string, atRoot: 0 | 1 | 2, baseAst: Ast | undefined): Compiled {
    const base = baseAst ? this.compile(baseAst) : undefined;
    const checkType = TYPE_NAMES(name) && atRoot !== 0;
    const spec: TypeSpec = { ns: undefined, name };
    let lastPath: string | null | undefined;
    let lastInfo: ChildInfo | undefined;
    const info = (p: string | null): ChildInfo => {
      if (p !== lastPath || !lastInfo) {
        lastPath = p;
        lastInfo = childInfo(p, name);
      }
      return lastInfo;
    };
    /** fhirpath.js' quirks: a resource of that type, or (at the root) a node of that type, is itself selected */
    const selectsSelf = (c: Ctx, n: Node): boolean => {
      const d = n.d;
      if (typeof d === 'object' && d !== null && (d as Obj).resourceType === name) return true;
      return checkType && (atRoot === 1 || c.focus === c.root || (c.focus.length === 1 && c.focus[0] === c.root[0])) && typeIs(typeOf(n), spec);
    };
    const fn: Fn = (c) => {
      const input = base ? base.fn(c) : c.focus;
      let out: Item[] | undefined;
      for (let k = 0; k < input.length; k++) {
        const n = asNode(input[k]!);
        if (selectsSelf(c, n)) (out ??= []).push(n);
        else pushChildren(n.d, n.x, info(n.p), (out ??= []));
      }
      return out && out.length ? out : EMPTY;
    };
    const count = (c: Ctx): number => {
      const input = base ? base.fn(c) : c.focus;
      let total = 0;
      for (let k = 0; k < input.length; k++) {
        const n = asNode(input[k]!);
        total += selectsSelf(c, n) ? 1 : countChildren(n.d, n.x, info(n.p));
      }
      return total;
    };
    return { fn, count, throws: base?.throws ?? false, single: false, dep: base ? base.dep : true };
  }

  private arity(name: string, args: Ast[], ...allowed: number[]): void {
    if (!allowed.includes(args.length)) decline(`${name}() with ${args.length} arguments`);
  }

  private typeParam(a: Ast): TypeSpec {
    let text: string | undefined;
    if (a.k === 'member' && !a.base) text = a.name;
    else if (a.k === 'member' && a.base && a.base.k === 'member' && !a.base.base) text = a.base.name + '.' + a.name;
    return (text !== undefined ? typeSpec(text) : undefined) ?? decline('type parameter');
  }

  private isFn(input: Compiled, spec: TypeSpec): Compiled {
    return {
      fn: (c) => {
        const coll = input.fn(c);
        if (coll.length === 0) return EMPTY;
        if (coll.length > 1) throw new FhirPathError("Expected singleton on left side of 'is'");
        return bool(typeIs(typeOf(coll[0]!), spec));
      },
      throws: input.throws || !input.single,
      single: true,
      dep: input.dep,
      bool: true,
    };
  }

  private asFn(input: Compiled, spec: TypeSpec): Compiled {
    return {
      fn: (c) => {
        const coll = input.fn(c);
        if (coll.length === 0) return EMPTY;
        if (coll.length > 1) throw new FhirPathError("Expected singleton on left side of 'as'");
        return typeIs(typeOf(coll[0]!), spec) ? coll : EMPTY;
      },
      throws: input.throws || !input.single,
      single: true,
      dep: input.dep,
    };
  }

  private fn(name: string, args: Ast[], baseAst: Ast | undefined): Compiled {
    const base = baseAst ? this.compile(baseAst) : undefined;
    const self: Compiled = base ?? { fn: (c) => c.focus, throws: false, single: false, dep: true };
    const input = self.fn;
    const deps: Compiled[] = [];
    /** an argument evaluated against the current $this, like the input */
    const param = (a: Ast): Compiled => {
      const p = this.compile(a);
      deps.push(p);
      return p;
    };
    /** an argument evaluated against each input item in turn */
    const perItem = (a: Ast): Compiled => this.nested(a, true);
    const r = (fn: Fn, throws: boolean, single: boolean, bool = false): Compiled => ({
      fn,
      throws: throws || self.throws,
      single,
      dep: self.dep || deps.some((d) => d.dep),
      bool,
    });
    if (ITERATING.has(name) && args.length !== 1 && !(name === 'exists' && args.length === 0)) decline(`${name}() with ${args.length} arguments`);

    switch (name) {
      case 'empty':
      case 'exists':
      case 'count': {
        this.arity(name, args, 0, name === 'exists' ? 1 : 0);
        if (args.length === 0) {
          // counting a navigation needs no nodes
          const n: (c: Ctx) => number = self.count ?? ((c) => input(c).length);
          if (name === 'count') return r((c) => [n(c)], false, true);
          const want = name === 'exists';
          return r((c) => bool(n(c) > 0 === want), false, true, true);
        }
        const crit = perItem(args[0]!);
        return r(
          (c) => {
            let found = false;
            for (const i of input(c)) {
              if (criterionHolds(withFocus(c, [i], crit.fn))) {
                found = true;
                if (!crit.throws) break;
              }
            }
            return bool(found);
          },
          crit.throws || !crit.bool,
          true,
          true,
        );
      }
      case 'where': {
        const crit = perItem(args[0]!);
        return r(
          (c) => {
            const coll = input(c);
            let out: Item[] | undefined;
            for (const i of coll) if (criterionHolds(withFocus(c, [i], crit.fn))) (out ??= []).push(i);
            return out ?? EMPTY;
          },
          crit.throws || !crit.bool,
          false,
        );
      }
      case 'select': {
        const proj = perItem(args[0]!);
        return r(
          (c) => {
            const out: Item[] = [];
            for (const i of input(c)) {
              const part = withFocus(c, [i], proj.fn);
              spend(c, part.length);
              for (const v of part) out.push(v);
            }
            return out;
          },
          proj.throws,
          false,
        );
      }
      case 'all': {
        const crit = perItem(args[0]!);
        return r(
          (c) => {
            for (const i of input(c)) if (!isTrue(withFocus(c, [i], crit.fn))) return FALSE;
            return TRUE;
          },
          crit.throws,
          true,
          true,
        );
      }
      case 'not':
        this.arity(name, args, 0);
        return r(
          (c) => {
            const b = singleBoolean(input(c));
            return b === undefined ? EMPTY : bool(!b);
          },
          !self.single,
          true,
          true,
        );
      case 'hasValue':
        this.arity(name, args, 0);
        return r(
          (c) => {
            const coll = input(c);
            if (coll.length !== 1) return FALSE;
            const v = valData(coll[0]!);
            return bool(v !== null && v !== undefined && isPrimitiveValue(coll[0]!));
          },
          false,
          true,
          true,
        );
      case 'first':
        this.arity(name, args, 0);
        return r(
          (c) => {
            const coll = input(c);
            return coll.length ? [coll[0]!] : EMPTY;
          },
          false,
          true,
        );
      case 'last':
        this.arity(name, args, 0);
        return r(
          (c) => {
            const coll = input(c);
            return coll.length ? [coll[coll.length - 1]!] : EMPTY;
          },
          false,
          true,
        );
      case 'tail':
        this.arity(name, args, 0);
        return r((c) => input(c).slice(1), false, false);
      case 'skip':
      case 'take': {
        this.arity(name, args, 1);
        const n = param(args[0]!);
        const take = name === 'take';
        return r(
          (c) => {
            const k = singleInteger(n.fn(c)) ?? 0;
            const coll = input(c);
            return take ? coll.slice(0, k) : coll.slice(k);
          },
          true,
          false,
        );
      }
      case 'single':
        this.arity(name, args, 0);
        return r(
          (c) => {
            const coll = input(c);
            if (coll.length > 1) throw new FhirPathError('Expected single');
            return coll;
          },
          true,
          true,
        );
      case 'distinct':
        this.arity(name, args, 0);
        return r((c) => distinct(input(c)), true, false);
      case 'isDistinct':
        this.arity(name, args, 0);
        return r(
          (c) => {
            const coll = input(c);
            return bool(coll.length === distinct(coll).length);
          },
          true,
          true,
          true,
        );
      case 'union':
      case 'combine':
      case 'intersect':
      case 'exclude': {
        this.arity(name, args, 1);
        const other = param(args[0]!);
        const op =
          name === 'union'
            ? (a: Coll, b: Coll): Coll => distinct(a.concat(b))
            : name === 'combine'
              ? (a: Coll, b: Coll): Coll => a.concat(b)
              : name === 'intersect'
                ? intersect
                : exclude;
        return r(
          (c) => {
            const a = input(c);
            const b = other.fn(c);
            spend(c, a.length + b.length);
            return op(a, b);
          },
          name !== 'combine' || other.throws,
          false,
        );
      }
      case 'ofType': {
        this.arity(name, args, 1);
        const spec = this.typeParam(args[0]!);
        return r(
          (c) => {
            let out: Item[] | undefined;
            for (const i of input(c)) if (convertibleTo(typeOf(i), spec)) (out ??= []).push(i);
            return out ?? EMPTY;
          },
          false,
          false,
        );
      }
      case 'is':
      case 'as': {
        this.arity(name, args, 1);
        const spec = this.typeParam(args[0]!);
        return name === 'is' ? this.isFn(self, spec) : this.asFn(self, spec);
      }
      case 'iif': {
        this.arity(name, args, 2, 3);
        // evaluated against the input collection as a whole
        const cond = this.nested(args[0]!, false);
        const yes = this.nested(args[1]!, false);
        const no = args[2] ? this.nested(args[2], false) : undefined;
        return r(
          (c) => {
            const coll = input(c);
            if (isTrue(withFocus(c, coll, cond.fn))) return withFocus(c, coll, yes.fn);
            return no ? withFocus(c, coll, no.fn) : EMPTY;
          },
          cond.throws || yes.throws || (no?.throws ?? false),
          yes.single && (no?.single ?? true),
        );
      }
      case 'trace': {
        this.arity(name, args, 1, 2);
        const label = param(args[0]!);
        const proj = args[1] ? this.nested(args[1], false) : undefined;
        return r(
          (c) => {
            const coll = input(c);
            singleString(label.fn(c));
            if (proj) withFocus(c, coll, proj.fn);
            return coll;
          },
          !(args[0]!.k === 'lit' && typeof args[0]!.value === 'string') || (proj?.throws ?? false),
          self.single,
        );
      }
      case 'children':
      case 'descendants': {
        this.arity(name, args, 0);
        const all = name === 'descendants';
        return r(
          (c) => {
            let level: Item[] = [];
            for (const i of input(c)) if (i instanceof Node) childrenOf(i.d, i.x, i.p, level);
            if (!all) return level;
            const out: Item[] = [];
            while (level.length) {
              spend(c, level.length);
              for (const i of level) out.push(i);
              const next: Item[] = [];
              for (const i of level) if (i instanceof Node) childrenOf(i.d, i.x, i.p, next);
              level = next;
            }
            return out;
          },
          false,
          false,
        );
      }
      case 'extension': {
        this.arity(name, args, 1);
        const url = param(args[0]!);
        return r(
          (c) => {
            const coll = input(c);
            const u = singleString(url.fn(c));
            if (!u) return EMPTY;
            const out: Item[] = [];
            for (const i of coll) {
              const n = asNode(i);
              const exts = prop(n.d, 'extension') || prop(n.x, 'extension');
              if (!exts) continue;
              if (!Array.isArray(exts)) throw new FhirPathError('extension is not an array');
              for (const e of exts) {
                if (e === null || e === undefined) throw new FhirPathError('null extension');
                if ((e as Obj).url === u) out.push(mkNode(e, null, 'Extension', 'Extension'));
              }
            }
            return out;
          },
          true,
          false,
        );
      }
      case 'allTrue':
      case 'anyTrue':
      case 'allFalse':
      case 'anyFalse': {
        this.arity(name, args, 0);
        const want = name === 'allTrue' || name === 'anyTrue';
        const every = name === 'allTrue' || name === 'allFalse';
        return r(
          (c) => {
            const coll = input(c);
            let rtn = every;
            for (let k = 0; k < coll.length && rtn === every; k++) {
              const v = valData(coll[k]!);
              if (typeof v !== 'boolean') throw new FhirPathError(`${name}: expected boolean`);
              rtn = v === want;
            }
            return bool(rtn);
          },
          true,
          true,
          true,
        );
      }
      case 'startsWith':
      case 'endsWith':
      case 'contains':
      case 'indexOf': {
        this.arity(name, args, 1);
        const arg = param(args[0]!);
        return r(
          (c) => {
            const s = singleString(input(c));
            const sub = singleString(arg.fn(c));
            if (sub === undefined || s === undefined) return EMPTY;
            if (name === 'indexOf') return [s.indexOf(sub)];
            return bool(name === 'startsWith' ? s.startsWith(sub) : name === 'endsWith' ? s.endsWith(sub) : s.includes(sub));
          },
          true,
          true,
          name !== 'indexOf',
        );
      }
      case 'matches': {
        this.arity(name, args, 1);
        const arg = param(args[0]!);
        return r(
          (c) => {
            const s = singleString(input(c));
            const re = singleString(arg.fn(c));
            if (re === undefined || s === undefined) return EMPTY;
            return bool(regex(re).find(s));
          },
          true,
          true,
          true,
        );
      }
      case 'replaceMatches': {
        this.arity(name, args, 2);
        const pat = param(args[0]!);
        const rep = param(args[1]!);
        return r(
          (c) => {
            const s = singleString(input(c));
            const re = singleString(pat.fn(c));
            const by = singleString(rep.fn(c));
            if (re === undefined || by === undefined || s === undefined) return EMPTY;
            return [regex(re, false).replaceAll(s, by)];
          },
          true,
          true,
        );
      }
      case 'substring': {
        this.arity(name, args, 1, 2);
        const start = param(args[0]!);
        const len = args[1] ? param(args[1]) : undefined;
        return r(
          (c) => {
            const s = singleString(input(c));
            const st = singleInteger(start.fn(c));
            const ln = len ? singleInteger(len.fn(c)) : undefined;
            if (s === undefined || st === undefined) return EMPTY;
            if (st < 0 || st >= s.length) return EMPTY;
            return [ln === undefined ? s.substring(st) : s.substring(st, st + ln)];
          },
          true,
          true,
        );
      }
      case 'lower':
      case 'upper':
      case 'trim':
      case 'length': {
        this.arity(name, args, 0);
        return r(
          (c) => {
            const s = singleString(input(c));
            if (s === undefined) return EMPTY;
            return [name === 'lower' ? s.toLowerCase() : name === 'upper' ? s.toUpperCase() : name === 'trim' ? s.trim() : s.length];
          },
          true,
          true,
        );
      }
      case 'toString':
        this.arity(name, args, 0);
        return r(
          (c) => {
            const coll = input(c);
            if (coll.length > 1) throw new FhirPathError('toString: the input collection contains multiple items');
            if (coll.length === 0) return EMPTY;
            const v = conv(coll[0]!);
            return v === null || v === undefined ? EMPTY : [String(v)];
          },
          true,
          true,
        );
      case 'toInteger':
        this.arity(name, args, 0);
        return r(
          (c) => {
            const coll = input(c);
            if (coll.length > 1) throw new FhirPathError('toInteger: the input collection contains multiple items');
            if (coll.length === 0) return EMPTY;
            const v = valData(coll[0]!);
            if (v === false) return [0];
            if (v === true) return [1];
            if (typeof v === 'number') return Number.isInteger(v) ? [v] : EMPTY;
            if (typeof v === 'string' && /^[+-]?\d+$/.test(v)) return [parseInt(v)];
            return EMPTY;
          },
          !self.single,
          true,
        );
      default:
        return decline(`function ${name}()`);
    }
  }

  private binary(op: string, la: Ast, ra: Ast): Compiled {
    if (op === 'and' || op === 'or' || op === 'xor' || op === 'implies') return this.logic(op, this.compile(la), this.compile(ra));
    const l = this.compile(la);
    const rr = this.compile(ra);
    const out = (fn: Fn, single = true, isBool = true): Compiled => ({ fn, throws: true, single, dep: l.dep || rr.dep, bool: isBool });
    switch (op) {
      case '=':
      case '!=': {
        const neg = op === '!=';
        const same = la.k === 'this' && ra.k === 'this';
        return out((c) => {
          const a = l.fn(c);
          const b = rr.fn(c);
          if (a.length === 0 || b.length === 0) return EMPTY;
          const eq = collEqual(a, b, false, same);
          return eq === undefined ? EMPTY : bool(neg ? !eq : eq);
        });
      }
      case '~':
      case '!~': {
        const neg = op === '!~';
        const same = la.k === 'this' && ra.k === 'this';
        return out((c) => {
          const a = l.fn(c);
          const eq = collEqual(a, rr.fn(c), true, same);
          return bool(neg ? !eq : Boolean(eq));
        });
      }
      case '<':
      case '>':
      case '<=':
      case '>=':
        return out((c) => {
          const a = l.fn(c);
          return compareColls(a, rr.fn(c), op);
        });
      case '|':
        return out((c) => {
          const a = l.fn(c);
          return distinct(a.concat(rr.fn(c)));
        }, false, false);
      case 'in':
      case 'contains': {
        const isIn = op === 'in';
        return out((c) => {
          const a = l.fn(c);
          const b = rr.fn(c);
          const coll = isIn ? b : a;
          const one = isIn ? a : b;
          if (one.length === 0) return EMPTY;
          if (coll.length === 0) return FALSE;
          if (one.length > 1) throw new FhirPathError(`Expected singleton on ${isIn ? 'left' : 'right'} side of ${op}`);
          for (const i of coll) if (itemEqual(i, one[0]!, false)) return TRUE;
          return FALSE;
        });
      }
      case '&':
        return out((c) => {
          const a = singleString(l.fn(c)) ?? '';
          return [a + (singleString(rr.fn(c)) ?? '')];
        }, true, false);
      case '+':
        return out((c) => {
          const a = l.fn(c);
          const b = rr.fn(c);
          if (a.length === 0 || b.length === 0) return EMPTY;
          if (a.length !== 1 || b.length !== 1) throw new FhirPathError('+ expects single operands');
          const x = conv(a[0]!);
          const y = conv(b[0]!);
          if (x === null || x === undefined || y === null || y === undefined) return EMPTY;
          if (typeof x === 'string' && typeof y === 'string') return [x + y];
          if (typeof x === 'number' && typeof y === 'number') return [x + y];
          throw new NativeUnsupportedError('+ on these operands');
        }, true, false);
      default:
        return decline('operator ' + op);
    }
  }

  private logic(op: 'and' | 'or' | 'xor' | 'implies', l: Compiled, rr: Compiled): Compiled {
    // both operands are evaluated, as in fhirpath.js, unless the right one cannot throw
    const rightMatters = rr.throws || !rr.single;
    const leftVal = (c: Ctx): boolean | undefined => singleBoolean(l.fn(c));
    const rightVal = (c: Ctx): boolean | undefined => singleBoolean(rr.fn(c));
    const done = (fn: Fn): Compiled => ({ fn, throws: l.throws || !l.single || rightMatters, single: true, dep: l.dep || rr.dep, bool: true });
    const out = (v: boolean | undefined): Coll => (v === undefined ? EMPTY : bool(v));
    switch (op) {
      case 'and':
        return done((c) => {
          const a = leftVal(c);
          if (a === false && !rightMatters) return FALSE;
          const b = rightVal(c);
          if (a === false || b === false) return FALSE;
          return out(a === undefined || b === undefined ? undefined : true);
        });
      case 'or':
        return done((c) => {
          const a = leftVal(c);
          if (a === true && !rightMatters) return TRUE;
          const b = rightVal(c);
          if (a === true || b === true) return TRUE;
          return out(a === undefined || b === undefined ? undefined : false);
        });
      case 'xor':
        return done((c) => {
          const a = leftVal(c);
          const b = rightVal(c);
          return out(a === undefined || b === undefined ? undefined : a !== b);
        });
      default:
        return done((c) => {
          const a = leftVal(c);
          if (a === false && !rightMatters) return TRUE;
          const b = rightVal(c);
          if (a === false) return TRUE;
          if (a === undefined) return b === true ? TRUE : EMPTY;
          return out(b);
        });
    }
  }
}

/** A profile's pattern on the linear-time engine (see model/regex.ts); one it cannot run is an evaluation error. */
function regex(source: string, dotAll = true): SafeRegex {
  const re = compileRegex(source, { dotAll });
  if (re instanceof UnsupportedRegex) throw new FhirPathError(re.message);
  return re;
}

/** The Java validator's pass/fail reading of a result collection (see InvariantResult). */
function toResult(coll: Coll): InvariantResult {
  let first: Item | undefined;
  let n = 0;
  for (const i of coll) {
    // fhirpath.js drops items without a value (a primitive with only extensions) from results
    if (i instanceof Node && (i.d === null || i.d === undefined)) continue;
    if (n === 0) first = i;
    n++;
  }
  if (n === 0) return undefined;
  if (n === 1) {
    const v = valData(first!);
    if (typeof v === 'boolean') return v;
  }
  return true;
}

// ---------------------------------------------------------------------------------
// Hand-written hot invariants: the same steps as the compiled form, without the collections

/** The root node's parts, without making the node. */
let rootD: unknown;
let rootX: unknown;
let rootP: string | null;
let rootF: TypeFacts;

function openRoot(node: unknown, base: BaseInfo, baseFacts: TypeFacts | null): void {
  let d: unknown;
  let x: unknown = null;
  if (isPrimitiveNode(node)) {
    d = node.__primitive;
    x = node.__ext || null;
  } else d = node;
  rootD = d;
  rootX = x;
  rootP = base.path;
  let f = baseFacts;
  if (typeof d === 'object' && d !== null) {
    const rt = (d as Obj).resourceType;
    if (rt) {
      rootP = rt as string;
      f = factsOfNodeType(rt as string);
    }
  }
  rootF = f ?? factsOfValue(d);
}

/** How many items a root-level name selects (see the member compiler for the quirks); `info` is for `infoPath`. */
function rootCount(name: string, spec: TypeSpec | null, info: ChildInfo, infoPath: string | null): number {
  const d = rootD;
  if (typeof d === 'object' && d !== null && (d as Obj).resourceType === name) return 1;
  if (spec && typeIs(rootF, spec)) return 1;
  return countChildren(d, rootX, rootP === infoPath ? info : childInfo(rootP, name));
}

/** ele-1: hasValue() or (children().count() > id.count()) */
function ele1(base: BaseInfo): InvariantFn {
  const baseFacts = base.type ? factsOfNodeType(base.type) : null;
  const idSpec: TypeSpec = { ns: undefined, name: 'id' };
  const idInfo = childInfo(base.path, 'id');
  return (node) => {
    openRoot(node, base, baseFacts);
    if (rootD !== null && rootD !== undefined && rootF.primitive) return true;
    return childrenOf(rootD, rootX, rootP, null) > rootCount('id', idSpec, idInfo, base.path);
  };
}

/** ext-1: extension.exists() != value.exists() */
function ext1(base: BaseInfo): InvariantFn {
  const baseFacts = base.type ? factsOfNodeType(base.type) : null;
  const extInfo = childInfo(base.path, 'extension');
  const valueInfo = childInfo(base.path, 'value');
  return (node) => {
    openRoot(node, base, baseFacts);
    return rootCount('extension', null, extInfo, base.path) > 0 !== rootCount('value', null, valueInfo, base.path) > 0;
  };
}

const HAND_WRITTEN: Record<string, (base: BaseInfo) => InvariantFn> = {
  'hasValue() or (children().count() > id.count())': ele1,
  'extension.exists() != value.exists()': ext1,
};

// ---------------------------------------------------------------------------------

/**
 * The expression actually evaluated for a constraint. One deliberate departure from
 * fhirpath.js: dom-3 (R4) reads `%resource.descendants().as(canonical)`, and `as()` on
 * more than one item is an error in fhirpath.js (and the FHIRPath spec), so dom-3 would
 * fail to evaluate on every resource with contained resources. The HL7 Java validator,
 * for which the invariant was written, filters there; so do we, by reading such `as()`
 * calls as `ofType()` (identical for FHIR type names). Both engines use this text.
 */
export function effectiveExpression(expression: string): string {
  return expression.includes('descendants().as(') ? expression.replaceAll('descendants().as(', 'descendants().ofType(') : expression;
}

/** Compile an expression natively, or return undefined when it uses anything outside the supported subset. Never throws. */
export function compileNative(expression: string, contextType?: string): InvariantFn | undefined {
  try {
    const base = baseInfoFor(contextType);
    const special = HAND_WRITTEN[expression];
    if (special) return special(base);
    const ast = parseFhirPath(effectiveExpression(expression));
    const compiler = new Compiler(ast);
    const { fn } = compiler.compile(ast);
    const slots = compiler.memoSlots;
    return (node, env) => toResult(fn(newCtx(rootOf(node, base), env, node, slots)));
  } catch {
    return undefined;
  }
}

/** Why an expression does not compile natively (for reports and tests); undefined when it does. */
export function nativeDeclineReason(expression: string, contextType?: string): string | undefined {
  try {
    baseInfoFor(contextType);
    if (HAND_WRITTEN[expression]) return undefined;
    const ast = parseFhirPath(effectiveExpression(expression));
    new Compiler(ast).compile(ast);
    return undefined;
  } catch (e) {
    return (e as Error).message || String(e);
  }
}

/** For tests: the full result collection of a natively compiled expression, values unwrapped (undefined when not compiled). */
export function compileNativeCollection(expression: string, contextType?: string): ((node: unknown, env: FhirPathEnv) => unknown[]) | undefined {
  try {
    const base = baseInfoFor(contextType);
    const ast = parseFhirPath(effectiveExpression(expression));
    const compiler = new Compiler(ast);
    const { fn } = compiler.compile(ast);
    const slots = compiler.memoSlots;
    return (node, env) => fn(newCtx(rootOf(node, base), env, node, slots)).map(valData);
  } catch {
    return undefined;
  }
}
