/** FHIR's additions to FHIRPath (R4 FHIRPath page §2.1.9.1.5): extension(url), hasValue(). */
import { FhirPathError } from '../env.js';
import type { Compiled } from '../compiled.js';
import { EMPTY, FALSE, asNode, bool, mkNode, prop, valData, type Item, type Obj } from '../nodes.js';
import { singleString } from '../singletons.js';
import { isPrimitiveValue } from '../type-info.js';
import type { FnCall, FunctionTable } from './call.js';

function extension(call: FnCall): Compiled {
  const { input } = call;
  const url = call.param(call.args[0]!);
  return call.result(
    (c) => {
      const coll = input(c);
      const u = singleString(url.fn(c));
      if (!u) return EMPTY;
      const out: Item[] = [];
      for (const i of coll) {
        const n = asNode(i);
        const exts = prop(n.d, 'extension') || prop(n.x, 'extension');
        if (!exts) continue;
        if (!Array.isArray(exts)) throw new FhirPathError('extension is not an array');
        for (const e of exts) {
          if (e === null || e === undefined) throw new FhirPathError('null extension');
          if ((e as Obj).url === u) out.push(mkNode(e, null, 'Extension', 'Extension'));
        }
      }
      return out;
    },
    true,
    false,
  );
}

function hasValue(call: FnCall): Compiled {
  const { input } = call;
  return call.result(
    (c) => {
      const coll = input(c);
      if (coll.length !== 1) return FALSE;
      const v = valData(coll[0]!);
      return bool(v !== null && v !== undefined && isPrimitiveValue(coll[0]!));
    },
    false,
    true,
    true,
  );
}

export const FHIR: FunctionTable = {
  extension: { arity: [1], compile: extension },
  hasValue: { arity: [0], compile: hasValue },
};
