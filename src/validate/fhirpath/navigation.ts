/**
 * Child navigation (fhirpath.js' util.makeChildResNodes): the children of a node by name,
 * with choice elements (value[x]) and `_name` siblings resolved on fhirpath.js' own R4 model.
 */
import { NativeUnsupportedError } from './env.js';
import * as model from './model.js';
import { hasOwn, isSome, mkNode, prop, type Item, type Obj } from './nodes.js';

// read once: imported bindings cost a getter call per access under some loaders (vitest, tsx)
const { fpTypes, r4Model } = model;
const { path2Type, path2TypeWithoutElements, pathsDefinedElsewhere, choiceTypePaths } = r4Model;

interface Slot {
  key: string;
  ukey: string;
  path: string | null;
  type: string | null;
}
export interface ChildInfo {
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

export function childInfo(parentPath: string | null, key: string): ChildInfo {
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
let decimalProps: Set<string> | undefined;
function decimalPropsOf(): Set<string> {
  if (decimalProps) return decimalProps;
  decimalProps = new Set<string>();
  for (let o: object | null = fpTypes().FP_Decimal_Native.getDecimal(1) as object; o; o = Object.getPrototypeOf(o)) {
    for (const k of Object.getOwnPropertyNames(o)) decimalProps.add(k);
  }
  return decimalProps;
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
  if (typeof d === 'number' && (decimalPropsOf().has(s.key) || decimalPropsOf().has(s.ukey))) throw new NativeUnsupportedError('navigation into a number');
  locV = prop(d, s.key);
  locE = prop(d, s.ukey);
  if (locV === undefined && locE === undefined) locV = prop(x, s.key);
  return true;
}

export function pushChildren(d: unknown, x: unknown, info: ChildInfo, out: Item[]): void {
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
export function countChildren(d: unknown, x: unknown, info: ChildInfo): number {
  return locate(d, x, info) ? countOf(locV, locE) : 0;
}

/** engine.children for one node: pushed to `out`, or only counted when `out` is null. */
export function childrenOf(d: unknown, x: unknown, p: string | null, out: Item[] | null): number {
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
