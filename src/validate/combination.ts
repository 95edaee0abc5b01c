/**
 * A combination: the set of definitions that apply together to one value (its base element,
 * every profile's element, matched slices, type profiles) for one type.
 *
 * The same combinations come back for every instance of a profile, so what they mean — the
 * children tables, the constraints once deduplicated, the binding that wins, the elements with
 * value rules — is worked out once per combination and kept here, instead of being merged again
 * for every value. Lookup is a walk down a small trie keyed by the element plans themselves:
 * one field read and one map lookup for the common single-definition case, no allocation.
 */
import type { ChildTable } from '../compile/compiler.js';
import type { ElementPlan, TypeRef } from '../compile/plan.js';

/** One definition applied to a value: an element plan and, for choices, the type chosen. */
export interface Applied {
  el: ElementPlan;
  type?: TypeRef;
}

/** Per JSON member name: its slot in each applied definition's children table (index = applied index). */
export interface MemberSlots {
  slots: (ReturnType<ChildTable['get']>)[];
  /** The tables these slots were read from. */
  tables: ChildTable[];
  /** Per table: the definition it adds to a value of this member (undefined: none new). */
  adds: (Applied | undefined)[];
  /** Per table: the shared applied list of a value after that table, before any slicing. */
  chain: Applied[][];
  /** Per table: the element the member counts towards for cardinality. */
  counted: (ElementPlan | undefined)[];
  /** Per table: the index of that element in the table's cardinality checks, or -1. */
  checkAt: number[];
  /** The member's type (a choice member's chosen type), undefined when it has several. */
  type?: string;
  primitive: boolean;
  /** Whether the member holds a resource (Bundle.entry.resource, contained...). */
  resource?: boolean;
  /** The combination of the last list of `chain` and `type`, once a value needed it. */
  chainCombo?: Combination;
}

export class Combination {
  /** Children tables, one per applied definition (complex values only). */
  tables?: ChildTable[];
  /** The type code each table was computed for ('' for a structure's root). */
  tableKeys?: string[];
  /** The applied list the tables were computed from. */
  tablesFor?: readonly Applied[];
  /** Member name → slot per table; undefined entries when a definition has no such member. */
  readonly members = new Map<string, MemberSlots>();
  /** Invariants of every definition and of the type's root, deduplicated (filled by invariants.ts). */
  constraints?: unknown;
  /** The bindings that apply (filled by bindings.ts). */
  bindings?: unknown;
  /** What a Reference may point at (filled by references.ts). */
  referenceTargets?: unknown;
  /** Whether some applied definition carries a type profile or a contentReference. */
  readonly needsExpansion: boolean;
  /** The applied definitions with value rules (fixed, pattern, min/max, lengths...). */
  readonly withFacts: readonly Applied[];

  constructor(
    readonly applied: readonly Applied[],
    readonly typeCode: string,
  ) {
    let needs = false;
    const facts: Applied[] = [];
    for (const a of applied) {
      if (a.el.needsExpansion) needs = true;
      if (a.el.facts.any) facts.push(a);
    }
    this.needsExpansion = needs;
    this.withFacts = facts;
  }
}

class Node {
  next?: Map<ElementPlan, Node>;
  byType?: Map<string, Combination>;
}

const roots = new WeakMap<ElementPlan, Node>();
const empty = new Map<string, Combination>();

/**
 * The combination for a list of applied definitions and a type. Callers must treat the lists
 * they pass as equal when they hold the same elements in the same order (their `type` refs
 * only narrow choices to `typeCode`, which is part of the key).
 */
export function combinationOf(applied: readonly Applied[], typeCode: string): Combination {
  if (applied.length === 0) {
    let e = empty.get(typeCode);
    if (!e) {
      e = new Combination([], typeCode);
      empty.set(typeCode, e);
    }
    return e;
  }
  const first = applied[0]!.el;
  let node = roots.get(first);
  if (!node) {
    node = new Node();
    roots.set(first, node);
  }
  for (let i = 1; i < applied.length; i++) {
    const el = applied[i]!.el;
    node.next ??= new Map();
    let n = node.next.get(el);
    if (!n) {
      n = new Node();
      node.next.set(el, n);
    }
    node = n;
  }
  node.byType ??= new Map();
  let c = node.byType.get(typeCode);
  if (!c) {
    c = new Combination(applied.slice(), typeCode);
    node.byType.set(typeCode, c);
  }
  return c;
}
