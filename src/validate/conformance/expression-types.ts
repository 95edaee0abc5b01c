/**
 * A static reading of a FHIRPath expression against the types it starts from (a SearchParameter's
 * `base` resources): does each name it navigates exist on the type it is applied to? This is the
 * check the FHIRPath specification calls type checking (fhirpath.html §"Type safety and strict
 * evaluation"), done as far as the types can be known without data: where the type of a step cannot
 * be known (a choice element, resolve(), a function whose result type is not obvious) the reading
 * stops there and nothing more is said, so a valid expression is never flagged.
 *
 * Types are those of fhirpath.js' R4 model: a type name (`HumanName`) or, for backbone elements,
 * the element path (`Patient.contact`).
 */
import { r4Model, isType } from '../fhirpath/model.js';
import { parseFhirPath, type Ast } from '../fhirpath/parser.js';
import { fhirpathJs } from '../fhirpath/model.js';

type Types = string[] | null;

/** The functions whose arguments are evaluated on each item of their input ($this is that item). */
const ITERATING = new Set(['where', 'select', 'exists', 'all', 'any', 'repeat', 'sum', 'aggregate']);
/** Functions whose result has the type of their input. */
const SAME_TYPE = new Set(['where', 'first', 'last', 'tail', 'skip', 'take', 'distinct', 'single', 'trace', 'intersect', 'exclude', 'union', 'combine', 'repeat']);
/** Functions whose arguments are type names, not expressions. */
const TYPE_ARGUMENT = new Set(['ofType', 'as', 'is']);

export type ExpressionProblem = { kind: 'syntax'; message: string } | { kind: 'name'; message: string };

/** The first problem of `expression` read from `bases`, or undefined when none can be shown. */
export function expressionProblem(expression: string, bases: string[]): ExpressionProblem | undefined {
  try {
    fhirpathJs().parse(expression);
  } catch (e) {
    return { kind: 'syntax', message: syntaxMessage(e) };
  }
  let ast: Ast;
  try {
    ast = parseFhirPath(expression);
  } catch {
    return undefined; // valid for fhirpath.js, beyond the native parser: nothing to say
  }
  const known = bases.filter((b) => r4Model.availableTypes.has(b));
  if (known.length !== bases.length || known.length === 0) return undefined;
  const typer = new Typer(known);
  typer.typeOf(ast, known);
  return typer.problem ? { kind: 'name', message: typer.problem } : undefined;
}

/**
 * The types an expression evaluates to read from `bases` (type names, or backbone element paths),
 * or undefined when they cannot all be known statically (or the expression has a problem).
 */
export function expressionResultTypes(expression: string, bases: string[]): string[] | undefined {
  let ast: Ast;
  try {
    ast = parseFhirPath(expression);
  } catch {
    return undefined;
  }
  if (bases.length === 0 || bases.some((b) => !r4Model.availableTypes.has(b))) return undefined;
  const typer = new Typer(bases);
  const types = typer.typeOf(ast, bases);
  return typer.problem || !types ? undefined : types;
}

function syntaxMessage(e: unknown): string {
  const m = e instanceof Error ? e.message : String(e);
  // fhirpath.js' parser says "line: 1; column: 19; message: …"; a TypeError inside it says nothing useful
  return /message:/.test(m) ? m.replace(/\s+/g, ' ').trim() : 'the expression is not valid FHIRPath';
}

class Typer {
  problem: string | undefined;

  constructor(private readonly root: string[]) {}

  /** The types `ast` can have, evaluated with `$this` of type `focus`; null when unknown. */
  typeOf(ast: Ast, focus: Types): Types {
    if (this.problem) return null;
    switch (ast.k) {
      case 'member':
        return this.member(ast, focus);
      case 'fn':
        return this.fn(ast, focus);
      case 'this':
        return focus;
      case 'bin': {
        const l = this.typeOf(ast.l, focus);
        const r = this.typeOf(ast.r, focus);
        if (ast.op !== '|') return null;
        return l && r ? [...new Set([...l, ...r])] : null;
      }
      case 'type': {
        this.typeOf(ast.l, focus);
        return ast.op === 'as' ? namedType(ast.type) : null;
      }
      case 'idx': {
        const t = this.typeOf(ast.base, focus);
        this.typeOf(ast.index, focus);
        return t;
      }
      case 'neg':
        this.typeOf(ast.e, focus);
        return null;
      default:
        return null;
    }
  }

  private member(ast: Extract<Ast, { k: 'member' }>, focus: Types): Types {
    const on = ast.base ? this.typeOf(ast.base, focus) : ast.atRoot === 1 ? this.root : focus;
    if (!on) return null;
    // a leading type name (`Patient.name`) names the focus itself, or one of its subtypes
    if (!ast.base && /^[A-Z]/.test(ast.name) && r4Model.availableTypes.has(ast.name)) {
      const same = on.filter((t) => isType(t, ast.name));
      if (same.length) return same;
      const narrower = on.some((t) => isType(ast.name, t));
      if (narrower) return [ast.name];
      this.problem = notValid(ast.name, on);
      return null;
    }
    const out: string[] = [];
    let unknown = false;
    for (const t of on) {
      const c = childType(t, ast.name);
      if (c === UNKNOWN) unknown = true;
      else if (c !== undefined) out.push(c);
    }
    if (out.length === 0 && !unknown) {
      this.problem = notValid(ast.name, on);
      return null;
    }
    return unknown ? null : [...new Set(out)];
  }

  private fn(ast: Extract<Ast, { k: 'fn' }>, focus: Types): Types {
    const input = ast.base ? this.typeOf(ast.base, focus) : focus;
    if (TYPE_ARGUMENT.has(ast.name)) {
      const arg = ast.args[0];
      return ast.name !== 'is' && arg?.k === 'member' && !arg.base ? namedType(arg.name) : null;
    }
    const argFocus = ITERATING.has(ast.name) ? input : null;
    let last: Types = null;
    for (const a of ast.args) last = this.typeOf(a, argFocus);
    if (ast.name === 'extension') return ['Extension'];
    if (ast.name === 'select') return last;
    return SAME_TYPE.has(ast.name) ? input : null;
  }
}

const UNKNOWN = '\u0000unknown';

function namedType(name: string): Types {
  const n = name.startsWith('FHIR.') ? name.slice(5) : name;
  return r4Model.availableTypes.has(n) ? [n] : null;
}

function notValid(name: string, on: string[]): string {
  return `The name '${name}' is not valid for any of the possible types: [${on.join(', ')}]`;
}

/** The type of element `name` of `t`, UNKNOWN when it cannot be told, undefined when `t` has no such element. */
function childType(t: string, name: string): string | undefined {
  // primitives and System types: their parts (value, id, extension) are not worth following
  if (t.startsWith('System.') || /^[a-z]/.test(t)) return UNKNOWN;
  const { path2Type, choiceTypePaths, pathsDefinedElsewhere, type2Parent } = r4Model;
  let start = pathsDefinedElsewhere[t] ?? t;
  if (!r4Model.availableTypes.has(start) && !path2Type[start] && !start.includes('.')) return UNKNOWN;
  for (let cur: string | undefined = start; cur; cur = type2Parent[cur]) {
    const key = `${cur}.${name}`;
    const ty = path2Type[key];
    if (ty) return ty === 'BackboneElement' || ty === 'Element' ? key : ty;
    if (choiceTypePaths[key]) return UNKNOWN;
    const elsewhere = pathsDefinedElsewhere[key];
    if (elsewhere) return elsewhere;
    start = cur;
  }
  // a backbone element path: its own children are listed under the path; Element's (id, extension) too
  if (t.includes('.')) {
    for (const base of ['BackboneElement', 'Element']) if (path2Type[`${base}.${name}`]) return path2Type[`${base}.${name}`];
  }
  return undefined;
}
