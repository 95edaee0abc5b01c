/**
 * Slicing: deciding which slice each repeat of a sliced element belongs to, then checking
 * the slicing rules (closed, ordered, openAtEnd) and each slice's cardinality.
 *
 * A slice's discriminators are compiled once into a matcher: for each discriminator, the
 * values the slice requires (fixed/pattern/binding/type/profile/existence) are read from
 * the slice's definition at the discriminator path, following type profiles (an extension
 * slice's `url` comes from its extension definition).
 */
import { choiceValue } from '../model/fhir-types.js';
import { choiceSuffix, type ElementPlan } from '../compile/plan.js';
import { describeValue, equalsFixed, matchesPattern } from './fixed-pattern.js';
import type { Loc } from './walk-path.js';
import { addApplied, type CheckContext, type RunState, type Value } from './context.js';

interface Requirement {
  kind: 'value' | 'pattern' | 'type' | 'profile' | 'exists';
  path: string;
  /** value/pattern: the value(s) required (any of). */
  values?: { value: unknown; exact: boolean }[];
  /** value by binding: a required value set */
  valueSet?: string;
  types?: string[];
  profiles?: string[];
  exists?: boolean;
  /** The slice prohibits the element at the path (max = 0): whatever the kind, it must be absent. */
  absent?: boolean;
  /** The requirement could not be determined from the definition. */
  unknown?: string;
}

interface SliceMatcher {
  slice: ElementPlan;
  requirements: Requirement[];
  /**
   * Some discriminator is not constrained by this slice: the slice does not assign a value
   * domain there (Profiling §5.1.2.2 requires it, but profiles omit it), so the discriminators
   * alone cannot tell; an item matching the others is recognised by conforming to the slice.
   */
  needsConformance: boolean;
}

const matcherCache = new WeakMap<ElementPlan, SliceMatcher[]>();

export function matchSlices(
  v: CheckContext,
  st: RunState,
  sliced: ElementPlan,
  values: Value[],
  parentLoc: Loc,
): void {
  const slicing = sliced.slicing ?? { discriminators: [], rules: 'open' as const, ordered: false };
  let matchers = matcherCache.get(sliced);
  if (!matchers) {
    matchers = sliced.slices.map((s) => {
      const requirements = compileRequirements(v, sliced, s);
      return { slice: s, requirements, needsConformance: requirements.some((r) => r.unknown !== undefined) };
    });
    matcherCache.set(sliced, matchers);
  }
  const assigned: (SliceMatcher | undefined)[] = [];
  for (const val of values) {
    let hit: SliceMatcher | undefined;
    let others: SliceMatcher[] | undefined;
    for (const m of matchers) {
      if (matches(v, st, m, val)) {
        if (!hit) hit = m;
        else (others ??= []).push(m);
      }
    }
    if (hit && others && !isExtensionSlicing(sliced)) {
      v.report(
        st,
        val.loc,
        'error',
        'structure',
        'slice-ambiguous',
        `This ${sliced.name} matches more than one slice of ${sliced.path} in profile ${sliced.owner.url}: ${[hit, ...others].map((m) => m.slice.sliceName).join(', ')} (the slices' discriminators must tell them apart)`,
        { el: sliced },
      );
    }
    assigned.push(hit);
    if (hit) {
      const t = hit.slice.types.length === 1 ? hit.slice.types[0] : undefined;
      addApplied(val, { el: hit.slice, type: t });
    }
  }

  // rules
  const owner = sliced.owner;
  let lastIndex = -1;
  let seenUnmatched = false;
  values.forEach((val, i) => {
    const m = assigned[i];
    if (!m) {
      seenUnmatched = true;
      if (slicing.rules === 'closed') {
        v.report(
          st,
          val.loc,
          'error',
          'structure',
          'slice-closed',
          `This ${sliced.name} does not match any slice of ${sliced.path} in profile ${owner.url}, and the slicing is closed: ${explainNoMatch(v, st, matchers!, val)}`,
          { el: sliced },
        );
      } else if (matchers!.length > 0 && !isExtensionSlicing(sliced)) {
        v.report(
          st,
          val.loc,
          'information',
          'informational',
          'slice-none',
          `This ${sliced.name} does not match any known slice of ${sliced.path} in profile ${owner.url} (this may not be a problem, but check it is not meant to match one: ${explainNoMatch(v, st, matchers!, val)})`,
          { el: sliced },
        );
      }
      return;
    }
    const idx = matchers!.indexOf(m);
    if (slicing.ordered && idx < lastIndex) {
      v.report(
        st,
        val.loc,
        'error',
        'structure',
        'slice-order',
        `${sliced.path} is ordered by profile ${owner.url}: this item matches slice "${m.slice.sliceName}", which must come before slice "${matchers![lastIndex]!.slice.sliceName}"`,
        { el: m.slice },
      );
    }
    if (slicing.rules === 'openAtEnd' && seenUnmatched) {
      v.report(
        st,
        val.loc,
        'error',
        'structure',
        'slice-open-at-end',
        `${sliced.path} is sliced "openAtEnd" by profile ${owner.url}: items that match no slice must come after all sliced items, but this one (slice "${m.slice.sliceName}") follows an unmatched item`,
        { el: m.slice },
      );
    }
    lastIndex = Math.max(lastIndex, idx);
  });

  // per-slice cardinality
  for (const m of matchers) {
    const s = m.slice;
    let count = 0;
    for (const a of assigned) if (a === m) count++;
    if (count >= s.min && count <= s.max) continue;
    // built only for a report: this loop runs for every slice of every sliced element met
    const label = `${sliced.path}:${s.sliceName}`;
    if (count < s.min) {
      v.report(
        st,
        parentLoc,
        'error',
        'required',
        'slice-cardinality-min',
        `Slice '${label}': a matching slice is required, but not found${count ? ` (found ${count}, need ${s.min})` : ''}. ${describeRequirements(m)}`,
        { el: s },
      );
    }
    if (count > s.max) {
      v.report(st, parentLoc, 'error', 'structure', 'slice-cardinality-max', `${label}: max allowed = ${s.max}, but found ${count}`, { el: s });
    }
  }

  // re-slicing: a slice with slices of its own
  for (const m of matchers) {
    if (m.slice.slices.length === 0) continue;
    const inSlice = values.filter((_, i) => assigned[i] === m);
    matchSlices(v, st, m.slice, inSlice, parentLoc);
  }
}

function isExtensionSlicing(el: ElementPlan): boolean {
  return el.types.length === 1 && el.types[0]!.code === 'Extension';
}

function matches(v: CheckContext, st: RunState, m: SliceMatcher, val: Value): boolean {
  if (m.requirements.length === 0) {
    // no discriminator: a slice can only be recognised by validating against it
    return conformsToSlice(v, st, m.slice, val);
  }
  for (const r of m.requirements) if (!satisfies(v, st, r, val)) return false;
  return !m.needsConformance || conformsToSlice(v, st, m.slice, val);
}

function satisfies(v: CheckContext, st: RunState, r: Requirement, val: Value): boolean {
  // a discriminator the slice does not constrain does not rule it out (the matcher then asks for conformance)
  if (r.unknown) return true;
  if (r.absent) return navigate(v, st, val, r.path).length === 0;
  if ((r.kind === 'value' || r.kind === 'pattern') && !r.valueSet) {
    // the common case (extension url, coding system): one member of the value, compared directly
    const name = singleMember(r.path);
    const o = val.value;
    if (name !== undefined && o !== null && typeof o === 'object' && !Array.isArray(o) && name in o) {
      const x = (o as Record<string, unknown>)[name];
      if (Array.isArray(x)) {
        for (const item of x) if (meetsValue(r, item)) return true;
        return false;
      }
      return x !== undefined && meetsValue(r, x);
    }
  }
  const nodes = navigate(v, st, val, r.path);
  switch (r.kind) {
    case 'value':
    case 'pattern': {
      if (r.valueSet) {
        const term = v.terminology;
        if (!term) return false;
        return nodes.some((n) => {
          const res = codeInValueSet(v, r.valueSet!, n.value);
          return res === true;
        });
      }
      return nodes.some((n) =>
        r.values!.some((req) => (req.exact ? equalsFixed(n.value, req.value) : matchesPattern(n.value, req.value))),
      );
    }
    case 'exists':
      return r.exists ? nodes.length > 0 : nodes.length === 0;
    case 'type':
      return nodes.some((n) => n.type !== undefined && r.types!.includes(n.type));
    case 'profile':
      return nodes.some((n) => r.profiles!.some((p) => v.conformsTo(st, n.value, p, n.type)));
  }
}

function meetsValue(r: Requirement, value: unknown): boolean {
  for (const req of r.values!) if (req.exact ? equalsFixed(value, req.value) : matchesPattern(value, req.value)) return true;
  return false;
}

const singleMembers = new Map<string, string | null>();

/** The member name when a discriminator path is just one plain member (`url`, `system`), else undefined. */
function singleMember(path: string): string | undefined {
  let m = singleMembers.get(path);
  if (m === undefined) {
    const steps = stepsOf(path).filter((s) => s.step !== '$this');
    const only = steps.length === 1 ? steps[0]! : undefined;
    m = only && only.ext === undefined && only.ofType === undefined && /^[A-Za-z][A-Za-z0-9_]*$/.test(only.step) ? only.step : null;
    singleMembers.set(path, m);
  }
  return m ?? undefined;
}

function codeInValueSet(v: CheckContext, vs: string, value: unknown): boolean | undefined {
  const term = v.terminology!;
  if (typeof value === 'string') {
    const r = term.validateCode(vs, { code: value });
    return r instanceof Promise ? undefined : r.result === 'valid';
  }
  if (value && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    if (Array.isArray(o.coding) || 'text' in o) {
      const r = term.validateCodeableConcept(vs, o as never);
      return r instanceof Promise ? undefined : r.result === 'valid';
    }
    if (typeof o.code === 'string') {
      const r = term.validateCode(vs, { system: o.system as string | undefined, code: o.code });
      return r instanceof Promise ? undefined : r.result === 'valid';
    }
  }
  return false;
}

function conformsToSlice(v: CheckContext, st: RunState, slice: ElementPlan, val: Value): boolean {
  return v.conformsToElement(st, val.value, val.ext, slice);
}

/** A node reached by a discriminator path, with its type when known. */
interface Node {
  value: unknown;
  type?: string;
}

/** Follow a discriminator path (`$this`, `a.b`, `extension('url')`, `resolve()`, `ofType(T)`) in an instance value. */
function navigate(v: CheckContext, st: RunState, val: Value, path: string): Node[] {
  let nodes: Node[] = [{ value: val.value, type: typeFromName(val.loc.name) }];
  if (val.value === undefined && val.ext !== undefined) nodes = [{ value: val.ext }];
  for (const { step, ext, ofType } of stepsOf(path)) {
    if (step === '$this') continue;
    const next: Node[] = [];
    for (const n of nodes) {
      const o = n.value;
      if (step === 'resolve()') {
        if (o && typeof o === 'object' && typeof (o as { reference?: unknown }).reference === 'string') {
          const target = v.resolveReference(st, (o as { reference: string }).reference);
          if (target) next.push({ value: target, type: String((target as { resourceType?: unknown }).resourceType) });
        }
        continue;
      }
      if (ofType !== undefined) {
        if (n.type === ofType) next.push(n);
        continue;
      }
      if (!o || typeof o !== 'object' || Array.isArray(o)) continue;
      const rec = o as Record<string, unknown>;
      if (ext !== undefined) {
        const list = Array.isArray(rec.extension) ? (rec.extension as unknown[]) : [];
        for (const e of list) if (e && typeof e === 'object' && (e as { url?: unknown }).url === ext) next.push({ value: e, type: 'Extension' });
        continue;
      }
      pushMember(rec, step, next);
    }
    nodes = next;
    if (nodes.length === 0) break;
  }
  return nodes;
}

function pushMember(rec: Record<string, unknown>, name: string, out: Node[]): void {
  if (name in rec) {
    const x = rec[name];
    // a resource carries its type with it (Bundle.entry.resource, contained, Parameters.parameter.resource)
    // a choice's typed name (`valueString`) carries its type
    if (Array.isArray(x)) for (const i of x) out.push({ value: i, type: resourceTypeOf(i) ?? typeFromName(name) });
    else if (x !== undefined) out.push({ value: x, type: resourceTypeOf(x) ?? typeFromName(name) });
    return;
  }
  // choice: `value` reaches valueQuantity etc.
  for (const k of Object.keys(rec)) {
    if (k.length > name.length && k.startsWith(name) && /^[A-Z]/.test(k.charAt(name.length))) {
      const t = typeFromSuffix(k.slice(name.length));
      const x = rec[k];
      if (Array.isArray(x)) for (const i of x) out.push({ value: i, type: t });
      else out.push({ value: x, type: t });
    }
  }
}

function resourceTypeOf(x: unknown): string | undefined {
  const t = x && typeof x === 'object' ? (x as { resourceType?: unknown }).resourceType : undefined;
  return typeof t === 'string' ? t : undefined;
}

const typeByName = new Map<string, string | undefined>();

function typeFromName(jsonName: string): string | undefined {
  if (typeByName.has(jsonName)) return typeByName.get(jsonName);
  const m = /^[a-z][a-zA-Z0-9]*?([A-Z][A-Za-z0-9]*)$/.exec(jsonName);
  const t = m ? typeFromSuffix(m[1]!) : undefined;
  if (typeByName.size < 10_000) typeByName.set(jsonName, t);
  return t;
}

/** One step of a discriminator path, parsed once: a member name, `extension('url')` or `ofType(T)`. */
interface Step {
  step: string;
  ext?: string;
  ofType?: string;
}

const stepCache = new Map<string, Step[]>();

function stepsOf(path: string): Step[] {
  let steps = stepCache.get(path);
  if (!steps) {
    steps = splitPath(path).map(plainStep).map((step) => {
      const ext = /^extension\(\s*'([^']*)'\s*\)$/.exec(step);
      const ofType = /^ofType\(\s*([A-Za-z.]+)\s*\)$/.exec(step);
      return { step, ext: ext ? ext[1] : undefined, ofType: ofType ? ofType[1]!.replace(/^FHIR\./, '') : undefined };
    });
    stepCache.set(path, steps);
  }
  return steps;
}

const PRIMITIVE_SUFFIX = new Set([
  'Base64Binary', 'Boolean', 'Canonical', 'Code', 'Date', 'DateTime', 'Decimal', 'Id', 'Instant', 'Integer', 'Markdown',
  'Oid', 'PositiveInt', 'String', 'Time', 'UnsignedInt', 'Uri', 'Url', 'Uuid',
]);

function typeFromSuffix(s: string): string {
  return PRIMITIVE_SUFFIX.has(s) ? s.charAt(0).toLowerCase() + s.slice(1) : s;
}

function splitPath(path: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quote = false;
  let cur = '';
  for (const ch of path) {
    if (ch === "'" ) quote = !quote;
    if (!quote && ch === '(') depth++;
    if (!quote && ch === ')') depth--;
    if (ch === '.' && depth === 0 && !quote) {
      if (cur) out.push(cur);
      cur = '';
    } else cur += ch;
  }
  if (cur) out.push(cur);
  return out;
}

/** Read what a slice requires at each discriminator path from its definition. */
function compileRequirements(v: CheckContext, sliced: ElementPlan, slice: ElementPlan): Requirement[] {
  const discs = sliced.slicing?.discriminators ?? [];
  const out: Requirement[] = [];
  for (const d of discs) {
    const path = d.path.trim();
    // the slice's own definition first; where it says nothing at the path, the type profile it names
    let r = requirementAt(v, slice, d.type, path, false);
    if (r.unknown) {
      const viaProfile = requirementAt(v, slice, d.type, path, true);
      if (!viaProfile.unknown) r = viaProfile;
    }
    out.push(r);
  }
  return out;
}

function requirementAt(v: CheckContext, slice: ElementPlan, type: string, path: string, preferTypeProfile: boolean): Requirement {
  // 'pattern' is the deprecated spelling of 'value' (R4 Profiling §5.1.2.2): both compare by the slice's fixed/pattern/binding
  const kind = type as Requirement['kind'];
  const r: Requirement = { kind, path };
  if (!['value', 'pattern', 'type', 'profile', 'exists'].includes(kind)) {
    r.unknown = `unsupported discriminator type ${String(type)}`;
    return r;
  }
  const found = findAtPath(v, slice, path, preferTypeProfile);
  // a slice that prohibits the element (max = 0) is recognised by its absence, whatever the kind
  if (found.fixedFromAncestor === undefined && found.elements.length > 0 && found.elements.every((e) => e.max === 0)) {
    r.absent = true;
    return r;
  }
  if (kind === 'value' || kind === 'pattern') {
    const vals: { value: unknown; exact: boolean }[] = [];
    if (found.fixedFromAncestor !== undefined) {
      vals.push({ value: found.fixedFromAncestor.value, exact: found.fixedFromAncestor.exact });
    } else {
      for (const el of found.elements) {
        const f = choiceValue(el.def, 'fixed');
        const p = choiceValue(el.def, 'pattern');
        if (f) vals.push({ value: f.value, exact: true });
        else if (p) vals.push({ value: p.value, exact: false });
      }
    }
    if (vals.length === 0 && found.extensionUrl) vals.push({ value: found.extensionUrl, exact: true });
    if (vals.length) r.values = vals;
    else {
      const bound = found.elements.find((e) => e.def.binding?.strength === 'required' && e.def.binding.valueSet);
      if (bound) r.valueSet = bound.def.binding!.valueSet;
      else r.unknown = `no fixed, pattern or required binding at ${path} in slice ${slice.sliceName}`;
    }
  } else if (kind === 'type') {
    const types = new Set<string>();
    if (found.narrowedTypes) for (const t of found.narrowedTypes) types.add(t);
    else {
      // after resolve() the elements are the roots of the target profiles: their type is the resource type
      for (const el of found.elements) {
        if (el.isRoot && path.endsWith('resolve()')) types.add(el.owner.type);
        else if (el.isChoice && el.slices.length > 0 && el.slices.every((s) => s.types.length === 1)) {
          // a choice the slice constrains by type slices only (`value[x]:valueQuantity`): those types tell it
          for (const s of el.slices) types.add(s.types[0]!.code);
        } else for (const t of el.types) types.add(t.code);
      }
    }
    if (path === '$this' && slice.types.length && !found.narrowedTypes) for (const t of slice.types) types.add(t.code);
    if (types.size) r.types = [...types];
    else r.unknown = `no type at ${path} in slice ${slice.sliceName}`;
  } else if (kind === 'profile') {
    const profiles = new Set<string>();
    for (const el of found.elements) for (const t of el.types) for (const p of t.profiles) profiles.add(p);
    if (path.includes('resolve()')) {
      for (const el of found.elements) for (const t of el.types) for (const p of t.targetProfiles) profiles.add(p);
      for (const t of slice.types) for (const p of t.targetProfiles) profiles.add(p);
    }
    if (path === '$this') for (const t of slice.types) for (const p of t.profiles) profiles.add(p);
    if (profiles.size) r.profiles = [...profiles];
    else r.unknown = `no profile at ${path} in slice ${slice.sliceName}`;
  } else {
    // exists: the slice says present (min ≥ 1) or absent (max = 0; handled above); anything else decides nothing
    const el = found.elements[0];
    if (found.fixedFromAncestor !== undefined) r.exists = true;
    else if (el && el.min > 0) r.exists = true;
    else r.unknown = el ? `${path} is neither required nor prohibited in slice ${slice.sliceName}` : `no element at ${path} in slice ${slice.sliceName}`;
  }
  return r;
}

interface Found {
  elements: ElementPlan[];
  fixedFromAncestor?: { value: unknown; exact: boolean };
  extensionUrl?: string;
  /** The path named one type of a choice (`valueString`, `value.ofType(string)`): only that type. */
  narrowedTypes?: string[];
}

/** `value[x]` in a discriminator path means the choice element `value`. */
function plainStep(step: string): string {
  return step.endsWith('[x]') ? step.slice(0, -3) : step;
}

/**
 * The definition elements of a slice at a discriminator path, following children, type profiles,
 * extension('url'), resolve() and ofType(T). With `preferTypeProfile`, an element that names a type
 * profile is read through that profile even where the slice lists children of its own.
 */
function findAtPath(v: CheckContext, slice: ElementPlan, path: string, preferTypeProfile = false): Found {
  const steps = splitPath(path).filter((s) => s !== '$this').map(plainStep);
  let current: ElementPlan[] = [slice];
  let narrowed: string[] | undefined;
  for (let i = 0; i < steps.length; i++) {
    const step = steps[i]!;
    // a fixed/pattern on the current element covers the rest of the path
    const rest = steps.slice(i).filter((s) => !s.startsWith('ofType('));
    for (const el of current) {
      const f = choiceValue(el.def, 'fixed') ?? choiceValue(el.def, 'pattern');
      if (f && f.value && typeof f.value === 'object' && rest.length) {
        const sub = extract(f.value, rest);
        if (sub !== undefined) return { elements: [], fixedFromAncestor: { value: sub, exact: choiceValue(el.def, 'fixed') !== undefined } };
      }
    }
    const ofType = /^ofType\(\s*(?:FHIR\.)?([A-Za-z]+)\s*\)$/.exec(step);
    if (ofType) {
      // a choice sliced by type: the type's slice holds what the profile says about that type
      const t = ofType[1]!;
      current = current.map((el) => el.slices.find((s) => s.types.length === 1 && s.types[0]!.code === t) ?? el);
      narrowed = [t];
      continue;
    }
    narrowed = undefined;
    if (step === 'resolve()') {
      // the target's definition: from the type profiles of the reference's targets
      const next: ElementPlan[] = [];
      for (const el of current) {
        for (const t of el.types) {
          for (const p of t.targetProfiles) {
            const plan = v.compiler.plan(p);
            if (plan) next.push(plan.root);
          }
        }
      }
      current = next;
      continue;
    }
    const ext = /^extension\(\s*'([^']*)'\s*\)$/.exec(step);
    const next: ElementPlan[] = [];
    for (const el of current) {
      const kids = childElements(v, el, preferTypeProfile);
      if (ext) {
        for (const k of kids) {
          if (k.name !== 'extension') continue;
          for (const s of k.slices) {
            const prof = s.types[0]?.profiles[0];
            const urlEl = childElements(v, s).find((c) => c.name === 'url');
            const fixedUrl = urlEl ? choiceValue(urlEl.def, 'fixed')?.value : undefined;
            if (prof === ext[1] || fixedUrl === ext[1] || s.sliceName === ext[1]) next.push(s);
          }
        }
        continue;
      }
      for (const k of kids) {
        const typed = typedChoice(k, step);
        if (k.name === step || typed) {
          if (typed) {
            // `contentString`: the slice of the choice for that type when the profile has one
            next.push(k.slices.find((s) => s.types.length === 1 && s.types[0]!.code === typed) ?? k);
            narrowed = [typed];
          } else next.push(k);
          // the path may run through an element the slice slices again: what its required
          // slices fix is what the slice requires (bp: component:SystolicBP.code.coding:SBPCode.code)
          for (const s of k.slices) if (s.min > 0 && !typed) next.push(s);
        } else if (!k.isChoice && k.types.length === 1 && k.name === step + choiceSuffix(k.types[0]!.code)) {
          // an older snapshot spells a choice restricted to one type by its typed name (valueQuantity)
          next.push(k);
        }
      }
    }
    if (next.length === 0 && step === 'url') {
      // an extension slice identified by its profile: the url is the extension's canonical
      for (const el of current) {
        const prof = el.types.find((t) => t.code === 'Extension')?.profiles[0];
        if (prof) return { elements: [], extensionUrl: prof };
      }
    }
    current = next;
  }
  if (steps.length === 1 && steps[0] === 'url' && current.length) {
    const f = current.map((e) => choiceValue(e.def, 'fixed')).find((x) => x);
    if (!f) {
      const prof = slice.types.find((t) => t.code === 'Extension')?.profiles[0];
      if (prof) return { elements: current, extensionUrl: prof };
    }
  }
  return narrowed ? { elements: current, narrowedTypes: narrowed } : { elements: current };
}

/** The type a step names when it is a choice element's typed name (`contentString` of `content[x]`). */
function typedChoice(k: ElementPlan, step: string): string | undefined {
  if (!k.isChoice || step.length <= k.name.length || !step.startsWith(k.name)) return undefined;
  return k.types.find((t) => k.name + choiceSuffix(t.code) === step)?.code;
}

/** Children of an element in its profile: the snapshot's, else its type profile's, else its type's. */
function childElements(v: CheckContext, el: ElementPlan, preferTypeProfile = false): ElementPlan[] {
  const t = el.types.length === 1 ? el.types[0]! : undefined;
  if (t?.profiles.length && (preferTypeProfile || el.children.length === 0)) {
    const plan = v.compiler.plan(t.profiles[0]!);
    if (plan) return plan.root.children;
  }
  if (el.children.length) return el.children;
  return [...v.compiler.children(el, t).elements];
}

function extract(value: unknown, steps: string[]): unknown {
  let cur: unknown = value;
  for (const s of steps) {
    if (Array.isArray(cur)) {
      const vals = cur.map((c) => (c && typeof c === 'object' ? (c as Record<string, unknown>)[s] : undefined)).filter((x) => x !== undefined);
      if (vals.length === 0) return undefined;
      cur = vals.length === 1 ? vals[0] : vals;
      continue;
    }
    if (!cur || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[s];
    if (cur === undefined) return undefined;
  }
  return Array.isArray(cur) && cur.length === 1 ? cur[0] : cur;
}

function describeRequirements(m: SliceMatcher): string {
  const parts: string[] = [];
  for (const r of m.requirements) {
    if (r.values) parts.push(`${r.path} = ${r.values.map((x) => describeValue(x.value, 120)).join(' or ')}`);
    else if (r.valueSet) parts.push(`${r.path} from value set ${r.valueSet}`);
    else if (r.types) parts.push(`${r.path} of type ${r.types.join('|')}`);
    else if (r.profiles) parts.push(`${r.path} conforming to ${r.profiles.join(' or ')}`);
    else if (r.exists !== undefined) parts.push(`${r.path} ${r.exists ? 'present' : 'absent'}`);
  }
  return parts.length ? `The slice is recognised by ${parts.join(' and ')}.` : '';
}

function explainNoMatch(v: CheckContext, st: RunState, matchers: SliceMatcher[], val: Value): string {
  const reasons: string[] = [];
  for (const m of matchers.slice(0, 6)) {
    const failing = m.requirements.find((r) => !satisfies(v, st, r, val));
    if (!failing) {
      reasons.push(`slice "${m.slice.sliceName}": does not conform`);
      continue;
    }
    const found = navigate(v, st, val, failing.path)
      .map((n) => describeValue(n.value, 80))
      .join(', ');
    const want = failing.values
      ? failing.values.map((x) => describeValue(x.value, 80)).join(' or ')
      : failing.valueSet
        ? `a code from ${failing.valueSet}`
        : failing.types
          ? `type ${failing.types.join('|')}`
          : failing.profiles
            ? `conformance to ${failing.profiles.join(' or ')}`
            : failing.unknown ?? (failing.exists ? 'present' : 'absent');
    reasons.push(`slice "${m.slice.sliceName}" needs ${failing.path} ${failing.kind === 'exists' ? want : '= ' + want}${found ? `, found ${found}` : ', found nothing'}`);
  }
  if (matchers.length > 6) reasons.push(`and ${matchers.length - 6} more slices`);
  return reasons.join('; ');
}
