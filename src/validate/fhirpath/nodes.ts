/**
 * Runtime values of the native evaluator (fhirpath.js' ResourceNode and collections).
 * Values are plain FHIR JSON. A value taken from the instance is a `Node` carrying what
 * fhirpath.js' ResourceNode carries: the data, the `_name` sibling (id/extension of a
 * primitive), the model path and the FHIR type. Literals and computed values are bare
 * strings, numbers and booleans.
 */

export type Obj = Record<string, unknown>;

/** An element of the instance: fhirpath.js' ResourceNode, minus what we never use. */
export class Node {
  constructor(
    readonly d: unknown,
    readonly x: unknown,
    readonly p: string | null,
    readonly t: string | null,
  ) {}
}

export type Item = Node | string | number | boolean;
export type Coll = readonly Item[];

export const EMPTY: Coll = Object.freeze([]) as Coll;
export const TRUE: Coll = Object.freeze([true]) as Coll;
export const FALSE: Coll = Object.freeze([false]) as Coll;
export const bool = (b: boolean): Coll => (b ? TRUE : FALSE);

export const hasOwn = (o: object, k: string): boolean => Object.hasOwn(o, k);

export function mkNode(d: unknown, x: unknown, p: string | null, t: string | null): Node {
  // a resource (also a contained one) is typed by its resourceType, whatever the path said
  if (d !== null && typeof d === 'object') {
    const rt = (d as Obj).resourceType;
    if (rt) return new Node(d, x || null, rt as string, rt as string);
  }
  return new Node(d, x || null, p || null, t || null);
}

export const asNode = (i: Item): Node => (i instanceof Node ? i : new Node(i, null, null, null));

export const prop = (v: unknown, k: string): unknown => (v === null || v === undefined ? undefined : (v as Obj)[k]);

/** util.isSome: neither null/undefined nor an empty array. */
export const isSome = (v: unknown): boolean => v !== null && v !== undefined && !(Array.isArray(v) && v.length === 0);

/** util.valData */
export const valData = (i: Item): unknown => (i instanceof Node ? i.d : i);
