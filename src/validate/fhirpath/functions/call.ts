/**
 * The function table's contract: each FHIRPath function is compiled by one entry, given
 * its call site (input and arguments) and the compiler's ways to compile an argument.
 */
import type { Ast } from '../parser.js';
import type { Compiled, Fn } from '../compiled.js';

export interface FnCall {
  readonly name: string;
  readonly args: readonly Ast[];
  /** the input expression ($this when the call has no base) */
  readonly self: Compiled;
  /** evaluates the input */
  readonly input: Fn;
  /** compiles an argument evaluated against the current $this, like the input */
  param(a: Ast): Compiled;
  /** compiles an argument evaluated against each input item in turn */
  perItem(a: Ast): Compiled;
  /** compiles an argument evaluated against the input collection as a whole */
  whole(a: Ast): Compiled;
  /** the compiled call; `throws` and `dep` also take the input and the `param` arguments into account */
  result(fn: Fn, throws: boolean, single: boolean, bool?: boolean): Compiled;
}

export interface FunctionDef {
  /** the argument counts accepted (any other declines the expression) */
  readonly arity: readonly number[];
  compile(call: FnCall): Compiled;
}

/** Functions by name, one table per FHIRPath specification section. */
export type FunctionTable = Readonly<Record<string, FunctionDef>>;
