/**
 * A compiler from FHIRPath to JavaScript closures for the subset that FHIR invariants
 * use. The reference is fhirpath.js (what the fallback runs), not the FHIRPath spec:
 * wherever the two differ, this mirrors fhirpath.js, so that a native result is always
 * the result fhirpath.js would give (the equivalence test in native.test.ts checks
 * this on every core invariant). Known deliberate departures are listed in
 * `effectiveExpression` below.
 *
 * Model. Values are plain FHIR JSON (see nodes.ts). A value taken from the instance is a `Node`
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
 *
 * Layout, after fhirpath.js: env.ts (the public types and errors), nodes.ts and
 * navigation.ts (values and child navigation), type-info.ts (types), data.ts, equality.ts,
 * sets.ts and temporal.ts (comparison), singletons.ts, compiled.ts and compiler.ts (the
 * compiler), operators.ts, functions/ (one module per FHIRPath spec section,
 * behind one table), hand-written.ts (ele-1, ext-1). This file is the entry point.
 */
import { Compiler } from './compiler.js';
import { newCtx, rootOf } from './compiled.js';
import type { FhirPathEnv, InvariantFn, InvariantResult } from './env.js';
import { HAND_WRITTEN } from './hand-written.js';
import * as model from './model.js';
import { Node, valData, type Coll, type Item } from './nodes.js';
import { parseFhirPath } from './parser.js';

export {
  EVALUATION_BUDGET,
  FhirPathError,
  FhirPathTooCostlyError,
  NativeUnsupportedError,
  isPrimitiveNode,
  wrapPrimitive,
  type FhirPathEnv,
  type InvariantFn,
  type InvariantResult,
  type PrimitiveExt,
  type PrimitiveNode,
} from './env.js';

// read once: imported bindings cost a getter call per access under some loaders (vitest, tsx)
const { baseInfoFor } = model;

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
    // Own keys only: an expression such as 'constructor' must not pick up Object.prototype.
    const special = Object.hasOwn(HAND_WRITTEN, expression) ? HAND_WRITTEN[expression] : undefined;
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
    if (Object.hasOwn(HAND_WRITTEN, expression)) return undefined;
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
