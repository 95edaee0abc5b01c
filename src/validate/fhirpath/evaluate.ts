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
    fn ??= fhirpathJs().compile({ base: contextType, expression: text }, r4Model, {
      traceFn: noTrace,
      resolveInternalTypes: false,
      userInvocationTable: { ...SAFE_REGEX_FUNCTIONS, ...VALIDATOR_FUNCTIONS },
    } as Parameters<ReturnType<typeof fhirpathJs>['compile']>[2]);
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
        new (fpTypes().ResourceNode)(fpContext(), node.__primitive, null, base.path, node.__ext ?? null, base.type, contextType)
      : node;
    const vars: Record<string, unknown> = { resource: env.resource, rootResource: env.rootResource, ucum: UCUM };
    // left out, %context is fhirpath.js' typed root node; passed in, it would be untyped
    if (env.context !== undefined && env.context !== node) vars.context = env.context;
    let out: unknown[];
    const outer = activeEnv;
    activeEnv = env;
    try {
      out = compiledFn(data, vars);
    } catch (e) {
      throw new InvariantEvaluationError(key, expression, message(e), { cause: e });
    } finally {
      activeEnv = outer;
    }
    return readResult(out);
  };
}

/**
 * resolve(), conformsTo() and memberOf() (FHIR's FHIRPath additions), answered by the validator
 * through the environment of the evaluation under way (evaluation is synchronous). Without the
 * validator's answers they are errors, as fhirpath.js' own are offline.
 */
let activeEnv: FhirPathEnv | undefined;

const dataOf = (i: unknown): unknown => (i instanceof fpTypes().ResourceNode ? (i as { data: unknown }).data : i);
const typeOf = (i: unknown): string | null => {
  const t = i instanceof fpTypes().ResourceNode ? (i as { path?: unknown; fhirNodeDataType?: unknown }) : undefined;
  return typeof t?.fhirNodeDataType === 'string' ? t.fhirNodeDataType : null;
};
function need<K extends 'resolve' | 'conformsTo' | 'memberOf'>(name: K): NonNullable<FhirPathEnv[K]> {
  const hook = activeEnv?.[name];
  if (!hook) throw new Error(`${name}() cannot be evaluated here`);
  return hook.bind(activeEnv) as NonNullable<FhirPathEnv[K]>;
}
function single(inputs: unknown[], name: string): unknown {
  if (inputs.length > 1) throw new Error(`${name}: the input collection contains multiple items`);
  return inputs[0];
}

const VALIDATOR_FUNCTIONS = {
  resolve: {
    fn: (inputs: unknown[]): unknown[] => {
      const resolve = need('resolve');
      const out: unknown[] = [];
      for (const i of inputs) {
        const d = dataOf(i);
        const ref = typeof d === 'string' ? d : d && typeof d === 'object' && typeof (d as { reference?: unknown }).reference === 'string' ? (d as { reference: string }).reference : undefined;
        const target = ref ? resolve(ref) : undefined;
        if (target && typeof target === 'object') out.push(target);
      }
      return out;
    },
  },
  conformsTo: {
    fn: (inputs: unknown[], profile: string): unknown[] => {
      const conformsTo = need('conformsTo');
      const i = single(inputs, 'conformsTo');
      if (i === undefined || typeof profile !== 'string') return [];
      const v = conformsTo(dataOf(i), typeOf(i), profile);
      return v === undefined ? [] : [v];
    },
    arity: { 1: ['String'] },
  },
  memberOf: {
    fn: (inputs: unknown[], valueSet: string): unknown[] => {
      const memberOf = need('memberOf');
      const i = single(inputs, 'memberOf');
      if (i === undefined || typeof valueSet !== 'string') return [];
      const v = memberOf(dataOf(i), typeOf(i), valueSet);
      return v === undefined ? [] : [v];
    },
    arity: { 1: ['String'] },
  },
};

function readResult(out: unknown[]): InvariantResult {
  let n = 0;
  let first: unknown;
  for (const item of out) {
    const v = item instanceof fpTypes().ResourceNode ? (item as { data: unknown }).data : item;
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
