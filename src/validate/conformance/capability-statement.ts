/**
 * CapabilityStatement.rest.resource.searchParam (capabilitystatement.html): `definition` is "an
 * absolute URI that is a formal reference to where this parameter was first defined", and `type`
 * is "the type of value a search parameter refers to": when the definition can be found, the two
 * must agree, or clients would send values of the wrong kind. The HL7 Java validator makes this
 * an error. `searchInclude`/`searchRevInclude` are `_include` values (search.html#include): a
 * resource type, a search parameter name and optionally a target type, or `*` (R4's base
 * statement separates the first two with a dot); anything else is a warning (the statement is
 * still usable).
 */
import { list, report, str, type ConformanceContext } from './context.js';

// search.html#include: SourceType:searchParam(:TargetType), or the wildcard. R4's own base
// CapabilityStatement writes SourceType.searchParam, so that spelling is accepted too; some
// statements also append the :iterate modifier, which is tolerated
const INCLUDE = /^(\*|[A-Z][A-Za-z]*[:.](\*|[A-Za-z_][A-Za-z0-9_-]*)(:[A-Z][A-Za-z]*)?(:(iterate|recurse))?)$/;

export function checkCapabilityStatement(c: ConformanceContext): void {
  list(c.resource, 'rest').forEach((rest, r) => {
    list(rest, 'resource').forEach((res, i) => {
      list(res, 'searchParam').forEach((sp, k) => checkSearchParam(c, sp, ['rest', r, 'resource', i, 'searchParam', k]));
      for (const key of ['searchInclude', 'searchRevInclude']) {
        list(res, key).forEach((v, j) => {
          if (typeof v !== 'string' || INCLUDE.test(v)) return;
          report(
            c,
            ['rest', r, 'resource', i, key, j],
            'warning',
            'invalid',
            'cs-search-include-syntax',
            `'${v}' is not an _include value: it must be SourceType:searchParameter, optionally followed by :TargetType, or '*' (search.html#include)`,
          );
        });
      }
    });
  });
}

function checkSearchParam(c: ConformanceContext, sp: unknown, path: (string | number)[]): void {
  const definition = str(sp, 'definition');
  const type = str(sp, 'type');
  if (!definition || !type) return;
  const def = c.fetch(definition, 'SearchParameter');
  const defType = str(def, 'type');
  if (!def || defType === undefined || defType === type) return;
  const version = str(def, 'version');
  report(
    c,
    path,
    'error',
    'invalid',
    'cs-searchparam-type',
    `The type '${type}' is different to the type '${defType}' of the search parameter definition ${str(def, 'url') ?? definition}${version ? `|${version}` : ''} it names: the type must be the definition's`,
  );
}
