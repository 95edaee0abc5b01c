/**
 * Hand-written hot invariants: ele-1 and ext-1 run on nearly every element, so they take
 * the same steps as their compiled form without making the collections.
 */
import { isPrimitiveNode, type InvariantFn } from './env.js';
import type { BaseInfo } from './model.js';
import { childInfo, childrenOf, countChildren, type ChildInfo } from './navigation.js';
import type { Obj } from './nodes.js';
import { factsOfNodeType, factsOfValue, typeIs, type TypeFacts, type TypeSpec } from './type-info.js';

/** The root node's parts, without making the node. */
let rootD: unknown;
let rootX: unknown;
let rootP: string | null;
let rootF: TypeFacts;

function openRoot(node: unknown, base: BaseInfo, baseFacts: TypeFacts | null): void {
  let d: unknown;
  let x: unknown = null;
  if (isPrimitiveNode(node)) {
    d = node.__primitive;
    x = node.__ext || null;
  } else d = node;
  rootD = d;
  rootX = x;
  rootP = base.path;
  let f = baseFacts;
  if (typeof d === 'object' && d !== null) {
    const rt = (d as Obj).resourceType;
    if (rt) {
      rootP = rt as string;
      f = factsOfNodeType(rt as string);
    }
  }
  rootF = f ?? factsOfValue(d);
}

/** How many items a root-level name selects (see the member compiler for the quirks); `info` is for `infoPath`. */
function rootCount(name: string, spec: TypeSpec | null, info: ChildInfo, infoPath: string | null): number {
  const d = rootD;
  if (typeof d === 'object' && d !== null && (d as Obj).resourceType === name) return 1;
  if (spec && typeIs(rootF, spec)) return 1;
  return countChildren(d, rootX, rootP === infoPath ? info : childInfo(rootP, name));
}

/** ele-1: hasValue() or (children().count() > id.count()) */
function ele1(base: BaseInfo): InvariantFn {
  const baseFacts = base.type ? factsOfNodeType(base.type) : null;
  const idSpec: TypeSpec = { ns: undefined, name: 'id' };
  const idInfo = childInfo(base.path, 'id');
  return (node) => {
    openRoot(node, base, baseFacts);
    if (rootD !== null && rootD !== undefined && rootF.primitive) return true;
    return childrenOf(rootD, rootX, rootP, null) > rootCount('id', idSpec, idInfo, base.path);
  };
}

/** ext-1: extension.exists() != value.exists() */
function ext1(base: BaseInfo): InvariantFn {
  const baseFacts = base.type ? factsOfNodeType(base.type) : null;
  const extInfo = childInfo(base.path, 'extension');
  const valueInfo = childInfo(base.path, 'value');
  return (node) => {
    openRoot(node, base, baseFacts);
    return rootCount('extension', null, extInfo, base.path) > 0 !== rootCount('value', null, valueInfo, base.path) > 0;
  };
}

/** Hand-written evaluators by exact expression text. */
export const HAND_WRITTEN: Record<string, (base: BaseInfo) => InvariantFn> = {
  'hasValue() or (children().count() > id.count())': ele1,
  'extension.exists() != value.exists()': ext1,
};
