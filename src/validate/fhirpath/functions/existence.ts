/** FHIRPath §5.1 Existence: empty(), exists(), all(), allTrue() and kin, count(), distinct(), isDistinct(). */
import { FhirPathError } from '../env.js';
import { withFocus, type Compiled, type Ctx } from '../compiled.js';
import { FALSE, TRUE, bool, valData } from '../nodes.js';
import { distinct } from '../sets.js';
import { criterionHolds, isTrue } from '../singletons.js';
import type { FnCall, FunctionDef, FunctionTable } from './call.js';

/** empty(), exists(), count() without arguments: counting a navigation needs no nodes. */
function counting(call: FnCall): Compiled {
  const { name, self, input } = call;
  const n: (c: Ctx) => number = self.count ?? ((c) => input(c).length);
  if (name === 'count') return call.result((c) => [n(c)], false, true);
  const want = name === 'exists';
  return call.result((c) => bool(n(c) > 0 === want), false, true, true);
}

/** exists(criterion) */
function existsWhere(call: FnCall): Compiled {
  const { input } = call;
  const crit = call.perItem(call.args[0]!);
  return call.result(
    (c) => {
      let found = false;
      for (const i of input(c)) {
        if (criterionHolds(withFocus(c, [i], crit.fn))) {
          found = true;
          if (!crit.throws) break;
        }
      }
      return bool(found);
    },
    crit.throws || !crit.bool,
    true,
    true,
  );
}

function all(call: FnCall): Compiled {
  const { input } = call;
  const crit = call.perItem(call.args[0]!);
  return call.result(
    (c) => {
      for (const i of input(c)) if (!isTrue(withFocus(c, [i], crit.fn))) return FALSE;
      return TRUE;
    },
    crit.throws,
    true,
    true,
  );
}

/** allTrue(), anyTrue(), allFalse(), anyFalse() */
function booleans(call: FnCall): Compiled {
  const { name, input } = call;
  const want = name === 'allTrue' || name === 'anyTrue';
  const every = name === 'allTrue' || name === 'allFalse';
  return call.result(
    (c) => {
      const coll = input(c);
      let rtn = every;
      for (let k = 0; k < coll.length && rtn === every; k++) {
        const v = valData(coll[k]!);
        if (typeof v !== 'boolean') throw new FhirPathError(`${name}: expected boolean`);
        rtn = v === want;
      }
      return bool(rtn);
    },
    true,
    true,
    true,
  );
}

function distinctOf(call: FnCall): Compiled {
  const { input } = call;
  return call.result((c) => distinct(input(c)), true, false);
}

function isDistinct(call: FnCall): Compiled {
  const { input } = call;
  return call.result(
    (c) => {
      const coll = input(c);
      return bool(coll.length === distinct(coll).length);
    },
    true,
    true,
    true,
  );
}

const booleansDef: FunctionDef = { arity: [0], compile: booleans };

export const EXISTENCE: FunctionTable = {
  empty: { arity: [0], compile: counting },
  exists: { arity: [0, 1], compile: (call) => (call.args.length === 0 ? counting(call) : existsWhere(call)) },
  count: { arity: [0], compile: counting },
  all: { arity: [1], compile: all },
  allTrue: booleansDef,
  anyTrue: booleansDef,
  allFalse: booleansDef,
  anyFalse: booleansDef,
  distinct: { arity: [0], compile: distinctOf },
  isDistinct: { arity: [0], compile: isDistinct },
};
