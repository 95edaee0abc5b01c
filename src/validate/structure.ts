/**
 * The structure of a complex value: its members against the children of every definition
 * that applies (unknown elements, JSON shape, choice types), cardinality per definition,
 * slicing, and the recursion into each member's values. Checks on the values themselves are
 * in values.ts and the check files; the validator's own entry points go through CheckContext.
 */
import type { ChildTable } from '../compile/compiler.js';
import { isPrimitiveCode, type ElementPlan, type TypeRef } from '../compile/plan.js';
import { editDistance } from '../model/text.js';
import { checkAttachment } from './attachment.js';
import { checkNarrativeLanguage } from './narrative-language.js';
import { checkSignatureData, isBundleSignature } from './signature.js';
import { checkBindings } from './bindings.js';
import { combinationOf, type Applied, type Combination, type MemberSlots } from './combination.js';
import { addApplied, jsonKind, Value, type CheckContext, type RunState } from './context.js';
import { checkExtension } from './extensions.js';
import { evaluateConstraints } from './invariants.js';
import { Loc } from './walk-path.js';
import { checkReference } from './references.js';
import { matchSlices } from './slicing.js';
import { checkObjectValues } from './values.js';

/**
 * Validate an object value (resource, datatype, backbone element, or a primitive's `_name`
 * companion when `primitiveExt` is set).
 */
export function validateComplex(
  ctx: CheckContext,
  st: RunState,
  obj: Record<string, unknown>,
  applied: Applied[],
  typeCode: string,
  loc: Loc,
  isResource: boolean,
  primitiveExt = false,
  combo: Combination = combinationOf(applied, typeCode),
): void {
  if (st.truncated) return;
  if (st.collect !== undefined && !primitiveExt && st.collect.has(typeCode)) {
    let values = st.collected.get(typeCode);
    if (!values) st.collected.set(typeCode, (values = new Map()));
    if (!values.has(obj)) values.set(obj, loc);
  }
  const tables = tablesOf(ctx, combo, applied, typeCode);
  const base = tables[0]!;
  // group the members by element: name → values (primitives carry their `_name` companion);
  // for-in rather than Object.keys: same own names in the same order, without a new array per object
  const members: Member[] = [];
  let keyCount = 0;
  for (const key in obj) {
    // (the hasOwnProperty call in a for-in is one V8 answers from the enumeration cache)
    if (!Object.prototype.hasOwnProperty.call(obj, key)) continue;
    keyCount++;
    if (isResource && key === 'resourceType') continue;
    if (primitiveExt && key === 'value') {
      // the twin of an XML <value> child (xml-attribute-expected): the primitive is at fault, located at the member
      const at = new Loc(loc.parent, loc.name, loc.index, obj, key);
      ctx.report(st, at, 'error', 'structure', 'json-primitive-value', `"value" is not allowed in _${loc.name}: the primitive value goes in "${loc.name}" itself`);
      continue;
    }
    const isExtKey = key.charCodeAt(0) === 95 /* _ */ && key.length > 1;
    const name = isExtKey ? key.slice(1) : key;
    const slots = memberSlots(combo, tables, name);
    const slot = slots.slots[0];
    if (!slot) {
      reportUnknown(ctx, st, obj, key, name, base, applied, typeCode, loc);
      continue;
    }
    let m: Member | undefined;
    for (let i = 0; i < members.length; i++) if (members[i]!.name === name) m = members[i];
    if (!m) {
      m = { name, slot, slots, value: undefined, ext: undefined, hasValue: false, hasExt: false, values: EMPTY_VALUES };
      members.push(m);
    }
    if (isExtKey) {
      m.ext = obj[key];
      m.hasExt = true;
    } else {
      m.value = obj[key];
      m.hasValue = true;
    }
  }

  if (keyCount === 0 && !isResource) {
    ctx.report(st, loc, 'error', 'structure', 'empty-object', `${loc.name} is an empty object: leave it out, or give it content (FHIR does not allow empty elements)`, {
      el: applied[0]?.el,
    });
  }

  // JSON shape per member and the list of values, each starting with its base definition
  for (const m of members) {
    m.values = memberValues(ctx, st, obj, m, typeCode, loc);
    const shared = m.slots.chain[0]!;
    for (const v of m.values) v.applied = shared;
  }

  // per applied definition: cardinality, slicing, and which plans each value gets
  for (let i = 0; i < applied.length; i++) {
    const table = tables[i]!;
    const a = applied[i]!;
    if (i > 0) {
      for (const m of members) {
        const slot = m.slots.slots[i];
        if (!slot) {
          reportTypeNotAllowed(ctx, st, m, table, a, loc, obj);
          continue;
        }
        const add = m.slots.adds[i];
        if (!add) continue;
        // values no slice has touched yet move along the member's shared chain of lists
        const before = m.slots.chain[i - 1]!;
        const after = m.slots.chain[i]!;
        for (const v of m.values) {
          if (v.applied === before) v.applied = after;
          else addApplied(v, add);
        }
      }
    }
    checkCardinality(ctx, st, table, i, members, loc);
    applySlicing(ctx, st, table, i, members, loc);
  }

  // recurse
  for (const m of members) {
    const mp = m.slots;
    const t = mp.type;
    if (t === undefined) continue;
    const resource = (mp.resource ??= ctx.holdsResource(t));
    for (const v of m.values) {
      const plans = v.applied!;
      if (t === 'Extension') {
        checkExtension(ctx, st, v.value, plans, v.loc, loc, typeCode, applied, m.name === 'modifierExtension', obj);
        continue;
      }
      // the values no slice singled out share one combination
      const known = resource ? undefined : plans === mp.chain[mp.chain.length - 1] ? (mp.chainCombo ??= combinationOf(plans, t)) : combinationOf(plans, t);
      ctx.validateValue(st, v.value, v.ext, plans, t, v.loc, known);
      if (t === 'Reference' && v.value && typeof v.value === 'object') checkReference(ctx, st, v.value as Record<string, unknown>, plans, v.loc, known);
    }
  }

  if (!primitiveExt) {
    const withFacts = combo.withFacts;
    if (withFacts.length) checkObjectValues(ctx, st, obj, withFacts, typeCode, loc);
    if (typeCode === 'Attachment') checkAttachment(ctx, st, obj, loc);
    else if (typeCode === 'Narrative') checkNarrativeLanguage(ctx, st, obj, applied, loc);
    else if (typeCode === 'Signature' && !isBundleSignature(loc)) checkSignatureData(ctx, st, obj, loc);
    if (ctx.terminology && !isResource) checkBindings(ctx, st, obj, applied, typeCode, loc, combo);
    evaluateConstraints(ctx, st, obj, undefined, applied, typeCode, loc, combo);
  }
}

/** The children tables of a combination (one per applied definition), computed once. */
function tablesOf(ctx: CheckContext, combo: Combination, applied: Applied[], typeCode: string): ChildTable[] {
  let tables = combo.tables;
  // the list the tables were made for (shared lists come back by identity), else same type codes
  if (tables && (applied === combo.tablesFor || (combo.tableKeys && sameTableKeys(combo.tableKeys, applied, typeCode)))) return tables;
  const keys: string[] = new Array(applied.length);
  tables = new Array(applied.length);
  for (let i = 0; i < applied.length; i++) {
    const a = applied[i]!;
    const t = a.type ?? (a.el.isRoot ? undefined : typeRef(typeCode));
    keys[i] = t?.code ?? '';
    tables[i] = ctx.compiler.children(a.el, t);
  }
  if (!combo.tables) {
    combo.tables = tables;
    combo.tableKeys = keys;
    combo.tablesFor = applied;
  }
  return tables;
}

/** Turn a member into its list of values, checking the JSON shape (array or not, primitive arrays aligned with `_name`). */
function memberValues(ctx: CheckContext, st: RunState, obj: Record<string, unknown>, m: Member, typeCode: string, loc: Loc): Value[] {
  const el = m.slot.el;
  const t = m.slots.type ?? '';
  const primitive = m.slots.primitive;
  const name = m.name;
  if (!primitive && m.hasExt) {
    ctx.report(st, loc.child('_' + name, obj, '_' + name), 'error', 'structure', 'unknown-element', `_${name} is only allowed for primitive elements; ${name} is a ${t}`, { el });
  }
  if (el.isArray) {
    const arr = m.hasValue ? m.value : undefined;
    const ext = primitive && m.hasExt ? m.ext : undefined;
    if (m.hasValue && !Array.isArray(arr)) {
      ctx.report(
        st,
        loc.child(name, obj, name),
        'error',
        'structure',
        'json-array-expected',
        `${name} can repeat, so it must be a JSON array (e.g. "${name}": [ ... ]), not a single ${jsonKind(arr)}`,
        { el },
      );
      // still check the value itself
      return [new Value(loc, name, -1, obj, name, arr, Array.isArray(ext) ? undefined : ext)];
    }
    if (m.hasExt && ext !== undefined && !Array.isArray(ext)) {
      ctx.report(st, loc.child('_' + name, obj, '_' + name), 'error', 'structure', 'json-array-expected', `_${name} must be an array aligned with ${name}`, { el });
    }
    const values = (Array.isArray(arr) ? arr : []) as unknown[];
    const exts = (Array.isArray(ext) ? ext : []) as unknown[];
    if (m.hasValue && values.length === 0) {
      ctx.report(st, loc.child(name, obj, name), 'error', 'structure', 'empty-array', `${name} is an empty array: leave it out instead (FHIR does not allow empty arrays)`, { el });
    }
    if (exts.length && values.length && exts.length !== values.length) {
      ctx.report(
        st,
        loc.child('_' + name, obj, '_' + name),
        'error',
        'structure',
        'primitive-extension-alignment',
        `_${name} has ${exts.length} entries but ${name} has ${values.length}: the two arrays must line up (use null where an entry has no value or no extension)`,
        { el },
      );
    }
    const n = Math.max(values.length, exts.length);
    if (n === 0) return EMPTY_VALUES;
    // sized up front: a list grown by push starts with room for 16 or more
    const out: Value[] = new Array(n);
    let k = 0;
    for (let i = 0; i < n; i++) {
      const v = values[i];
      const e = exts[i];
      const container = i < values.length ? (arr as object) : (ext as object);
      if ((v === null || v === undefined) && (e === null || e === undefined)) {
        if (i < values.length) {
          ctx.report(st, loc.child(name, container, i, i), 'error', 'structure', 'null-value', `${name}[${i}] is null: null is only allowed in primitive arrays when _${name} gives an extension for it`, { el });
        }
        continue;
      }
      if (v === null && !primitive) {
        ctx.report(st, loc.child(name, container, i, i), 'error', 'structure', 'null-value', `${name}[${i}] is null: remove it from the array`, { el });
        continue;
      }
      out[k++] = new Value(loc, name, i, container, i, v === null ? undefined : v, e === null ? undefined : e);
    }
    if (k < n) out.length = k;
    return out;
  }
  // single-valued element
  if (m.hasValue && Array.isArray(m.value)) {
    ctx.report(
      st,
      loc.child(name, obj, name),
      'error',
      'structure',
      'json-array-unexpected',
      `${name} allows only one value, so it must not be a JSON array`,
      { el },
    );
    const arr = m.value as unknown[];
    return arr.map((v, i) => new Value(loc, name, i, arr, i, v, undefined));
  }
  if (m.hasValue && m.value === null) {
    ctx.report(st, loc.child(name, obj, name), 'error', 'structure', 'null-value', `${name} is null: leave the property out instead`, { el });
    if (!m.hasExt) return EMPTY_VALUES;
  }
  return [new Value(loc, name, -1, obj, m.hasValue ? name : '_' + name, m.value === null ? undefined : m.value, m.ext)];
}

function reportUnknown(ctx: CheckContext, 
  st: RunState,
  obj: Record<string, unknown>,
  key: string,
  name: string,
  base: ChildTable,
  applied: Applied[],
  typeCode: string,
  loc: Loc,
): void {
  const where = loc.child(key, obj, key);
  // a choice element with a type it does not allow (valueFoo)
  for (const [prefix, el] of base.choices) {
    if (name.startsWith(prefix) && name.length > prefix.length && /^[A-Z]/.test(name.slice(prefix.length))) {
      const allowed = el.types.map((t) => prefix + t.code.charAt(0).toUpperCase() + t.code.slice(1));
      ctx.report(
        st,
        where,
        'error',
        'structure',
        'choice-type-not-allowed',
        `${name} is not allowed here: ${prefix}[x] accepts ${allowed.join(', ')}`,
        { el },
      );
      return;
    }
  }
  if (key === 'resourceType') {
    ctx.report(st, where, 'error', 'structure', 'unknown-element', `"resourceType" is only allowed on a resource, not inside ${typeCode}`);
    return;
  }
  if (key === 'fhir_comments') {
    ctx.report(st, loc, 'error', 'structure', 'unknown-element', `fhir_comments is not allowed in FHIR R4 JSON (it was removed after DSTU2): remove the comments`);
    return;
  }
  const close = closestName(name, [...base.slots.keys()]);
  ctx.report(
    st,
    where,
    'error',
    'structure',
    'unknown-element',
    `Unknown element "${key}" in ${typeCode === loc.name ? typeCode : `${loc.name} (${typeCode})`}${close ? `: did you mean "${close}"?` : ''}`,
    { el: applied[0]?.el },
  );
}

function reportTypeNotAllowed(ctx: CheckContext, st: RunState, m: Member, table: ChildTable, a: Applied, loc: Loc, obj: Record<string, unknown>): void {
  const choice = m.slot.el.isChoice ? table.choices.get(m.slot.el.name) : undefined;
  if (choice) {
    const allowed = choice.types.map((t) => choice.name + t.code.charAt(0).toUpperCase() + t.code.slice(1));
    if (a.el.isRoot && a.el.owner.type === 'Extension' && choice.name === 'value' && a.el.owner.url) {
      // the extension's definition fixes its value type: report it on the extension, naming it
      ctx.report(
        st,
        loc,
        'error',
        'structure',
        'choice-type-not-allowed',
        `The extension ${a.el.owner.canonical} allows ${allowed.join(', ')}, but ${m.name} was found: use the value type its definition gives`,
        { el: choice },
      );
      return;
    }
    ctx.report(
      st,
      loc.child(m.name, obj, m.hasValue ? m.name : '_' + m.name),
      'error',
      'structure',
      'choice-type-not-allowed',
      `${m.name} is not allowed by the profile: it restricts ${choice.name}[x] to ${allowed.join(', ')}`,
      { el: choice },
    );
  }
}

function checkCardinality(ctx: CheckContext, st: RunState, table: ChildTable, t: number, members: Member[], loc: Loc): void {
  const checks = cardinalityChecks(table);
  if (checks.length === 0) return;
  // counts per checked element, in one pass over the members (safe to share: nothing recurses in here)
  if (counts.length < checks.length) counts = new Int32Array(checks.length * 2);
  counts.fill(0, 0, checks.length);
  for (let i = 0; i < members.length; i++) {
    const k = members[i]!.slots.checkAt[t]!;
    if (k >= 0) counts[k] += members[i]!.values.length;
  }
  for (let k = 0; k < checks.length; k++) {
    const el = checks[k]!;
    const count = counts[k]!;
    if (count >= el.min && count <= el.max) continue;
    const path = el.path;
    if (count < el.min) {
      ctx.report(st, loc, 'error', 'required', 'cardinality-min', `${path}: minimum required = ${el.min}, but only found ${count}`, { el });
    }
    if (count > el.max) {
      ctx.report(
        st,
        loc,
        'error',
        'structure',
        'cardinality-max',
        el.max === 0 ? `${path}: not allowed here (max 0), but found ${count}` : `${path}: max allowed = ${el.max}, but found ${count}`,
        { el },
      );
    }
  }
}

function applySlicing(ctx: CheckContext, st: RunState, table: ChildTable, t: number, members: Member[], loc: Loc): void {
  const sliced = slicedElements(table);
  if (sliced.length === 0) return;
  for (const el of sliced) {
    const values: Value[] = [];
    for (const m of members) {
      if (m.slots.slots[t]?.el === el) for (const x of m.values) values.push(x); // not push(...): sliced arrays can be huge
    }
    matchSlices(ctx, st, el, values, loc);
  }
}

export interface Member {
  name: string;
  slot: { el: ElementPlan; type?: TypeRef };
  /** The member's slot in each applied definition's table. */
  slots: MemberSlots;
  value: unknown;
  ext: unknown;
  hasValue: boolean;
  hasExt: boolean;
  values: Value[];
}

const EMPTY_VALUES = Object.freeze([]) as unknown as Value[];

/** A member name's slot in every table of a combination, looked up once per combination. */
function memberSlots(combo: Combination, tables: ChildTable[], name: string): MemberSlots {
  let m = combo.members.get(name);
  if (m === undefined || m.tables !== tables) {
    const slots = new Array(tables.length);
    for (let i = 0; i < tables.length; i++) slots[i] = tables[i]!.get(name);
    const slot = slots[0];
    const type = slot ? (slot.type?.code ?? concreteType(slot.el)) : undefined;
    // what each further definition adds to a value of this member, and the lists that result
    const adds: (Applied | undefined)[] = new Array(tables.length);
    const chain: Applied[][] = new Array(tables.length);
    if (slot) {
      chain[0] = baseApplied(slot);
      for (let i = 1; i < tables.length; i++) {
        const s = slots[i];
        const prev = chain[i - 1]!;
        if (!s || s.el === slot.el) {
          chain[i] = prev;
          continue;
        }
        const a: Applied = { el: s.el, type: s.type ?? (s.el.types.length === 1 ? s.el.types[0] : undefined) };
        adds[i] = a;
        chain[i] = prev.some((x) => x.el === a.el) ? prev : Object.freeze([...prev, a]) as Applied[];
      }
    }
    // the element a member counts towards in each table's cardinality: a choice present with a type
    // the table does not allow still counts as present (the type is reported on its own)
    const counted: (ElementPlan | undefined)[] = new Array(tables.length);
    const checkAt: number[] = new Array(tables.length);
    for (let i = 0; i < tables.length; i++) {
      const c = slots[i]?.el ?? (slot?.el.isChoice ? tables[i]!.choices.get(slot.el.name) : undefined);
      counted[i] = c;
      checkAt[i] = c ? cardinalityChecks(tables[i]!).indexOf(c) : -1;
    }
    m = { slots, tables, adds, chain, counted, checkAt, type, primitive: type !== undefined && isPrimitiveCode(type) };
    if (tables === combo.tables) combo.members.set(name, m);
  }
  return m;
}

/** The type of an element that has a single type (backbone elements count as BackboneElement). */
function concreteType(el: ElementPlan): string | undefined {
  if (el.types.length === 1) return el.types[0]!.code;
  if (el.contentReference) return 'BackboneElement';
  if (el.types.length === 0) return 'Element';
  return undefined;
}

function sameTableKeys(keys: string[], applied: Applied[], typeCode: string): boolean {
  for (let i = 0; i < applied.length; i++) {
    const a = applied[i]!;
    if ((a.type ? a.type.code : a.el.isRoot ? '' : typeCode) !== keys[i]) return false;
  }
  return true;
}
const baseAppliedCache = new WeakMap<object, Applied[]>();

/** The one-definition list most values start (and stay) with, shared instead of allocated per value. */
function baseApplied(slot: { el: ElementPlan; type?: TypeRef }): Applied[] {
  let a = baseAppliedCache.get(slot);
  if (!a) {
    const t = slot.type ?? (slot.el.types.length === 1 ? slot.el.types[0] : undefined);
    a = Object.freeze([{ el: slot.el, type: t }]) as Applied[];
    baseAppliedCache.set(slot, a);
  }
  return a;
}

const typeRefs = new Map<string, TypeRef>();

/** A shared TypeRef for a bare type code (no profiles): avoids an allocation per value. */
function typeRef(code: string): TypeRef {
  let t = typeRefs.get(code);
  if (!t) {
    t = { code, profiles: [], targetProfiles: [] };
    typeRefs.set(code, t);
  }
  return t;
}

/** Scratch counts for checkCardinality. */
let counts = new Int32Array(64);

function cardinalityChecks(table: ChildTable): ElementPlan[] {
  // a single-valued choice can still be given twice (valueString and valueBoolean)
  return (table.cardinalityChecks ??= table.elements.filter((e) => e.min > 0 || (e.max !== Infinity && (e.isArray || e.max === 0 || e.isChoice))));
}

function slicedElements(table: ChildTable): ElementPlan[] {
  return (table.sliced ??= table.elements.filter((e) => e.slices.length > 0));
}

/** A near miss for an unknown element name (case or one typo away). */
function closestName(name: string, candidates: string[]): string | undefined {
  const lower = name.toLowerCase();
  let best: string | undefined;
  let bestD = 3;
  for (const c of candidates) {
    if (c.toLowerCase() === lower) return c;
    const d = editDistance(lower, c.toLowerCase(), bestD);
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  return bestD <= 2 && name.length > 3 ? best : undefined;
}
