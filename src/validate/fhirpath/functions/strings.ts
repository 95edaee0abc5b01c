/** FHIRPath §5.6 String manipulation: indexOf(), substring(), startsWith() and kin, matches(), replaceMatches(), length(). */
import { compileRegex, UnsupportedRegex, type SafeRegex } from '../../../model/regex.js';
import { FhirPathError } from '../env.js';
import type { Compiled } from '../compiled.js';
import { EMPTY, bool } from '../nodes.js';
import { singleInteger, singleString } from '../singletons.js';
import type { FnCall, FunctionDef, FunctionTable } from './call.js';

/** A profile's pattern on the linear-time engine (see model/regex.ts); one it cannot run is an evaluation error. */
function regex(source: string, dotAll = true): SafeRegex {
  const re = compileRegex(source, { dotAll });
  if (re instanceof UnsupportedRegex) throw new FhirPathError(re.message);
  return re;
}

/** startsWith(), endsWith(), contains(), indexOf() */
function withSubstring(call: FnCall): Compiled {
  const { name, input } = call;
  const arg = call.param(call.args[0]!);
  return call.result(
    (c) => {
      const s = singleString(input(c));
      const sub = singleString(arg.fn(c));
      if (sub === undefined || s === undefined) return EMPTY;
      if (name === 'indexOf') return [s.indexOf(sub)];
      return bool(name === 'startsWith' ? s.startsWith(sub) : name === 'endsWith' ? s.endsWith(sub) : s.includes(sub));
    },
    true,
    true,
    name !== 'indexOf',
  );
}

function matches(call: FnCall): Compiled {
  const { input } = call;
  const arg = call.param(call.args[0]!);
  return call.result(
    (c) => {
      const s = singleString(input(c));
      const re = singleString(arg.fn(c));
      if (re === undefined || s === undefined) return EMPTY;
      return bool(regex(re).find(s));
    },
    true,
    true,
    true,
  );
}

function replaceMatches(call: FnCall): Compiled {
  const { input } = call;
  const pat = call.param(call.args[0]!);
  const rep = call.param(call.args[1]!);
  return call.result(
    (c) => {
      const s = singleString(input(c));
      const re = singleString(pat.fn(c));
      const by = singleString(rep.fn(c));
      if (re === undefined || by === undefined || s === undefined) return EMPTY;
      return [regex(re, false).replaceAll(s, by)];
    },
    true,
    true,
  );
}

function substring(call: FnCall): Compiled {
  const { input, args } = call;
  const start = call.param(args[0]!);
  const len = args[1] ? call.param(args[1]) : undefined;
  return call.result(
    (c) => {
      const s = singleString(input(c));
      const st = singleInteger(start.fn(c));
      const ln = len ? singleInteger(len.fn(c)) : undefined;
      if (s === undefined || st === undefined) return EMPTY;
      if (st < 0 || st >= s.length) return EMPTY;
      return [ln === undefined ? s.substring(st) : s.substring(st, st + ln)];
    },
    true,
    true,
  );
}

/** lower(), upper(), trim(), length() */
function ofString(call: FnCall): Compiled {
  const { name, input } = call;
  return call.result(
    (c) => {
      const s = singleString(input(c));
      if (s === undefined) return EMPTY;
      return [name === 'lower' ? s.toLowerCase() : name === 'upper' ? s.toUpperCase() : name === 'trim' ? s.trim() : s.length];
    },
    true,
    true,
  );
}

const withSubstringDef: FunctionDef = { arity: [1], compile: withSubstring };
const ofStringDef: FunctionDef = { arity: [0], compile: ofString };

export const STRINGS: FunctionTable = {
  startsWith: withSubstringDef,
  endsWith: withSubstringDef,
  contains: withSubstringDef,
  indexOf: withSubstringDef,
  matches: { arity: [1], compile: matches },
  replaceMatches: { arity: [2], compile: replaceMatches },
  substring: { arity: [1, 2], compile: substring },
  lower: ofStringDef,
  upper: ofStringDef,
  trim: ofStringDef,
  length: ofStringDef,
};
