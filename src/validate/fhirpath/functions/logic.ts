/** FHIRPath §6.5 Boolean logic: not(). */
import type { Compiled } from '../compiled.js';
import { EMPTY, bool } from '../nodes.js';
import { singleBoolean } from '../singletons.js';
import type { FnCall, FunctionTable } from './call.js';

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
