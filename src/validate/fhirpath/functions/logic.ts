/** FHIRPath §6.5 Boolean logic: `and`, `or`, `xor`, `implies` with three-valued logic (fhirpath.js' logic.js), and not(). */
import type { Compiled, Ctx, Fn } from '../compiled.js';
import { EMPTY, FALSE, TRUE, bool, type Coll } from '../nodes.js';
import { singleBoolean } from '../singletons.js';
import type { FnCall, FunctionTable } from './call.js';

export type LogicOperator = 'and' | 'or' | 'xor' | 'implies';

export const isLogicOperator = (op: string): op is LogicOperator => op === 'and' || op === 'or' || op === 'xor' || op === 'implies';

export function logic(op: LogicOperator, l: Compiled, rr: Compiled): Compiled {
  // both operands are evaluated, as in fhirpath.js, unless the right one cannot throw
  const rightMatters = rr.throws || !rr.single;
  const leftVal = (c: Ctx): boolean | undefined => singleBoolean(l.fn(c));
  const rightVal = (c: Ctx): boolean | undefined => singleBoolean(rr.fn(c));
  const done = (fn: Fn): Compiled => ({ fn, throws: l.throws || !l.single || rightMatters, single: true, dep: l.dep || rr.dep, bool: true });
  const out = (v: boolean | undefined): Coll => (v === undefined ? EMPTY : bool(v));
  switch (op) {
    case 'and':
      return done((c) => {
        const a = leftVal(c);
        if (a === false && !rightMatters) return FALSE;
        const b = rightVal(c);
        if (a === false || b === false) return FALSE;
        return out(a === undefined || b === undefined ? undefined : true);
      });
    case 'or':
      return done((c) => {
        const a = leftVal(c);
        if (a === true && !rightMatters) return TRUE;
        const b = rightVal(c);
        if (a === true || b === true) return TRUE;
        return out(a === undefined || b === undefined ? undefined : false);
      });
    case 'xor':
      return done((c) => {
        const a = leftVal(c);
        const b = rightVal(c);
        return out(a === undefined || b === undefined ? undefined : a !== b);
      });
    default:
      return done((c) => {
        const a = leftVal(c);
        if (a === false && !rightMatters) return TRUE;
        const b = rightVal(c);
        if (a === false) return TRUE;
        if (a === undefined) return b === true ? TRUE : EMPTY;
        return out(b);
      });
  }
}

function not(call: FnCall): Compiled {
  const { input } = call;
  return call.result(
    (c) => {
      const b = singleBoolean(input(c));
      return b === undefined ? EMPTY : bool(!b);
    },
    !call.self.single,
    true,
    true,
  );
}

export const LOGIC: FunctionTable = {
  not: { arity: [0], compile: not },
};
