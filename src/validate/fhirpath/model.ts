/**
 * The one place that reaches into fhirpath.js (HL7's FHIRPath engine). Everything is
 * loaded through its CommonJS entry: the package's ESM entry is a separate bundle with
 * its own copies of the internal classes, so mixing the two would break `instanceof`.
 *
 * The native compiler reuses fhirpath.js' R4 model (paths, choice types, type
 * hierarchy) and its date/time classes, so that typing, choice-type resolution and
 * date comparison behave exactly as in the fallback engine.
 */
import { createRequire } from 'node:module';
import { compileRegex, UnsupportedRegex, type SafeRegex } from '../../model/regex.js';

const require = createRequire(import.meta.url);

export interface R4Model {
  version: string;
  choiceTypePaths: Record<string, string[]>;
  pathsDefinedElsewhere: Record<string, string>;
  type2Parent: Record<string, string>;
  path2Type: Record<string, string>;
  path2TypeWithoutElements: Record<string, string>;
  availableTypes: Set<string>;
}

/** fhirpath.js' date/time values: only what the native evaluator calls. */
export interface FpTemporal {
  compare(other: unknown): number | null;
  equals(other: unknown): boolean | undefined;
  toString(): string;
}
interface FpTemporalClass {
  checkString(ctx: unknown, s: unknown): FpTemporal | null;
}

interface FpTypesModule {
  FP_Type: abstract new (...args: never[]) => object;
  FP_Date: FpTemporalClass;
  FP_DateTime: FpTemporalClass;
  FP_Instant: FpTemporalClass;
  FP_Time: FpTemporalClass;
  FP_Decimal_Native: { getDecimal(v: number | string): unknown };
  ResourceNode: new (ctx: unknown, data: unknown, parent: unknown, path: string | null, ext: unknown, type: string | null, propName?: string | null) => object;
}

export interface FhirpathCompiled {
  (data: unknown, envVars?: Record<string, unknown>, options?: Record<string, unknown>): unknown[];
}
interface FhirpathModule {
  compile(path: string | { base: string; expression: string }, model?: unknown, options?: Record<string, unknown>): FhirpathCompiled;
  parse(expression: string): unknown;
  evaluate(resource: unknown, path: string, envVars?: Record<string, unknown>, model?: unknown, options?: Record<string, unknown>): unknown[];
}

let engine: FhirpathModule | undefined;
/**
 * fhirpath.js' parser and evaluator, loaded on first use: the native compiler handles most
 * expressions, and loading the engine (its ANTLR parser) is a large part of start-up time.
 */
export function fhirpathJs(): FhirpathModule {
  return (engine ??= require('fhirpath') as FhirpathModule);
}
export const r4Model = require('fhirpath/fhir-context/r4') as R4Model;

let types: FpTypesModule | undefined;
/**
 * fhirpath.js' value classes (dates, decimals, resource nodes), loaded on first use: loading them
 * builds its UCUM utilities, a noticeable part of a one-message run that compares no dates.
 */
export function fpTypes(): FpTypesModule {
  return (types ??= require('fhirpath/src/types.js') as FpTypesModule);
}
/** The value classes if something has loaded them (no fhirpath.js value can exist before that). */
export function fpTypesIfLoaded(): FpTypesModule | undefined {
  return types;
}

let context: { model: R4Model; getDecimal: (v: number | string) => unknown } | undefined;
/** A stand-in for fhirpath.js' evaluation context, as its value classes need one. */
export function fpContext(): { model: R4Model; getDecimal: (v: number | string) => unknown } {
  return (context ??= { model: r4Model, getDecimal: fpTypes().FP_Decimal_Native.getDecimal });
}

/** Where a node with a given base sits in the model: fhirpath.js' own normalisation of `{ base }`. */
export interface BaseInfo {
  path: string | null;
  type: string | null;
}

const baseCache = new Map<string, BaseInfo>();

export function baseInfoFor(contextType: string | undefined): BaseInfo {
  if (!contextType) return { path: null, type: null };
  let info = baseCache.get(contextType);
  if (info) return info;
  let basePath = contextType.replace(/\[\d*]/g, '');
  const elsewhere = Object.keys(r4Model.pathsDefinedElsewhere);
  // long recursive paths collapse onto their definition (Questionnaire.item.item -> Questionnaire.item)
  for (;;) {
    const hit = elsewhere.find((p) => basePath.startsWith(p));
    if (!hit) break;
    basePath = r4Model.pathsDefinedElsewhere[hit] + basePath.substring(hit.length);
  }
  basePath = r4Model.pathsDefinedElsewhere[basePath] || basePath;
  const type = r4Model.availableTypes.has(basePath) ? basePath : r4Model.path2Type[basePath];
  const path = type === 'BackboneElement' || type === 'Element' ? basePath : type || basePath;
  info = { path: path || null, type: type || null };
  baseCache.set(contextType, info);
  return info;
}

/** TypeInfo.isType: is `type` the same as or derived from `superType`? */
export function isType(type: string | null, superType: string): boolean {
  let t: string | undefined | null = type;
  while (t) {
    if (t === superType) return true;
    t = r4Model.type2Parent[t];
  }
  return false;
}

export const SYSTEM_TYPES = new Set(['Boolean', 'String', 'Integer', 'Long', 'Decimal', 'Date', 'DateTime', 'Time', 'Quantity']);

/** Type names fhirpath.js treats as primitive (its `primitives` set). */
export const PRIMITIVE_TYPE_NAMES = new Set([
  'instant', 'time', 'date', 'dateTime', 'base64Binary', 'decimal', 'integer64', 'boolean', 'string', 'code', 'markdown', 'id',
  'integer', 'unsignedInt', 'positiveInt', 'uri', 'oid', 'uuid', 'canonical', 'url',
  'Integer', 'Long', 'Decimal', 'String', 'Date', 'DateTime', 'Time',
]);

/** FHIR primitive types that convert implicitly to a System type (for ofType()). */
export const FHIR_TO_SYSTEM: Record<string, string> = {
  boolean: 'Boolean',
  string: 'String', uri: 'String', code: 'String', oid: 'String', id: 'String', uuid: 'String', markdown: 'String', base64Binary: 'String',
  integer: 'Integer', unsignedInt: 'Integer', positiveInt: 'Integer',
  integer64: 'Long',
  decimal: 'Decimal',
  date: 'DateTime', dateTime: 'DateTime', instant: 'DateTime',
  time: 'Time',
  Quantity: 'Quantity',
};

/** Node types whose values fhirpath.js turns into its date/time classes before comparing. */
const TEMPORAL_TYPES = new Set(['date', 'dateTime', 'instant', 'time']);

/** The fhirpath.js date/time class for values of this node type, undefined for any other type. */
export function temporalClass(type: string): FpTemporalClass | undefined {
  if (!TEMPORAL_TYPES.has(type)) return undefined;
  const t = fpTypes();
  return type === 'date' ? t.FP_Date : type === 'dateTime' ? t.FP_DateTime : type === 'instant' ? t.FP_Instant : t.FP_Time;
}

/** The single string in a fhirpath.js collection, undefined when empty; more than one is an error (as in FHIRPath). */
function singleStringOf(coll: unknown): string | undefined {
  const items = Array.isArray(coll) ? coll : [coll];
  if (items.length === 0) return undefined;
  if (items.length > 1) throw new Error('expected a single string, found a collection of ' + items.length);
  let v = items[0];
  if (v && typeof v === 'object' && 'data' in v) v = (v as { data: unknown }).data;
  if (typeof v !== 'string') throw new Error('expected a string');
  return v;
}

/**
 * fhirpath.js runs `matches()`, `matchesFull()` and `replaceMatches()` on JavaScript's
 * backtracking engine; these replacements (its `userInvocationTable` option) run them on the
 * linear-time one, as the native evaluator does.
 */
export const SAFE_REGEX_FUNCTIONS = (() => {
  const compile = (pattern: string, flags: string | undefined, dotAll: boolean): SafeRegex => {
    const re = compileRegex(pattern, { dotAll, ignoreCase: flags?.includes('i'), multiline: flags?.includes('m') });
    if (re instanceof UnsupportedRegex) throw new Error(re.message);
    return re;
  };
  const test = (whole: boolean) => (coll: unknown, pattern: string | undefined, flags?: string) => {
    const s = singleStringOf(coll);
    if (s === undefined || pattern === undefined || pattern === null) return [];
    const re = compile(pattern, flags, true);
    return whole ? re.matchesWhole(s) : re.find(s);
  };
  return {
    matches: { fn: test(false), arity: { 1: ['String' as const], 2: ['String' as const, 'String' as const] } },
    matchesFull: { fn: test(true), arity: { 1: ['String' as const], 2: ['String' as const, 'String' as const] } },
    replaceMatches: {
      fn: (coll: unknown, pattern: string | undefined, by: string | undefined) => {
        const s = singleStringOf(coll);
        if (s === undefined || pattern === undefined || pattern === null || by === undefined || by === null) return [];
        return compile(pattern, undefined, false).replaceAll(s, by);
      },
      arity: { 2: ['String' as const, 'String' as const] },
    },
  };
})();
