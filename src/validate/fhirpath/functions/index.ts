/**
 * The one function table (name -> arity and compiler), assembled from one module per
 * FHIRPath specification section, in the way fhirpath.js groups its functions. A function
 * missing here makes the native compiler decline the expression (fhirpath.js evaluates it).
 */
import type { FunctionDef, FunctionTable } from './call.js';
import { COMBINING } from './combining.js';
import { CONVERSION } from './conversion.js';
import { EXISTENCE } from './existence.js';
import { FHIR } from './fhir.js';
import { FILTERING } from './filtering.js';
import { LOGIC } from './logic.js';
import { STRINGS } from './strings.js';
import { SUBSETTING } from './subsetting.js';
import { TREE } from './tree.js';
import { TYPES } from './types.js';
import { UTILITY } from './utility.js';

function merge(tables: FunctionTable[]): ReadonlyMap<string, FunctionDef> {
  const all = new Map<string, FunctionDef>();
  for (const table of tables) {
    for (const [name, def] of Object.entries(table)) {
      if (all.has(name)) throw new Error(`FHIRPath function ${name}() is registered twice`);
      all.set(name, def);
    }
  }
  return all;
}

export const FUNCTIONS = merge([EXISTENCE, FILTERING, SUBSETTING, COMBINING, CONVERSION, STRINGS, TREE, UTILITY, TYPES, LOGIC, FHIR]);
