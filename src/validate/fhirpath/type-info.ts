/**
 * Types (fhirpath.js' TypeInfo): the type of an item, `is`/`as`/`ofType` tests and
 * type specifiers, on fhirpath.js' R4 model so that they give the same answers.
 */
import * as model from './model.js';
import { Node, hasOwn, type Item } from './nodes.js';

// read once: imported bindings cost a getter call per access under some loaders (vitest, tsx)
const { FHIR_TO_SYSTEM, PRIMITIVE_TYPE_NAMES, SYSTEM_TYPES, r4Model } = model;
const { type2Parent, availableTypes } = r4Model;

export interface TypeSpec {
  ns: 'FHIR' | 'System' | undefined;
  name: string;
}

/** A node's type, with what the hot paths ask of it precomputed. */
export interface TypeFacts extends TypeSpec {
  ns: 'FHIR' | 'System';
  /** TypeInfo.isPrimitiveValue */
  primitive: boolean;
  /** FHIR types: the type and its ancestors (TypeInfo.isType) */
  ancestors: Set<string> | null;
}

const factsCache = new Map<string, TypeFacts>();

export function facts(ns: 'FHIR' | 'System', name: string): TypeFacts {
  const k = ns + '.' + name;
  let f = factsCache.get(k);
  if (!f) {
    let ancestors: Set<string> | null = null;
    if (ns === 'FHIR') {
      ancestors = new Set();
      for (let t: string | undefined = name; t; t = type2Parent[t]) ancestors.add(t);
    }
    f = { ns, name, primitive: PRIMITIVE_TYPE_NAMES.has(name), ancestors };
    factsCache.set(k, f);
  }
  return f;
}

/** fhirNodeDataType -> type */
const nodeTypeCache = new Map<string, TypeFacts>();
export function factsOfNodeType(t: string): TypeFacts {
  let f = nodeTypeCache.get(t);
  if (!f) nodeTypeCache.set(t, (f = t.startsWith('System.') ? facts('System', t.slice(7)) : facts('FHIR', t)));
  return f;
}

const SYS_INTEGER = facts('System', 'Integer');
const SYS_DECIMAL = facts('System', 'Decimal');
const SYS_STRING = facts('System', 'String');
const SYS_BOOLEAN = facts('System', 'Boolean');
const SYS_OBJECT = facts('System', 'Object');

/** TypeInfo.createByValueInSystemNamespace */
export function factsOfValue(v: unknown): TypeFacts {
  switch (typeof v) {
    case 'string':
      return SYS_STRING;
    case 'boolean':
      return SYS_BOOLEAN;
    case 'number':
      return Number.isInteger(v) ? SYS_INTEGER : SYS_DECIMAL;
    case 'object':
      return SYS_OBJECT;
    default: {
      const name = typeof v;
      return facts('System', name.charAt(0).toUpperCase() + name.slice(1));
    }
  }
}

export function typeOf(i: Item): TypeFacts {
  if (i instanceof Node) return i.t ? factsOfNodeType(i.t) : factsOfValue(i.d);
  return factsOfValue(i);
}

export function typeIs(ti: TypeFacts, spec: TypeSpec): boolean {
  if (spec.ns && ti.ns !== spec.ns) return false;
  return ti.ancestors ? ti.ancestors.has(spec.name) : ti.name === spec.name;
}

export function convertibleTo(ti: TypeFacts, spec: TypeSpec): boolean {
  if (ti.ns === 'FHIR' && spec.ns !== 'FHIR' && hasOwn(FHIR_TO_SYSTEM, ti.name) && FHIR_TO_SYSTEM[ti.name] === spec.name) return true;
  return typeIs(ti, spec);
}

export function isPrimitiveValue(i: Item): boolean {
  return i instanceof Node ? typeOf(i).primitive : true;
}

/** Parses and validates a type specifier; undefined when fhirpath.js would reject it. */
export function typeSpec(text: string): TypeSpec | undefined {
  const parts = text.split('.');
  let ns: string | undefined;
  let name: string;
  if (parts.length === 2) [ns, name] = parts as [string, string];
  else if (parts.length === 1) name = parts[0]!;
  else return undefined;
  const valid =
    ns === 'System' ? SYSTEM_TYPES.has(name) : ns === 'FHIR' ? availableTypes.has(name) : ns === undefined ? SYSTEM_TYPES.has(name) || availableTypes.has(name) : false;
  return valid ? { ns: ns as TypeSpec['ns'], name } : undefined;
}

/** Whether a name is a type name (which fhirpath.js' member navigation treats specially). */
export const TYPE_NAMES = (name: string): boolean => SYSTEM_TYPES.has(name) || availableTypes.has(name);
