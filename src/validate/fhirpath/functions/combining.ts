/** FHIRPath §5.4 Combining: union(), combine(); and the shared shape of the two-collection functions. */
import { spend, type Compiled } from '../compiled.js';
import type { Coll } from '../nodes.js';
import { distinct } from '../sets.js';
import type { FnCall, FunctionTable } from './call.js';

/** A function of the input and one other collection (union, combine, intersect, exclude). */
export function twoCollections(call: FnCall, op: (a: Coll, b: Coll) => Coll, alwaysThrows: boolean): Compiled {
  const { input } = call;
  const other = call.param(call.args[0]!);
  return call.result(
    (c) => {
      const a = input(c);
      const b = other.fn(c);
      spend(c, a.length + b.length);
      return op(a, b);
    },
    alwaysThrows || other.throws,
    false,
  );
}

export const COMBINING: FunctionTable = {
  union: { arity: [1], compile: (call) => twoCollections(call, (a, b) => distinct(a.concat(b)), true) },
  combine: { arity: [1], compile: (call) => twoCollections(call, (a, b) => a.concat(b), false) },
};
