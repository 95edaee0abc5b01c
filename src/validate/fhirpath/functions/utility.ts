/** FHIRPath §5.9 Utility functions: trace(). */
import { withFocus, type Compiled } from '../compiled.js';
import { singleString } from '../singletons.js';
import type { FnCall, FunctionTable } from './call.js';

/** trace(name [, projection]): the input unchanged; the arguments are evaluated for their errors only. */
function trace(call: FnCall): Compiled {
  const { input, args } = call;
  const label = call.param(args[0]!);
  const proj = args[1] ? call.whole(args[1]) : undefined;
  return call.result(
    (c) => {
      const coll = input(c);
      singleString(label.fn(c));
      if (proj) withFocus(c, coll, proj.fn);
      return coll;
    },
    !(args[0]!.k === 'lit' && typeof args[0]!.value === 'string') || (proj?.throws ?? false),
    call.self.single,
  );
}

export const UTILITY: FunctionTable = {
  trace: { arity: [1, 2], compile: trace },
};
