/**
 * Invariants: every `constraint` of every definition that applies to a value, evaluated
 * once per value (a profile repeating ele-1 does not evaluate it twice). Expressions are
 * compiled once; the hot ones run natively, the rest through HL7's fhirpath.js.
 */
import type { ElementDefinition } from '../compile/fhir-types.js';
import type { ElementPlan } from '../compile/plan.js';
import { compileInvariant, type CompiledInvariant } from './fhirpath/evaluate.js';
import { wrapPrimitive } from './fhirpath/native.js';
import type { Loc } from './location.js';
import type { Applied, InstanceValidator, RunState } from './validator.js';

type Constraint = NonNullable<ElementDefinition['constraint']>[number];

interface PreparedConstraint {
  key: string;
  expression: string;
  human: string;
  severity: 'error' | 'warning' | 'information';
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

const prepared = new WeakMap<ElementPlan, Map<string, PreparedConstraint[]>>();

function prepare(el: ElementPlan, contextType: string): PreparedConstraint[] {
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
      expression: c.expression,
      human: c.human ?? c.key,
      // best-practice recommendations (dom-6 "should have narrative"...) are advice, not faults
      severity: bestPractice ? 'information' : c.severity === 'error' ? 'error' : 'warning',
      source: c.source ?? el.owner.url,
      el,
    };
    try {
      p.compiled = compileInvariant(c.key, c.expression, contextType);
    } catch (e) {
      p.problem = (e as Error).message;
    }
    list.push(p);
  }
  byCtx.set(contextType, list);
  return list;
}

/** The type name fhirpath.js needs to interpret a node (a datatype, a resource, or a backbone element's path). */
function contextTypeOf(applied: Applied[], typeCode: string): string {
  if (typeCode === 'BackboneElement' || typeCode === 'Element') {
    const el = applied[0]?.el;
    if (el) return el.path;
  }
  return typeCode;
}

export function evaluateConstraints(
  v: InstanceValidator,
  st: RunState,
  value: unknown,
  ext: unknown,
  applied: Applied[],
  typeCode: string,
  loc: Loc,
): void {
  // the narrative div is checked by the XHTML checker (txt-1/txt-2); FHIRPath has no value for it
  if (typeCode === 'xhtml') return;
  const ctxType = contextTypeOf(applied, typeCode);
  let done: Set<string> | undefined;
  let node: unknown;
  const frame = st.frame;
  // a datatype's own invariants (per-1 on Period, qty-3 on Quantity...) live on its root element
  const typeRoot = typeCode === 'BackboneElement' || typeCode === 'Element' ? undefined : v.compiler.typePlan(typeCode)?.root;
  const all = typeRoot && !applied.some((a) => a.el === typeRoot) ? [...applied, { el: typeRoot }] : applied;
  for (const a of all) {
    const list = prepare(a.el, ctxType);
    for (const c of list) {
      // an object holding only empty arrays/nulls was already reported as such; ele-1 would repeat it
      if (c.key === 'ele-1' && value && typeof value === 'object' && hasOnlyEmptyMembers(value as Record<string, unknown>)) continue;
      const k = c.key + '\u0000' + c.expression;
      if (done?.has(k)) continue;
      (done ??= new Set()).add(k);
      if (!c.compiled) {
        v.report(st, loc, 'warning', 'processing', 'invariant-uncompilable', `Constraint ${c.key} (from ${c.source}) could not be checked: its expression does not compile (${c.problem})`, {
          el: c.el,
        });
        continue;
      }
      if (node === undefined) node = typeof value === 'object' && value !== null ? value : wrapPrimitive(value, ext as never);
      let ok: boolean | undefined;
      try {
        ok = c.compiled.evaluate(node, { resource: frame?.resource ?? value, rootResource: frame?.root ?? value, context: node });
      } catch (e) {
        v.report(st, loc, 'warning', 'processing', 'invariant-error', `Constraint ${c.key} could not be evaluated here: ${(e as Error).message}`, { el: c.el });
        continue;
      }
      // only an explicit false fails: an empty result (e.g. ref-1 on a Reference without .reference)
      // is not a violation; the HL7 Java validator accepts these too
      if (ok === false) {
        v.report(st, loc, c.severity, 'invariant', `invariant:${c.key}`, `Constraint failed: ${c.key}: '${c.human}'`, { el: c.el });
      }
    }
  }
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
