/**
 * A small Pratt parser for FHIRPath (the N1 grammar as fhirpath.js reads it). It exists
 * so the native compiler does not pay for the ANTLR parser: invariants compile in
 * microseconds. Anything it cannot parse is left to fhirpath.js, so it only has to be
 * right, not complete: quantity, date/time and long literals parse into a node the
 * compiler rejects.
 */

export type Ast =
  | { k: 'member'; name: string; atRoot: 0 | 1 | 2; base?: Ast }
  | { k: 'fn'; name: string; args: Ast[]; base?: Ast; inParams: boolean }
  | { k: 'this' }
  | { k: 'index' }
  | { k: 'total' }
  | { k: 'lit'; value: string | number | boolean; text: string }
  | { k: 'empty' }
  | { k: 'unsupported'; what: string }
  | { k: 'var'; name: string }
  | { k: 'bin'; op: string; l: Ast; r: Ast }
  | { k: 'type'; op: 'is' | 'as'; l: Ast; type: string }
  | { k: 'neg'; op: '+' | '-'; e: Ast }
  | { k: 'idx'; base: Ast; index: Ast };

type Tok =
  | { t: 'id'; v: string; delimited: boolean }
  | { t: 'str'; v: string }
  | { t: 'num'; v: string }
  | { t: 'lit'; v: string } // date/time/long literals: recognised only to be rejected
  | { t: 'var'; v: string }
  | { t: 'sym'; v: string }
  | { t: 'eof'; v: '' };

export class ParseError extends Error {}

const ESCAPES: Record<string, string> = { '\\r': '\r', '\\n': '\n', '\\t': '\t', '\\f': '\f' };

/** The escape handling fhirpath.js applies to string literals and delimited identifiers. */
function unescape(s: string): string {
  return s.replace(/\\(u[0-9a-fA-F]{4}|.)/g, (m, sub: string) => ESCAPES[m] ?? (sub.length > 1 ? String.fromCharCode(parseInt(sub.slice(1), 16)) : sub));
}

const SYMBOLS = ['<=', '>=', '!=', '!~', '.', '[', ']', '(', ')', ',', '|', '&', '+', '-', '*', '/', '=', '~', '<', '>', '{', '}'];

function tokenize(src: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  const n = src.length;
  while (i < n) {
    const c = src[i]!;
    if (c === ' ' || c === '\t' || c === '\r' || c === '\n') {
      i++;
      continue;
    }
    if (c === '/' && src[i + 1] === '/') {
      while (i < n && src[i] !== '\n' && src[i] !== '\r') i++;
      continue;
    }
    if (c === '/' && src[i + 1] === '*') {
      const end = src.indexOf('*/', i + 2);
      if (end < 0) throw new ParseError('unterminated comment');
      i = end + 2;
      continue;
    }
    if (c === "'" || c === '`') {
      let j = i + 1;
      while (j < n && src[j] !== c) j += src[j] === '\\' ? 2 : 1;
      if (j >= n) throw new ParseError('unterminated literal');
      const body = unescape(src.slice(i + 1, j));
      out.push(c === "'" ? { t: 'str', v: body } : { t: 'id', v: body, delimited: true });
      i = j + 1;
      continue;
    }
    if (/[A-Za-z_]/.test(c)) {
      let j = i + 1;
      while (j < n && /[A-Za-z0-9_]/.test(src[j]!)) j++;
      out.push({ t: 'id', v: src.slice(i, j), delimited: false });
      i = j;
      continue;
    }
    if (c === '$') {
      const m = /^\$(this|index|total)\b/.exec(src.slice(i));
      if (!m) throw new ParseError('unknown $ name');
      out.push({ t: 'sym', v: m[0] });
      i += m[0].length;
      continue;
    }
    if (c === '%') {
      const rest = src.slice(i + 1);
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(rest);
      if (m) {
        out.push({ t: 'var', v: m[0] });
        i += 1 + m[0].length;
        continue;
      }
      const q = rest[0];
      if (q === "'" || q === '`') {
        let j = 1;
        while (j < rest.length && rest[j] !== q) j += rest[j] === '\\' ? 2 : 1;
        out.push({ t: 'var', v: unescape(rest.slice(1, j)) });
        i += 2 + j;
        continue;
      }
      throw new ParseError('bad external constant');
    }
    if (c === '@') {
      const m = /^@[0-9T:.+\-Z]*/.exec(src.slice(i))!;
      out.push({ t: 'lit', v: m[0] });
      i += m[0].length;
      continue;
    }
    if (/[0-9]/.test(c)) {
      const m = /^[0-9]+(\.[0-9]+)?(L)?/.exec(src.slice(i))!;
      out.push(m[2] ? { t: 'lit', v: m[0] } : { t: 'num', v: m[0] });
      i += m[0].length;
      continue;
    }
    const sym = SYMBOLS.find((s) => src.startsWith(s, i));
    if (!sym) throw new ParseError(`unexpected character '${c}'`);
    out.push({ t: 'sym', v: sym });
    i += sym.length;
  }
  out.push({ t: 'eof', v: '' });
  return out;
}

/** Binding power of infix operators (higher binds tighter), as the grammar orders them. */
const INFIX = new Map<string, number>([
  ['implies', 1],
  ['or', 2], ['xor', 2],
  ['and', 3],
  ['in', 4], ['contains', 4],
  ['=', 5], ['~', 5], ['!=', 5], ['!~', 5],
  ['<=', 6], ['<', 6], ['>', 6], ['>=', 6],
  ['|', 7],
  ['is', 8], ['as', 8],
  ['+', 9], ['-', 9], ['&', 9],
  ['*', 10], ['/', 10], ['div', 10], ['mod', 10],
]);
const PREFIX_BP = 11;
/** Keywords that can never be member names (without backticks). */
const RESERVED = new Set(['and', 'or', 'xor', 'implies', 'div', 'mod', 'true', 'false']);
const UNITS = new Set(['year', 'month', 'week', 'day', 'hour', 'minute', 'second', 'millisecond', 'years', 'months', 'weeks', 'days', 'hours', 'minutes', 'seconds', 'milliseconds']);

class Parser {
  private pos = 0;
  private paramDepth = 0;
  constructor(private readonly toks: Tok[]) {}

  private peek(o = 0): Tok {
    return this.toks[Math.min(this.pos + o, this.toks.length - 1)]!;
  }
  private next(): Tok {
    return this.toks[this.pos++]!;
  }
  private isSym(v: string, o = 0): boolean {
    const t = this.peek(o);
    return t.t === 'sym' && t.v === v;
  }
  private expectSym(v: string): void {
    if (!this.isSym(v)) throw new ParseError(`expected '${v}'`);
    this.pos++;
  }

  parseAll(): Ast {
    const e = this.expr(0);
    if (this.peek().t !== 'eof') throw new ParseError('trailing input');
    return e;
  }

  private infixOp(): string | undefined {
    const t = this.peek();
    if ((t.t === 'sym' || (t.t === 'id' && !t.delimited)) && INFIX.has(t.v)) return t.v;
    return undefined;
  }

  expr(minBp: number): Ast {
    let left = this.prefix();
    for (;;) {
      const op = this.infixOp();
      if (!op) break;
      const bp = INFIX.get(op)!;
      if (bp <= minBp) break;
      this.pos++;
      if (op === 'is' || op === 'as') {
        left = { k: 'type', op, l: left, type: this.qualifiedIdentifier() };
        continue;
      }
      const right = this.expr(bp);
      left = { k: 'bin', op, l: left, r: right };
    }
    return left;
  }

  private qualifiedIdentifier(): string {
    const parts = [this.identifier()];
    while (this.isSym('.') && this.peek(1).t === 'id') {
      this.pos++;
      parts.push(this.identifier());
    }
    return parts.join('.');
  }

  private identifier(): string {
    const t = this.next();
    if (t.t !== 'id' || (!t.delimited && RESERVED.has(t.v))) throw new ParseError('expected identifier');
    return t.v;
  }

  private prefix(): Ast {
    if (this.isSym('+') || this.isSym('-')) {
      const op = this.next().v as '+' | '-';
      return { k: 'neg', op, e: this.expr(PREFIX_BP) };
    }
    return this.postfix(this.term());
  }

  private postfix(e: Ast): Ast {
    for (;;) {
      if (this.isSym('.')) {
        this.pos++;
        e = this.invocation(e);
      } else if (this.isSym('[')) {
        this.pos++;
        const index = this.expr(0);
        this.expectSym(']');
        e = { k: 'idx', base: e, index };
      } else {
        return e;
      }
    }
  }

  /** After a '.', or at the start of a term (base undefined). */
  private invocation(base: Ast | undefined): Ast {
    const t = this.peek();
    if (t.t === 'sym' && t.v === '$this') {
      this.pos++;
      return base ? { k: 'unsupported', what: '.$this' } : { k: 'this' };
    }
    if (t.t === 'sym' && (t.v === '$index' || t.v === '$total')) {
      this.pos++;
      return { k: 'unsupported', what: t.v };
    }
    const name = this.identifier();
    if (this.isSym('(')) {
      this.pos++;
      const inParams = this.paramDepth > 0;
      const args: Ast[] = [];
      this.paramDepth++;
      if (!this.isSym(')')) {
        args.push(this.expr(0));
        while (this.isSym(',')) {
          this.pos++;
          args.push(this.expr(0));
        }
      }
      this.paramDepth--;
      this.expectSym(')');
      return base ? { k: 'fn', name, args, base, inParams } : { k: 'fn', name, args, inParams };
    }
    if (base) return { k: 'member', name, atRoot: 0, base };
    return { k: 'member', name, atRoot: this.paramDepth > 0 ? 2 : 1 };
  }

  private term(): Ast {
    const t = this.peek();
    switch (t.t) {
      case 'str':
        this.pos++;
        return { k: 'lit', value: t.v, text: t.v };
      case 'num': {
        this.pos++;
        // a number followed by a unit is a quantity literal
        const u = this.peek();
        if (u.t === 'str' || (u.t === 'id' && !u.delimited && UNITS.has(u.v))) {
          this.pos++;
          return { k: 'unsupported', what: 'quantity literal' };
        }
        return { k: 'lit', value: Number(t.v), text: t.v };
      }
      case 'lit':
        this.pos++;
        return { k: 'unsupported', what: `literal ${t.v}` };
      case 'var':
        this.pos++;
        return { k: 'var', name: t.v };
      case 'sym':
        if (t.v === '(') {
          this.pos++;
          const e = this.expr(0);
          this.expectSym(')');
          return e;
        }
        if (t.v === '{') {
          this.pos++;
          this.expectSym('}');
          return { k: 'empty' };
        }
        return this.invocation(undefined);
      case 'id':
        if (!t.delimited && (t.v === 'true' || t.v === 'false')) {
          this.pos++;
          return { k: 'lit', value: t.v === 'true', text: t.v };
        }
        // an instance selector (`Coding { ... }`) is beyond the subset
        if (this.peek(1).t === 'sym' && this.peek(1).v === '{') throw new ParseError('instance selector');
        return this.invocation(undefined);
      default:
        throw new ParseError('unexpected end of expression');
    }
  }
}

export function parseFhirPath(src: string): Ast {
  return new Parser(tokenize(src)).parseAll();
}
