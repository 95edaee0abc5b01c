/** FHIRPath §5.5 Conversion: iif(), toInteger(), toString(). */
import { FhirPathError } from '../env.js';
import { withFocus, type Compiled } from '../compiled.js';
import { conv } from '../data.js';
import { EMPTY, valData } from '../nodes.js';
import { isTrue } from '../singletons.js';
import type { FnCall, FunctionTable } from './call.js';

/** iif(criterion, true-result [, otherwise-result]): the arguments see the input collection as a whole. */
function iif(call: FnCall): Compiled {
  const { input, args } = call;
  const cond = call.whole(args[0]!);
  const yes = call.whole(args[1]!);
  const no = args[2] ? call.whole(args[2]) : undefined;
  return call.result(
    (c) => {
      const coll = input(c);
      if (isTrue(withFocus(c, coll, cond.fn))) return withFocus(c, coll, yes.fn);
      return no ? withFocus(c, coll, no.fn) : EMPTY;
    },
    cond.throws || yes.throws || (no?.throws ?? false),
    yes.single && (no?.single ?? true),
  );
}

function toStringFn(call: FnCall): Compiled {
  const { input } = call;
  return call.result(
    (c) => {
      const coll = input(c);
      if (coll.length > 1) throw new FhirPathError('toString: the input collection contains multiple items');
      if (coll.length === 0) return EMPTY;
      const v = conv(coll[0]!);
      return v === null || v === undefined ? EMPTY : [String(v)];
    },
    true,
    true,
  );
}

function toInteger(call: FnCall): Compiled {
  const { input } = call;
  return call.result(
    (c) => {
      const coll = input(c);
      if (coll.length > 1) throw new FhirPathError('toInteger: the input collection contains multiple items');
      if (coll.length === 0) return EMPTY;
      const v = valData(coll[0]!);
      if (v === false) return [0];
      if (v === true) return [1];
      if (typeof v === 'number') return Number.isInteger(v) ? [v] : EMPTY;
      if (typeof v === 'string' && /^[+-]?\d+$/.test(v)) return [parseInt(v)];
      return EMPTY;
    },
    !call.self.single,
    true,
  );
}

export const CONVERSION: FunctionTable = {
  iif: { arity: [2, 3], compile: iif },
  toString: { arity: [0], compile: toStringFn },
  toInteger: { arity: [0], compile: toInteger },
};
