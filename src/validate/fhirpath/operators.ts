/**
 * FHIRPath §6 Operations: equality, comparison, collections (`|`, `in`, `contains`),
 * string concatenation and addition (operators.js, equality.js in fhirpath.js); the
 * boolean operators are in functions/logic.ts.
 */
import { FhirPathError, NativeUnsupportedError } from './env.js';
import type { Compiled, Fn } from './compiled.js';
import { conv } from './data.js';
import { collEqual, itemEqual } from './equality.js';
import { EMPTY, FALSE, TRUE, bool } from './nodes.js';
import { distinct } from './sets.js';
import { singleString } from './singletons.js';
import { compareColls } from './temporal.js';

/** Compiles `l op r`; `bothThis`: the operands are both `$this`. */
type Operator = (l: Compiled, r: Compiled, op: string, bothThis: boolean) => Compiled;

const result = (l: Compiled, r: Compiled, fn: Fn, single = true, isBool = true): Compiled => ({ fn, throws: true, single, dep: l.dep || r.dep, bool: isBool });

const equals: Operator = (l, r, op, same) => {
  const neg = op === '!=';
  return result(l, r, (c) => {
    const a = l.fn(c);
    const b = r.fn(c);
    if (a.length === 0 || b.length === 0) return EMPTY;
    const eq = collEqual(a, b, false, same);
    return eq === undefined ? EMPTY : bool(neg ? !eq : eq);
  });
};

const equivalent: Operator = (l, r, op, same) => {
  const neg = op === '!~';
  return result(l, r, (c) => {
    const a = l.fn(c);
    const eq = collEqual(a, r.fn(c), true, same);
    return bool(neg ? !eq : Boolean(eq));
  });
};

const compare: Operator = (l, r, op) =>
  result(l, r, (c) => {
    const a = l.fn(c);
    return compareColls(a, r.fn(c), op);
  });

const union: Operator = (l, r) =>
  result(
    l,
    r,
    (c) => {
      const a = l.fn(c);
      return distinct(a.concat(r.fn(c)));
    },
    false,
    false,
  );

/** `in` and `contains`: membership of a single item in a collection */
const membership: Operator = (l, r, op) => {
  const isIn = op === 'in';
  return result(l, r, (c) => {
    const a = l.fn(c);
    const b = r.fn(c);
    const coll = isIn ? b : a;
    const one = isIn ? a : b;
    if (one.length === 0) return EMPTY;
    if (coll.length === 0) return FALSE;
    if (one.length > 1) throw new FhirPathError(`Expected singleton on ${isIn ? 'left' : 'right'} side of ${op}`);
    for (const i of coll) if (itemEqual(i, one[0]!, false)) return TRUE;
    return FALSE;
  });
};

const concatenate: Operator = (l, r) =>
  result(
    l,
    r,
    (c) => {
      const a = singleString(l.fn(c)) ?? '';
      return [a + (singleString(r.fn(c)) ?? '')];
    },
    true,
    false,
  );

const plus: Operator = (l, r) =>
  result(
    l,
    r,
    (c) => {
      const a = l.fn(c);
      const b = r.fn(c);
      if (a.length === 0 || b.length === 0) return EMPTY;
      if (a.length !== 1 || b.length !== 1) throw new FhirPathError('+ expects single operands');
      const x = conv(a[0]!);
      const y = conv(b[0]!);
      if (x === null || x === undefined || y === null || y === undefined) return EMPTY;
      if (typeof x === 'string' && typeof y === 'string') return [x + y];
      if (typeof x === 'number' && typeof y === 'number') return [x + y];
      throw new NativeUnsupportedError('+ on these operands');
    },
    true,
    false,
  );

/** The operators the native compiler supports; any other declines the expression. */
export const OPERATORS: ReadonlyMap<string, Operator> = new Map([
  ['=', equals],
  ['!=', equals],
  ['~', equivalent],
  ['!~', equivalent],
  ['<', compare],
  ['>', compare],
  ['<=', compare],
  ['>=', compare],
  ['|', union],
  ['in', membership],
  ['contains', membership],
  ['&', concatenate],
  ['+', plus],
]);
