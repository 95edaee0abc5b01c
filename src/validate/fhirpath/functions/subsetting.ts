/** FHIRPath §5.3 Subsetting: single(), first(), last(), tail(), skip(), take(), intersect(), exclude(). */
import { FhirPathError } from '../env.js';
import type { Compiled } from '../compiled.js';
import { EMPTY } from '../nodes.js';
import { exclude, intersect } from '../sets.js';
import { singleInteger } from '../singletons.js';
import type { FnCall, FunctionTable } from './call.js';
import { twoCollections } from './combining.js';

function single(call: FnCall): Compiled {
  const { input } = call;
  return call.result(
    (c) => {
      const coll = input(c);
      if (coll.length > 1) throw new FhirPathError('Expected single');
      return coll;
    },
    true,
    true,
  );
}

function first(call: FnCall): Compiled {
  const { input } = call;
  return call.result(
    (c) => {
      const coll = input(c);
      return coll.length ? [coll[0]!] : EMPTY;
    },
    false,
    true,
  );
}

function last(call: FnCall): Compiled {
  const { input } = call;
  return call.result(
    (c) => {
      const coll = input(c);
      return coll.length ? [coll[coll.length - 1]!] : EMPTY;
    },
    false,
    true,
  );
}

function tail(call: FnCall): Compiled {
  const { input } = call;
  return call.result((c) => input(c).slice(1), false, false);
}

/** skip(n), take(n) */
function skipOrTake(call: FnCall): Compiled {
  const { input } = call;
  const n = call.param(call.args[0]!);
  const take = call.name === 'take';
  return call.result(
    (c) => {
      const k = singleInteger(n.fn(c)) ?? 0;
      const coll = input(c);
      return take ? coll.slice(0, k) : coll.slice(k);
    },
    true,
    false,
  );
}

export const SUBSETTING: FunctionTable = {
  single: { arity: [0], compile: single },
  first: { arity: [0], compile: first },
  last: { arity: [0], compile: last },
  tail: { arity: [0], compile: tail },
  skip: { arity: [1], compile: skipOrTake },
  take: { arity: [1], compile: skipOrTake },
  intersect: { arity: [1], compile: (call) => twoCollections(call, intersect, true) },
  exclude: { arity: [1], compile: (call) => twoCollections(call, exclude, true) },
};
