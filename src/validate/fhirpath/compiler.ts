/**
 * The compiler: a FHIRPath AST to closures over an evaluation context. Terms, member
 * navigation and variables are compiled here; functions through the function table
 * (functions/index.ts), operators through operators.ts and functions/logic.ts.
 */
import { constant, decline, varColl, type Compiled, type Ctx, type Fn } from './compiled.js';
import { UCUM } from './data.js';
import type { FnCall } from './functions/call.js';
import { FUNCTIONS } from './functions/index.js';
import { asType, isType } from './functions/types.js';
import { isLogicOperator, logic } from './functions/logic.js';
import { childInfo, countChildren, pushChildren, type ChildInfo } from './navigation.js';
import { EMPTY, asNode, type Item, type Node, type Obj } from './nodes.js';
import { OPERATORS } from './operators.js';
import type { Ast } from './parser.js';
import { TYPE_NAMES, typeIs, typeOf, typeSpec, type TypeSpec } from './type-info.js';

export class Compiler {
  private iterDepth = 0;
  /** > 0 inside arguments evaluated against something else than the root (items, iif's input) */
  private focusDepth = 0;
  memoSlots = 0;
  /** memo slot by subexpression text: dom-3 repeats `%resource.descendants()` four times */
  private readonly slotOf = new Map<string, number>();
  /** how often each subexpression occurs */
  private readonly occurrences = new Map<string, number>();

  /** each node's text (its structure serialised), made once, bottom-up */
  private readonly textOf = new Map<object, string>();

  constructor(root: Ast) {
    this.textFor(root);
  }

  /** A node's text, as JSON.stringify would compare it; every expression node in the tree is counted in `occurrences`. */
  private textFor(a: unknown): string {
    if (a === null || typeof a !== 'object') return JSON.stringify(a) ?? 'undefined';
    let t: string;
    if (Array.isArray(a)) {
      t = '[' + a.map((x) => this.textFor(x)).join(',') + ']';
    } else {
      t = '{';
      for (const [k, v] of Object.entries(a)) if (v !== undefined) t += JSON.stringify(k) + ':' + this.textFor(v) + ',';
      t += '}';
      if ('k' in a) this.occurrences.set(t, (this.occurrences.get(t) ?? 0) + 1);
    }
    this.textOf.set(a, t);
    return t;
  }

  compile(a: Ast): Compiled {
    const r = this.node(a);
    if (r.cheap) return r;
    const text = this.textOf.get(a) ?? this.textFor(a);
    // Computed once per evaluation: inside where()/select()/..., what ignores $this
    // (`%resource.descendants()`, which would be recomputed for every item); at the root,
    // what the expression repeats (per-1 reads `start` and `end` twice).
    const remember = (this.iterDepth > 0 && !r.dep) || (this.focusDepth === 0 && (this.occurrences.get(text) ?? 0) > 1);
    if (!remember) return r;
    let slot = this.slotOf.get(text);
    if (slot === undefined) this.slotOf.set(text, (slot = this.memoSlots++));
    const f = r.fn;
    const at = slot;
    return {
      ...r,
      fn: (c) => {
        const m = c.memo!;
        let v = m[at];
        if (v === undefined) m[at] = v = f(c);
        return v;
      },
    };
  }

  /** Compiles an argument evaluated against each input item, or against the input as a whole. */
  nested(a: Ast, perItem: boolean): Compiled {
    this.focusDepth++;
    if (perItem) this.iterDepth++;
    try {
      return this.compile(a);
    } finally {
      this.focusDepth--;
      if (perItem) this.iterDepth--;
    }
  }

  private node(a: Ast): Compiled {
    switch (a.k) {
      case 'lit':
        if (typeof a.value === 'number' && String(a.value) !== a.text) decline('number literal not in canonical form');
        return constant(a.value);
      case 'empty':
        return { fn: () => EMPTY, throws: false, single: true, dep: false, cheap: true };
      case 'this':
        return { fn: (c) => c.focus, throws: false, single: false, dep: true, cheap: true };
      case 'var':
        return this.variable(a.name);
      case 'member':
        return this.member(a.name, a.atRoot, a.base);
      case 'fn':
        return this.fn(a.name, a.args, a.base);
      case 'bin':
        return this.binary(a.op, a.l, a.r);
      case 'type': {
        const spec = typeSpec(a.type) ?? decline('unknown type ' + a.type);
        const l = this.compile(a.l);
        return a.op === 'is' ? isType(l, spec) : asType(l, spec);
      }
      case 'neg': {
        if (a.e.k !== 'lit' || typeof a.e.value !== 'number') return decline('polarity');
        const v = a.op === '-' ? -a.e.value : a.e.value;
        if (String(v) !== (a.op === '-' ? '-' : '') + a.e.text) decline('number literal not in canonical form');
        return constant(v);
      }
      case 'idx': {
        if (a.index.k !== 'lit' || typeof a.index.value !== 'number' || !Number.isInteger(a.index.value)) return decline('indexer');
        const idx = a.index.value;
        const base = this.compile(a.base);
        return {
          fn: (c) => {
            const coll = base.fn(c);
            return idx >= 0 && coll.length > idx ? [coll[idx]!] : EMPTY;
          },
          throws: base.throws,
          single: true,
          dep: base.dep,
        };
      }
      default:
        return decline(a.k);
    }
  }

  private variable(name: string): Compiled {
    switch (name) {
      case 'ucum':
        return constant(UCUM);
      case 'resource':
        return { fn: (c) => (c.resource ??= varColl(c.env.resource)), throws: false, single: false, dep: false, cheap: true };
      case 'rootResource':
        return { fn: (c) => (c.rootResource ??= varColl(c.env.rootResource)), throws: false, single: false, dep: false, cheap: true };
      case 'context':
        return {
          fn: (c) => (c.context ??= c.env.context === undefined || c.env.context === c.node ? c.root : varColl(c.env.context)),
          throws: false,
          single: false,
          dep: false,
          cheap: true,
        };
      default:
        return decline('%' + name);
    }
  }

  private member(name: string, atRoot: 0 | 1 | 2, baseAst: Ast | undefined): Compiled {
    const base = baseAst ? this.compile(baseAst) : undefined;
    const checkType = TYPE_NAMES(name) && atRoot !== 0;
    const spec: TypeSpec = { ns: undefined, name };
    let lastPath: string | null | undefined;
    let lastInfo: ChildInfo | undefined;
    const info = (p: string | null): ChildInfo => {
      if (p !== lastPath || !lastInfo) {
        lastPath = p;
        lastInfo = childInfo(p, name);
      }
      return lastInfo;
    };
    /** fhirpath.js' quirks: a resource of that type, or (at the root) a node of that type, is itself selected */
    const selectsSelf = (c: Ctx, n: Node): boolean => {
      const d = n.d;
      if (typeof d === 'object' && d !== null && (d as Obj).resourceType === name) return true;
      return checkType && (atRoot === 1 || c.focus === c.root || (c.focus.length === 1 && c.focus[0] === c.root[0])) && typeIs(typeOf(n), spec);
    };
    const fn: Fn = (c) => {
      const input = base ? base.fn(c) : c.focus;
      let out: Item[] | undefined;
      for (let k = 0; k < input.length; k++) {
        const n = asNode(input[k]!);
        if (selectsSelf(c, n)) (out ??= []).push(n);
        else pushChildren(n.d, n.x, info(n.p), (out ??= []));
      }
      return out && out.length ? out : EMPTY;
    };
    const count = (c: Ctx): number => {
      const input = base ? base.fn(c) : c.focus;
      let total = 0;
      for (let k = 0; k < input.length; k++) {
        const n = asNode(input[k]!);
        total += selectsSelf(c, n) ? 1 : countChildren(n.d, n.x, info(n.p));
      }
      return total;
    };
    return { fn, count, throws: base?.throws ?? false, single: false, dep: base ? base.dep : true };
  }

  private fn(name: string, args: Ast[], baseAst: Ast | undefined): Compiled {
    const base = baseAst ? this.compile(baseAst) : undefined;
    const self: Compiled = base ?? { fn: (c) => c.focus, throws: false, single: false, dep: true };
    const def = FUNCTIONS.get(name) ?? decline(`function ${name}()`);
    if (!def.arity.includes(args.length)) decline(`${name}() with ${args.length} arguments`);
    return def.compile(new CallSite(this, name, args, self));
  }

  private binary(op: string, la: Ast, ra: Ast): Compiled {
    if (isLogicOperator(op)) return logic(op, this.compile(la), this.compile(ra));
    const l = this.compile(la);
    const r = this.compile(ra);
    const operator = OPERATORS.get(op) ?? decline('operator ' + op);
    return operator(l, r, op, la.k === 'this' && ra.k === 'this');
  }
}

/** A function's call site, for its entry in the function table. */
class CallSite implements FnCall {
  /** the `param` arguments, whose dependence on $this the call inherits */
  private readonly deps: Compiled[] = [];
  readonly input: Fn;

  constructor(
    private readonly compiler: Compiler,
    readonly name: string,
    readonly args: readonly Ast[],
    readonly self: Compiled,
  ) {
    this.input = self.fn;
  }

  param(a: Ast): Compiled {
    const p = this.compiler.compile(a);
    this.deps.push(p);
    return p;
  }

  perItem(a: Ast): Compiled {
    return this.compiler.nested(a, true);
  }

  whole(a: Ast): Compiled {
    return this.compiler.nested(a, false);
  }

  result(fn: Fn, throws: boolean, single: boolean, bool = false): Compiled {
    return { fn, throws: throws || this.self.throws, single, dep: this.self.dep || this.deps.some((d) => d.dep), bool };
  }
}
