/** FHIRPath §5.8 Tree navigation: children(), descendants(). */
import { spend, type Compiled } from '../compiled.js';
import { childrenOf } from '../navigation.js';
import { Node, type Item } from '../nodes.js';
import type { FnCall, FunctionTable } from './call.js';

function children(call: FnCall): Compiled {
  const { input } = call;
  return call.result(
    (c) => {
      const level: Item[] = [];
      for (const i of input(c)) if (i instanceof Node) childrenOf(i.d, i.x, i.p, level);
      return level;
    },
    false,
    false,
  );
}

/** descendants(): children, level by level, each level counted against the budget */
function descendants(call: FnCall): Compiled {
  const { input } = call;
  return call.result(
    (c) => {
      let level: Item[] = [];
      for (const i of input(c)) if (i instanceof Node) childrenOf(i.d, i.x, i.p, level);
      const out: Item[] = [];
      while (level.length) {
        spend(c, level.length);
        for (const i of level) out.push(i);
        const next: Item[] = [];
        for (const i of level) if (i instanceof Node) childrenOf(i.d, i.x, i.p, next);
        level = next;
      }
      return out;
    },
    false,
    false,
  );
}

export const TREE: FunctionTable = {
  children: { arity: [0], compile: children },
  descendants: { arity: [0], compile: descendants },
};
