/**
 * Item data as fhirpath.js compares and prints it (util.valDataConverted): date/time
 * strings of the instance become fhirpath.js' date/time values.
 */
import { FhirPathError, NativeUnsupportedError } from './env.js';
import * as model from './model.js';
import type { FpTemporal } from './model.js';
import { Node, hasOwn, type Item, type Obj } from './nodes.js';
import { facts } from './type-info.js';

// read once: imported bindings cost a getter call per access under some loaders (vitest, tsx)
const { temporalClass, fpContext, fpTypesIfLoaded } = model;

export const UCUM = 'http://unitsofmeasure.org';

/** util.valDataConverted; numbers stay JS numbers (fhirpath.js' FP_Decimal behaves alike here). */
export function conv(i: Item): unknown {
  if (!(i instanceof Node)) return i;
  const d = i.d;
  if (d === null || d === undefined || i.p === null) return d;
  const cls = temporalClass(i.p);
  if (cls) {
    try {
      return cls.checkString(fpContext(), d) || d;
    } catch (e) {
      // fhirpath.js fails the same way on a non-string date (it calls .match on it)
      throw new FhirPathError(e instanceof Error ? e.message : String(e));
    }
  }
  if (typeof d === 'object' && facts('FHIR', i.p).ancestors!.has('Quantity')) {
    const q = d as Obj;
    if (q.system === UCUM && typeof q.value === 'number' && typeof q.code === 'string') throw new NativeUnsupportedError('Quantity value');
  }
  return d;
}

export const isTemporal = (v: unknown): v is FpTemporal => {
  const types = fpTypesIfLoaded();
  return types !== undefined && v instanceof types.FP_Type;
};

/** numbers.roundToMaxPrecision */
export const round8 = (x: number): number => Math.round(x / 1e-8) * 1e-8;
