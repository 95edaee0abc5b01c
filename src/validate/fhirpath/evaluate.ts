/**
 * Compiled invariants: the native closure when the expression is inside the native
 * subset, HL7's fhirpath.js otherwise (and, lazily, for the rare runtime cases the
 * native code hands back with NativeUnsupportedError).
 *
 * Result: `true` (holds), `false` (violated) or `undefined` (the expression gave an
 * empty collection), read as the HL7 Java validator reads results
 * (FHIRPathEngine.convertToBoolean: one boolean is itself, anything else non-empty is
 * true). What empty means is the caller's call, hence the third state: R4 defines a
 * constraint as a "condition that must evaluate to true" and the Java validator
 * (InstanceValidator.checkInvariant -> evaluateToBoolean) counts empty as a failure,
 * as it does an evaluation error. Empty does occur on sound data: que-0's
 * `name.matches(...)` on a Questionnaire without a name (R5 rewrote such invariants as
 * `name.exists() implies ...`).
 *
 * Errors: `evaluate` throws InvariantEvaluationError (naming the key) when the
 * expression is in error for this input, e.g. `single()` on two items; the caller
 * reports that as a warning. fhirpath.js' own exceptions (some are bare strings) never
 * escape.
 */
import { SAFE_REGEX_FUNCTIONS, baseInfoFor, fhirpathJs, fpContext, fpTypes, r4Model, type FhirpathCompiled } from './model.js';
import {
  compileNative,
  effectiveExpression,
  isPrimitiveNode,
  NativeUnsupportedError,
  type FhirPathEnv,
  type InvariantFn,
  type InvariantResult,
} from './native.js';

export interface CompiledInvariant {
  key: string;
  expression: string;
  native: boolean;
  evaluate(node: unknown, env: FhirPathEnv): boolean | undefined;
}

export class InvariantEvaluationError extends Error {
  override name = 'InvariantEvaluationError';
  constructor(
    readonly key: string,
    readonly expression: string,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(`${key}: ${detail}`, options);
  }
}

/** How often evaluations went which way (for benchmarks and the equivalence report). */
export const invariantStats = { native: 0, fallback: 0, nativeHandedBack: 0 };

const UCUM = 'http://unitsofmeasure.org';
const noTrace = (): void => {};
const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** fhirpath.js for one (expression, context type); `key` only names the invariant in errors. */
type Fallback = (node: unknown, env: FhirPathEnv, key: string) => InvariantResult;

interface Engine {
  native?: InvariantFn;
  fallback: Fallback;
}

const engines = new Map<string, Engine>();
const compiled = new Map<string, CompiledInvariant>();

/** fhirpath.js over the same input and environment as the native path, read the same way. */
function fallbackFor(expression: string, contextType: string, eager: boolean): Fallback {
  const text = effectiveExpression(expression);
  let fn: FhirpathCompiled | undefined;
  const get = (): FhirpathCompiled => {
    // resolveInternalTypes: false keeps fhirpath.js from tagging the instance's objects with __path__
    fn ??= fhirpathJs.compile({ base: contextType, expression: text }, r4Model, { traceFn: noTrace, resolveInternalTypes: false, userInvocationTable: SAFE_REGEX_FUNCTIONS });
    return fn;
  };
  if (eager) get();
  const base = baseInfoFor(contextType);
  return (node, env, key) => {
    let compiledFn: FhirpathCompiled;
    try {
      compiledFn = get();
    } catch (e) {
      throw new InvariantEvaluationError(key, expression, `does not compile: ${message(e)}`, { cause: e });
    }
    const data = isPrimitiveNode(node)
      ? // a primitive needs its `_name` sibling; fhirpath.js takes that on its own node type only
        new fpTypes.ResourceNode(fpContext, node.__primitive, null, base.path, node.__ext ?? null, base.type, contextType)
      : node;
    const vars: Record<string, unknown> = { resource: env.resource, rootResource: env.rootResource, ucum: UCUM };
    // left out, %context is fhirpath.js' typed root node; passed in, it would be untyped
    if (env.context !== undefined && env.context !== node) vars.context = env.context;
    let out: unknown[];
    try {
      out = compiledFn(data, vars);
    } catch (e) {
      throw new InvariantEvaluationError(key, expression, message(e), { cause: e });
    }
    return readResult(out);
  };
}

function readResult(out: unknown[]): InvariantResult {
  let n = 0;
  let first: unknown;
  for (const item of out) {
    const v = item instanceof fpTypes.ResourceNode ? (item as { data: unknown }).data : item;
    // nodes without a value (a primitive with only extensions) are not results
    if (v === null || v === undefined) continue;
    if (n++ === 0) first = v;
  }
  if (n === 0) return undefined;
  if (n === 1 && typeof first === 'boolean') return first;
  return true;
}

/** contextType: FHIR type or path of the node (e.g. 'Patient', 'HumanName', 'Patient.contact') used by fhirpath.js' model. Throws a clear Error naming the key when the expression cannot be compiled at all. */
export function compileInvariant(key: string, expression: string, contextType: string): CompiledInvariant {
  const ck = key + '\u0000' + expression + '\u0000' + contextType;
  const hit = compiled.get(ck);
  if (hit) return hit;
  const ek = expression + '\u0000' + contextType;
  let engine = engines.get(ek);
  if (!engine) {
    const native = compileNative(expression, contextType);
    let fallback: Fallback;
    try {
      // compiled now only when it is the sole engine: fhirpath.js' parser is slow
      fallback = fallbackFor(expression, contextType, !native);
    } catch (e) {
      throw new Error(`Invariant ${key}: cannot compile FHIRPath expression '${expression}': ${message(e)}`, { cause: e });
    }
    engine = native ? { native, fallback } : { fallback };
    engines.set(ek, engine);
  }
  const { native, fallback } = engine;
  const result: CompiledInvariant = {
    key,
    expression,
    native: native !== undefined,
    evaluate: native
      ? (node, env) => {
          try {
            invariantStats.native++;
            return native(node, env);
          } catch (e) {
            if (e instanceof NativeUnsupportedError) {
              invariantStats.nativeHandedBack++;
              return fallback(node, env, key);
            }
            throw new InvariantEvaluationError(key, expression, message(e), { cause: e });
          }
        }
      : (node, env) => {
          invariantStats.fallback++;
          return fallback(node, env, key);
        },
  };
  compiled.set(ck, result);
  return result;
}

/** The same invariant evaluated by fhirpath.js alone (uncached): the reference the native path is tested against. */
export function compileFhirpathJsInvariant(key: string, expression: string, contextType: string): CompiledInvariant {
  const fallback = fallbackFor(expression, contextType, true);
  return { key, expression, native: false, evaluate: (node, env) => fallback(node, env, key) };
}
