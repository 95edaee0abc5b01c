/**
 * What the compiler produces: closures over an evaluation context (`Ctx`), with the
 * facts about each subexpression that the compiler uses to decide evaluation order and
 * what to remember.
 */
import { EVALUATION_BUDGET, FhirPathTooCostlyError, isPrimitiveNode, type FhirPathEnv } from './env.js';
import type { BaseInfo } from './model.js';
import { EMPTY, mkNode, type Coll, type Item, type Node } from './nodes.js';

/** One evaluation's state. */
export interface Ctx {
  /** $this (or the root): what a term is evaluated against */
  focus: Coll;
  readonly root: Coll;
  readonly env: FhirPathEnv;
  readonly node: unknown;
  /** per-evaluation results of subexpressions computed once (see Compiler.compile) */
  readonly memo: (Coll | undefined)[] | null;
  resource: Coll | undefined;
  rootResource: Coll | undefined;
  context: Coll | undefined;
  /** items made and steps taken so far in this evaluation (see EVALUATION_BUDGET) */
  spent: number;
}

/** Count `n` items or steps against the evaluation's budget. */
export function spend(c: Ctx, n: number): void {
  c.spent += n;
  if (c.spent > EVALUATION_BUDGET) {
    throw new FhirPathTooCostlyError(`evaluation stopped after ${EVALUATION_BUDGET} items and steps: the expression's cost grows too fast with this resource's size`);
  }
}

export function newCtx(rootNode: Node, env: FhirPathEnv, node: unknown, slots: number): Ctx {
  const root: Coll = [rootNode];
  // every field set here, so that all contexts share one shape
  return { focus: root, root, env, node, memo: slots ? new Array<Coll | undefined>(slots) : null, resource: undefined, rootResource: undefined, context: undefined, spent: 0 };
}

export type Fn = (c: Ctx) => Coll;

export interface Compiled {
  fn: Fn;
  /** may throw (an error, or NativeUnsupportedError): must be evaluated even when its result cannot matter */
  throws: boolean;
  /** at most one item */
  single: boolean;
  /** depends on $this (otherwise its value is fixed for one evaluation) */
  dep: boolean;
  /** not worth remembering */
  cheap?: boolean;
  /** yields booleans (or nothing) only */
  bool?: boolean;
  /** member navigation only: the number of items, without making them */
  count?: (c: Ctx) => number;
}

/** The expression uses something outside the supported subset (caught by the entry points in native.ts). */
export class Decline extends Error {}
export const decline = (why: string): never => {
  throw new Decline(why);
};

/** Runs `body` with `focus` as $this. */
export function withFocus(c: Ctx, focus: Coll, body: Fn): Coll {
  spend(c, 1);
  const saved = c.focus;
  c.focus = focus;
  try {
    return body(c);
  } finally {
    c.focus = saved;
  }
}

/** An external constant's value as fhirpath.js turns it into a collection. */
export function varColl(v: unknown): Coll {
  if (v === null || v === undefined) return EMPTY;
  if (!Array.isArray(v)) return [varItem(v)];
  const out: Item[] = [];
  for (const i of v) out.push(varItem(i));
  return out;
}

function varItem(i: unknown): Item {
  return typeof i === 'object' && i !== null ? mkNode(i, null, null, null) : (i as Item);
}

/** The node an evaluation starts from. */
export function rootOf(node: unknown, base: BaseInfo): Node {
  if (isPrimitiveNode(node)) return mkNode(node.__primitive, node.__ext ?? null, base.path, base.type);
  return mkNode(node, null, base.path, base.type);
}

export const constant = (v: Item): Compiled => {
  const c: Coll = [v];
  return { fn: () => c, throws: false, single: true, dep: false, cheap: true, bool: typeof v === 'boolean' };
};
