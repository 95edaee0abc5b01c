/**
 * Invariants: every `constraint` of every definition that applies to a value, evaluated
 * once per value (a profile repeating ele-1 does not evaluate it twice). Expressions are
 * compiled once; the hot ones run natively, the rest through HL7's fhirpath.js.
 */
import type { ElementDefinition } from '../model/fhir-types.js';
import type { ElementPlan } from '../compile/plan.js';
import { compileInvariant, type CompiledInvariant } from './fhirpath/evaluate.js';
import { FhirPathTooCostlyError, wrapPrimitive, type FhirPathEnv } from './fhirpath/native.js';
import { hotInvariant } from './fhirpath/hot.js';
import type { Loc } from './walk-path.js';
import type { Applied, CheckContext, RunState } from './context.js';
import { combinationOf, type Combination } from './combination.js';

type Constraint = NonNullable<ElementDefinition['constraint']>[number];

interface PreparedConstraint {
  key: string;
  /** A hand-written equivalent for the hottest invariants (null result: use the general path). */
  hot?: (node: unknown, env: FhirPathEnv) => boolean | null;
  /** ele-1 with its standard expression: checked inline (see ele1Holds) instead of through FHIRPath. */
  isEle1: boolean;
  /** key + expression: the same constraint repeated by a profile is evaluated once. */
  dedupe: string;
  expression: string;
  human: string;
  severity: 'error' | 'warning' | 'information';
  /**
   * A best-practice recommendation (dom-6 "should have a narrative"): advice, not conformance,
   * checked only when the validator is asked to (ValidatorOptions.bestPractice). Prepared lists
   * are shared by every validator, so the setting is applied when the list is run.
   */
  bestPractice: boolean;
  source: string;
  /** Undefined when compilation failed; then `problem` says why. */
  compiled?: CompiledInvariant;
  problem?: string;
  el: ElementPlan;
}

const BEST_PRACTICE = 'http://hl7.org/fhir/StructureDefinition/elementdefinition-bestpractice';

/** Constraints the validator implements natively elsewhere, or that cannot be expressed offline. */
const HANDLED_ELSEWHERE = new Set([
  // txt-1/txt-2 use htmlChecks(): the xhtml checker reports these with precise messages
  'txt-1',
  'txt-2',
]);

/**
 * Published R4 expressions that are wrong, and what they must say (the corrections later
 * FHIR versions made, which the HL7 Java validator applies to R4 as well). Keyed by the exact
 * published text, so a profile's own different expression under the same key is untouched.
 */
const PUBLISHED_FIXES: Record<string, string> = {
  // que-7: FHIR's boolean is 'boolean'; 'Boolean' names System.Boolean, so every exists-answer failed
  "operator = 'exists' implies (answer is Boolean)": "operator = 'exists' implies (answer is boolean)",
  // eld-19/eld-20: unanchored, and escapes (\' \: and a lone ]) that ECMAScript regexes refuse
  [String.raw`path.matches('[^\\s\\.,:;\\\'"\\/|?!@#$%&*()\\[\\]{}]{1,64}(\\.[^\\s\\.,:;\\\'"\\/|?!@#$%&*()\\[\\]{}]{1,64}(\\[x\\])?(\\:[^\\s\\.]+)?)*')`]: String.raw`path.matches('^[^\\s.,:;\'"/|?!@#$%&*()\\[\\]{}]{1,64}(\\.[^\\s.,:;\'"/|?!@#$%&*()\\[\\]{}]{1,64}(\\[x\\])?(:[^\\s.]+)?)*$')`,
  [String.raw`path.matches('[A-Za-z][A-Za-z0-9]*(\\.[a-z][A-Za-z0-9]*(\\[x])?)*')`]: String.raw`path.matches('^[A-Za-z][A-Za-z0-9]*(\\.[a-z][A-Za-z0-9]*(\\[x\\])?)*$')`,
};

/** R4 opd-3 as published: a targetProfile is also allowed on a resource-typed parameter (R5 says so). */
const OPD3_R4 = "targetProfile.exists() implies (type = 'Reference' or type = 'canonical')";

const prepared = new WeakMap<ElementPlan, Map<string, PreparedConstraint[]>>();

function prepare(el: ElementPlan, contextType: string): PreparedConstraint[] {
  // one-entry cache on the element itself: the context type rarely changes for an element
  const memo = el.compiled as { ctx: string; list: PreparedConstraint[] } | undefined;
  if (memo && memo.ctx === contextType) return memo.list;
  const list = prepareSlow(el, contextType);
  el.compiled = { ctx: contextType, list };
  return list;
}

function prepareSlow(el: ElementPlan, contextType: string): PreparedConstraint[] {
  let byCtx = prepared.get(el);
  if (!byCtx) {
    byCtx = new Map();
    prepared.set(el, byCtx);
  }
  let list = byCtx.get(contextType);
  if (list) return list;
  list = [];
  for (const c of (el.def.constraint ?? []) as Constraint[]) {
    if (!c.expression || !c.key || HANDLED_ELSEWHERE.has(c.key)) continue;
    const bestPractice = (c.extension ?? []).some((e: { url: string; valueBoolean?: boolean }) => e.url === BEST_PRACTICE && e.valueBoolean === true);
    const p: PreparedConstraint = {
      key: c.key,
      bestPractice,
      dedupe: `${c.key}\u0000${c.expression}`,
      isEle1: c.key === 'ele-1' && c.expression === ELE1_EXPRESSION,
      expression: PUBLISHED_FIXES[c.expression] ?? c.expression,
      human: c.human ?? c.key,
      // best-practice recommendations (dom-6 "should have narrative"...) are advice, not faults
      severity: bestPractice ? 'information' : c.severity === 'error' ? 'error' : 'warning',
      source: c.source ?? el.owner.url,
      el,
    };
    p.hot = hotInvariant(p.expression);
    try {
      p.compiled = compileInvariant(c.key, p.expression, contextType);
    } catch (e) {
      p.problem = (e as Error).message;
    }
    list.push(p);
  }
  byCtx.set(contextType, list);
  return list;
}

/** The type name fhirpath.js needs to interpret a node (a datatype, a resource, or a backbone element's path). */
function contextTypeOf(applied: readonly Applied[], typeCode: string): string {
  if (typeCode === 'BackboneElement' || typeCode === 'Element') {
    const el = applied[0]?.el;
    if (el) return el.path;
  }
  return typeCode;
}

export function evaluateConstraints(
  v: CheckContext,
  st: RunState,
  value: unknown,
  ext: unknown,
  applied: Applied[],
  typeCode: string,
  loc: Loc,
  combo: Combination = combinationOf(applied, typeCode),
): void {
  // the narrative div is checked by the XHTML checker (txt-1/txt-2); FHIRPath has no value for it
  if (typeCode === 'xhtml') return;
  let list = combo.constraints as PreparedConstraint[] | undefined;
  if (!list) {
    list = mergedConstraints(v, combo.applied, typeCode);
    combo.constraints = list;
  }
  if (list.length) runList(v, st, value, ext, loc, list);
}

/**
 * Every constraint of the applied definitions and of the type's root element (per-1 on
 * Period, qty-3 on Quantity... live there), a constraint repeated by a profile kept once.
 */
function mergedConstraints(v: CheckContext, applied: readonly Applied[], typeCode: string): PreparedConstraint[] {
  const ctxType = contextTypeOf(applied, typeCode);
  const typeRoot = typeCode === 'BackboneElement' || typeCode === 'Element' ? undefined : v.compiler.typePlan(typeCode)?.root;
  const out: PreparedConstraint[] = [];
  const seen = new Set<string>();
  const add = (el: ElementPlan): void => {
    for (const c of prepare(el, ctxType)) {
      if (seen.has(c.dedupe)) continue;
      seen.add(c.dedupe);
      out.push(c);
    }
  };
  let sawTypeRoot = false;
  for (const a of applied) {
    if (a.el === typeRoot) sawTypeRoot = true;
    add(a.el);
  }
  if (typeRoot && !sawTypeRoot) add(typeRoot);
  return out;
}

function runList(v: CheckContext, st: RunState, value: unknown, ext: unknown, loc: Loc, list: PreparedConstraint[]): void {
  let node: unknown;
  let env: FhirPathEnv | undefined;
  const bestPractice = v.options.bestPractice === true;
  for (let i = 0; i < list.length; i++) {
    const c = list[i]!;
    if (c.bestPractice && !bestPractice) continue;
    // a conformance check counts errors only: a warning's expression need not be evaluated
    if (st.errorsOnly && c.severity !== 'error') continue;
    if (c.isEle1) {
      // an object holding only empty arrays/nulls was already reported as such; ele-1 would repeat it
      if (value && typeof value === 'object' && hasOnlyEmptyMembers(value as Record<string, unknown>)) continue;
      if (!ele1Holds(value, ext)) v.report(st, loc, c.severity, 'invariant', 'invariant:ele-1', `Constraint failed: ele-1: '${c.human}'`, { el: c.el });
      continue;
    }
    if (!c.compiled) {
      v.report(st, loc, 'warning', 'processing', 'invariant-uncompilable', `Constraint ${c.key} (from ${c.source}) could not be checked: its expression does not compile (${c.problem})`, {
        el: c.el,
      });
      continue;
    }
    if (node === undefined) node = typeof value === 'object' && value !== null ? value : wrapPrimitive(value, ext as never);
    if (env === undefined) {
      const frame = st.frame;
      env = new ValidatorEnv(v, st, frame?.resource ?? value, frame?.root ?? value, node);
    }
    let ok: boolean | undefined | null = c.hot ? c.hot(node, env) : null;
    try {
      if (ok === null) ok = c.compiled.evaluate(node, env);
    } catch (e) {
      const costly = (e as Error).cause instanceof FhirPathTooCostlyError;
      v.report(st, loc, 'warning', 'processing', costly ? 'too-costly' : 'invariant-error', `Constraint ${c.key} could not be evaluated here: ${(e as Error).message}`, { el: c.el });
      continue;
    }
    // only an explicit false fails: an empty result (e.g. ref-1 on a Reference without .reference)
    // is not a violation; the HL7 Java validator accepts these too
    if (ok === false && c.key === 'dom-3' && containedAllReferencedFromNarrative(value)) ok = true;
    if (ok === false && c.expression === OPD3_R4 && isResourceType(v, (value as { type?: unknown }).type)) ok = true;
    if (ok === false) {
      v.report(st, loc, c.severity, 'invariant', `invariant:${c.key}`, `Constraint failed: ${c.key}: '${c.human}'`, { el: c.el });
    }
  }
}

function isResourceType(v: CheckContext, type: unknown): boolean {
  return typeof type === 'string' && v.compiler.typePlan(type)?.kind === 'resource';
}

function hasOnlyEmptyMembers(o: Record<string, unknown>): boolean {
  let any = false;
  for (const k in o) {
    any = true;
    const v = o[k];
    if (!(Array.isArray(v) && v.length === 0) && v !== null) return false;
  }
  return any;
}

/** ele-1, the invariant on every element of every resource. */
export const ELE1_EXPRESSION = 'hasValue() or (children().count() > id.count())';

/**
 * ele-1 without FHIRPath: a primitive holds if it has a value or any extension; an object
 * holds if it has any child other than `id`. Proved equal to the FHIRPath evaluation by tests.
 */
export function ele1Holds(value: unknown, ext: unknown): boolean {
  if (value === null || value === undefined) {
    const e = ext as { extension?: unknown[] } | undefined;
    return !!e && typeof e === 'object' && Array.isArray(e.extension) && e.extension.length > 0;
  }
  if (typeof value !== 'object') return true;
  for (const k in value as Record<string, unknown>) {
    if (k === 'id') continue;
    const v = (value as Record<string, unknown>)[k];
    if (v === null || v === undefined || (Array.isArray(v) && v.length === 0)) continue;
    if (k.charCodeAt(0) === 95 && !(k.slice(1) in (value as object))) {
      // a `_name` without its value counts as a child only if it carries something
      const o = v as { id?: unknown; extension?: unknown[] };
      if (o && typeof o === 'object' && (o.id !== undefined || (Array.isArray(o.extension) && o.extension.length))) return true;
      continue;
    }
    if (k.charCodeAt(0) === 95) continue;
    return true;
  }
  return false;
}

/**
 * dom-3 as published only looks for '#id' in references and canonicals, yet the narrative
 * may be what points at a contained resource (an <img src="#id"> showing a contained Binary).
 * The HL7 Java validator accepts those, and so do we: every contained id must be referenced
 * from a reference/canonical/uri value or from a narrative src/href.
 */
function containedAllReferencedFromNarrative(resource: unknown): boolean {
  if (!resource || typeof resource !== 'object') return false;
  const contained = (resource as Record<string, unknown>).contained;
  if (!Array.isArray(contained) || contained.length === 0) return false;
  const ids = contained.map((c) => (c && typeof c === 'object' ? (c as Record<string, unknown>).id : undefined)).filter((id): id is string => typeof id === 'string');
  const refs = new Set<string>();
  const walk = (v: unknown, depth: number): void => {
    if (depth > 200) return;
    if (typeof v === 'string') {
      if (v.startsWith('#')) refs.add(v.slice(1));
      else if (v.startsWith('<div')) for (const m of v.matchAll(/\b(?:src|href)\s*=\s*["']#([^"']+)["']/g)) refs.add(m[1]!);
      return;
    }
    if (Array.isArray(v)) for (const x of v) walk(x, depth + 1);
    else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) if (k !== 'contained') walk(x, depth + 1);
  };
  walk(resource, 0);
  return ids.every((id) => refs.has(id));
}

/**
 * The environment of one value's invariants, with resolve(), conformsTo() and memberOf() (R4
 * FHIRPath page, "Additional functions") answered by the validator: references resolve inside the
 * resource and its Bundle, conformance is a full validation against the profile, membership asks
 * the terminology service (no verdict, so an empty result, when it cannot tell offline). Methods
 * rather than closures: one is made for every value that has invariants.
 */
class ValidatorEnv implements FhirPathEnv {
  constructor(
    private readonly v: CheckContext,
    private readonly st: RunState,
    readonly resource: unknown,
    readonly rootResource: unknown,
    readonly context: unknown,
  ) {}

  resolve(reference: string): unknown {
    return this.v.resolveReference(this.st, reference);
  }

  conformsTo(value: unknown, type: string | null, profile: string): boolean | undefined {
    return this.v.compiler.plan(profile) ? this.v.conformsTo(this.st, value, profile, type ?? undefined) : undefined;
  }

  memberOf(value: unknown, _type: string | null, valueSet: string): boolean | undefined {
    const term = this.v.terminology;
    if (!term || value === null || value === undefined) return undefined;
    let r;
    if (typeof value === 'string') r = term.validateCode(valueSet, { code: value });
    else if (typeof value === 'object' && Array.isArray((value as { coding?: unknown }).coding)) r = term.validateCodeableConcept(valueSet, value as never);
    else if (typeof value === 'object' && typeof (value as { code?: unknown }).code === 'string') {
      const c = value as { system?: string; code: string };
      r = term.validateCode(valueSet, { system: c.system, code: c.code });
    } else return undefined;
    if (r instanceof Promise) return undefined;
    return r.result === 'valid' ? true : r.result === 'invalid' ? false : undefined;
  }
}
