/** FHIRPath §5.2 Filtering and projection: where(), select(), ofType(). */
import { spend, withFocus, type Compiled } from '../compiled.js';
import { EMPTY, type Item } from '../nodes.js';
import { criterionHolds } from '../singletons.js';
import { convertibleTo, typeOf } from '../type-info.js';
import type { FnCall, FunctionTable } from './call.js';
import { typeParam } from './types.js';

function where(call: FnCall): Compiled {
  const { input } = call;
  const crit = call.perItem(call.args[0]!);
  return call.result(
    (c) => {
      const coll = input(c);
      let out: Item[] | undefined;
      for (const i of coll) if (criterionHolds(withFocus(c, [i], crit.fn))) (out ??= []).push(i);
      return out ?? EMPTY;
    },
    crit.throws || !crit.bool,
    false,
  );
}

function select(call: FnCall): Compiled {
  const { input } = call;
  const proj = call.perItem(call.args[0]!);
  return call.result(
    (c) => {
      const out: Item[] = [];
      for (const i of input(c)) {
        const part = withFocus(c, [i], proj.fn);
        spend(c, part.length);
        for (const v of part) out.push(v);
      }
      return out;
    },
    proj.throws,
    false,
  );
}

function ofType(call: FnCall): Compiled {
  const { input } = call;
  const spec = typeParam(call.args[0]!);
  return call.result(
    (c) => {
      let out: Item[] | undefined;
      for (const i of input(c)) if (convertibleTo(typeOf(i), spec)) (out ??= []).push(i);
      return out ?? EMPTY;
    },
    false,
    false,
  );
}

export const FILTERING: FunctionTable = {
  where: { arity: [1], compile: where },
  select: { arity: [1], compile: select },
  ofType: { arity: [1], compile: ofType },
};
