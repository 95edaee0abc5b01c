/** Reading a collection as one value (fhirpath.js' misc.singleton) and as a criterion. */
import { FhirPathError, NativeUnsupportedError } from './env.js';
import { Node, valData, type Coll, type Item } from './nodes.js';

function single(coll: Coll, what: string): Item | undefined {
  if (coll.length > 1) throw new FhirPathError(`Unexpected collection; expected singleton of type ${what}`);
  if (coll.length === 0) return undefined;
  const v = valData(coll[0]!);
  return v === null || v === undefined ? undefined : coll[0];
}

/** true | false | undefined (empty) */
export function singleBoolean(coll: Coll): boolean | undefined {
  const i = single(coll, 'Boolean');
  if (i === undefined) return undefined;
  const v = valData(i);
  return v === true || v === false ? v : true;
}

export function singleString(coll: Coll): string | undefined {
  const i = single(coll, 'String');
  if (i === undefined) return undefined;
  const v = valData(i);
  if (typeof v !== 'string') throw new FhirPathError('Expected string');
  return v;
}

export function singleInteger(coll: Coll): number | undefined {
  const i = single(coll, 'Integer');
  if (i === undefined) return undefined;
  const v = valData(i);
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new FhirPathError('Expected integer');
  return v;
}

/** util.isTrue on a criterion result */
export function isTrue(r: Coll): boolean {
  return r.length === 1 && valData(r[0]!) === true;
}

/** Truthiness of a where() criterion: fhirpath.js tests its first item with JavaScript truthiness. */
export function criterionHolds(r: Coll): boolean {
  if (r.length === 0) return false;
  const f = r[0]!;
  if (f instanceof Node) return true;
  if (typeof f === 'number') {
    // fhirpath.js' decimals are objects (always truthy), its counts are not: ambiguous at 0
    if (f === 0) throw new NativeUnsupportedError('number as criterion');
    return true;
  }
  return Boolean(f);
}
