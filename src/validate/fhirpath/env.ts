/**
 * What callers of the native evaluator see: the evaluation environment, the result and
 * function types, the primitive wrapper, and the three kinds of failure (see native.ts).
 */

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

/** A compiled invariant. May throw FhirPathError or NativeUnsupportedError (see native.ts). */
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
