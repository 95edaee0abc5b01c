/** FHIRPath §6.3 Types: `is`/`as` (operators and functions) and type parameters, as in ofType(). */
import { FhirPathError } from '../env.js';
import { decline, type Compiled } from '../compiled.js';
import { EMPTY, bool } from '../nodes.js';
import type { Ast } from '../parser.js';
import { typeIs, typeOf, typeSpec, type TypeSpec } from '../type-info.js';
import type { FnCall, FunctionTable } from './call.js';

/** A type name given as a function argument (`ofType(Quantity)`, `is(FHIR.string)`). */
export function typeParam(a: Ast): TypeSpec {
  let text: string | undefined;
  if (a.k === 'member' && !a.base) text = a.name;
  else if (a.k === 'member' && a.base && a.base.k === 'member' && !a.base.base) text = a.base.name + '.' + a.name;
  return (text !== undefined ? typeSpec(text) : undefined) ?? decline('type parameter');
}

export function isType(input: Compiled, spec: TypeSpec): Compiled {
  return {
    fn: (c) => {
      const coll = input.fn(c);
      if (coll.length === 0) return EMPTY;
      if (coll.length > 1) throw new FhirPathError("Expected singleton on left side of 'is'");
      return bool(typeIs(typeOf(coll[0]!), spec));
    },
    throws: input.throws || !input.single,
    single: true,
    dep: input.dep,
    bool: true,
  };
}

export function asType(input: Compiled, spec: TypeSpec): Compiled {
  return {
    fn: (c) => {
      const coll = input.fn(c);
      if (coll.length === 0) return EMPTY;
      if (coll.length > 1) throw new FhirPathError("Expected singleton on left side of 'as'");
      return typeIs(typeOf(coll[0]!), spec) ? coll : EMPTY;
    },
    throws: input.throws || !input.single,
    single: true,
    dep: input.dep,
  };
}

export const TYPES: FunctionTable = {
  is: { arity: [1], compile: (call: FnCall) => isType(call.self, typeParam(call.args[0]!)) },
  as: { arity: [1], compile: (call: FnCall) => asType(call.self, typeParam(call.args[0]!)) },
};
