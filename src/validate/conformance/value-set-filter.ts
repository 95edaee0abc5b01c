/**
 * ValueSet.compose.include.filter / exclude.filter (valueset.html#filters, terminologies.html):
 * a filter selects concepts by a property of the code system, with one of the filter operators
 * (codesystem-filter-operator). What can be checked without a terminology server:
 * - the property is one every code system has (concept, code, status, inactive…), or one the
 *   CodeSystem defines (property or filter), when that CodeSystem is loaded (else unknown: warning);
 * - the operator is one the CodeSystem declares for that filter, or, for `concept`/`code`, one of
 *   the R4 hierarchy/equality operators (`regex` only on `code`);
 * - the value is of the property's type: true/false for booleans, a code without surrounding
 *   spaces, an integer, a decimal, a date(Time), `system|version#code` for Coding properties, a
 *   regular expression for `regex`, a boolean for `exists`; `in`/`not-in` take a comma list;
 * - a `concept` (or code-valued hierarchy property) filter names a code the loaded, complete
 *   CodeSystem has; a code-typed property of the CodeSystem only gets a warning, as many systems
 *   use `code` properties for values they do not define as concepts.
 * Severities agree with the HL7 Java validator.
 */
import { compileRegex, UnsupportedRegex } from '../../model/regex.js';
import { list, report, str, type ConformanceContext } from './context.js';

type ValueKind = 'boolean' | 'code' | 'dateTime' | 'decimal' | 'integer' | 'coding' | 'string';
/** How a code value is checked against the code system: an unknown code is an error, a warning, or not checked. */
type CodeCheck = 'error' | 'warning' | 'none';

interface PropertyRules {
  kind: ValueKind;
  codes: CodeCheck;
  /** The operators allowed; empty when the code system does not say (then any is accepted). */
  ops: Set<string>;
}

/** Properties every code system has (codesystem.html#defined-props and the concept itself). */
const GENERAL_PROPERTIES = ['concept', 'code', 'status', 'inactive', 'effectiveDate', 'deprecationDate', 'retirementDate', 'notSelectable', 'synonym', 'comment', 'itemWeight'];
const HIERARCHY_PROPERTIES = ['parent', 'child', 'partOf'];
/** R4 filter operators (codesystem-filter-operator) that `concept` supports: all but regex and exists. */
const CONCEPT_OPS = ['=', 'in', 'is-a', 'descendent-of', 'is-not-a', 'generalizes', 'not-in'];
const COMPARATOR = /^(eq|ne|gt|lt|ge|le|sa|eb|ap)/;
const DATE_TIME =
  /^([0-9]([0-9]([0-9][1-9]|[1-9]0)|[1-9]00)|[1-9]000)(-(0[1-9]|1[0-2])(-(0[1-9]|[1-2][0-9]|3[0-1])(T([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)(\.[0-9]+)?(Z|(\+|-)((0[0-9]|1[0-3]):[0-5][0-9]|14:00))?)?)?)?$/;

export function checkValueSet(c: ConformanceContext): void {
  const compose = c.resource.compose;
  for (const part of ['include', 'exclude']) {
    list(compose, part).forEach((inc, i) => {
      const filters = list(inc, 'filter');
      if (filters.length === 0) return;
      const system = str(inc, 'system');
      const cs = system ? findCodeSystem(c, system, str(inc, 'version')) : undefined;
      filters.forEach((f, j) => checkFilter(c, ['compose', part, i, 'filter', j], f, system, cs));
    });
  }
}

/**
 * Large external systems whose filter properties are defined by the system's own documentation
 * (SNOMED CT's ECL constraint, LOINC's parts…), not by the CodeSystem resource a package carries for
 * them (a stub with content not-present): their properties are not judged from that resource.
 */
const EXTERNALLY_DEFINED = new Set([
  'http://snomed.info/sct',
  'http://loinc.org',
  'http://www.nlm.nih.gov/research/umls/rxnorm',
  'http://unitsofmeasure.org',
  'http://www.ama-assn.org/go/cpt',
  'urn:ietf:bcp:47',
]);

function findCodeSystem(c: ConformanceContext, system: string, version: string | undefined): Record<string, unknown> | undefined {
  if (EXTERNALLY_DEFINED.has(system)) return undefined;
  if (system.startsWith('#')) {
    const found = list(c.resource, 'contained').find((r) => str(r, 'resourceType') === 'CodeSystem' && `#${str(r, 'id')}` === system);
    return found as Record<string, unknown> | undefined;
  }
  const cs = c.fetch(version ? `${system}|${version}` : system, 'CodeSystem');
  // a stub that lists no concepts, properties or filters says nothing about what can be filtered on
  if (cs && str(cs, 'content') === 'not-present' && list(cs, 'property').length === 0 && list(cs, 'filter').length === 0) return undefined;
  return cs;
}

function checkFilter(c: ConformanceContext, at: (string | number)[], f: unknown, system: string | undefined, cs: Record<string, unknown> | undefined): void {
  const property = str(f, 'property');
  const op = str(f, 'op');
  const value = str(f, 'value');
  if (!property) return;
  if (!knownProperties(cs).includes(property)) {
    if (cs) {
      report(
        c,
        at,
        'warning',
        'invalid',
        'vs-filter-property-unknown',
        `The property '${property}' is not known for the system '${system}', so may not be understood by the terminology ecosystem. Known properties for this system: ${knownProperties(cs).join(', ')}`,
      );
    }
    return;
  }
  const rules = rulesFor(property, cs);
  if (!rules) return;
  if (op && rules.ops.size > 0 && !rules.ops.has(op)) {
    report(
      c,
      at,
      'error',
      'invalid',
      'vs-filter-op',
      `The operation '${op}' is not allowed for property '${property}' in system '${system ?? '(none)'}'. Allowed ops: ${[...rules.ops].join(', ')}`,
    );
  }
  if (value === undefined) return;
  if (op === 'exists') {
    checkValue(c, at, property, value, { kind: 'boolean', codes: 'none', ops: rules.ops }, system, cs);
  } else if (op === 'regex') {
    const why = regexProblem(value);
    if (why) report(c, at, 'error', 'invalid', 'vs-filter-value', `The value for a filter based on property '${property}' should be a valid regex, not '${value}' (${why})`);
    if (property === 'concept') {
      report(c, at, 'error', 'invalid', 'vs-filter-op', `The property 'concept' cannot be filtered with a regex: use the property 'code' for patterns on the code`);
    }
  } else if (op === 'in' || op === 'not-in') {
    for (const v of value.split(',')) checkValue(c, at, property, v, rules, system, cs);
  } else {
    checkValue(c, at, property, value, rules, system, cs);
  }
}

function knownProperties(cs: Record<string, unknown> | undefined): string[] {
  const out = [...GENERAL_PROPERTIES];
  if (!cs) return out;
  if (str(cs, 'hierarchyMeaning')) out.push(...HIERARCHY_PROPERTIES);
  for (const key of ['filter', 'property']) {
    for (const p of list(cs, key)) {
      const code = str(p, 'code');
      if (code && !out.includes(code)) out.push(code);
    }
  }
  return out;
}

function rulesFor(property: string, cs: Record<string, unknown> | undefined): PropertyRules | undefined {
  const ops = new Set<string>();
  for (const f of list(cs, 'filter')) {
    if (str(f, 'code') !== property) continue;
    for (const o of list(f, 'operator')) if (typeof o === 'string') ops.add(o);
  }
  const defined = list(cs, 'property').find((p) => str(p, 'code') === property);
  const type = str(defined, 'type');
  if (defined && type) {
    switch (type) {
      case 'boolean':
        return { kind: 'boolean', codes: 'none', ops };
      case 'code':
        return { kind: 'code', codes: 'warning', ops };
      case 'Coding':
        return { kind: 'coding', codes: 'none', ops };
      case 'dateTime':
        return { kind: 'dateTime', codes: 'none', ops };
      case 'decimal':
        return { kind: 'decimal', codes: 'none', ops };
      case 'integer':
        return { kind: 'integer', codes: 'none', ops };
      default:
        return undefined; // string: anything goes
    }
  }
  switch (property) {
    case 'concept':
      return { kind: 'code', codes: 'error', ops: new Set([...ops, ...CONCEPT_OPS]) };
    case 'code':
      return { kind: 'code', codes: 'error', ops: new Set([...ops, 'regex', ...CONCEPT_OPS]) };
    case 'parent':
    case 'child':
    case 'partOf':
      return { kind: 'code', codes: 'error', ops };
    case 'status':
    case 'synonym':
      return { kind: 'code', codes: 'none', ops };
    case 'inactive':
    case 'notSelectable':
      return { kind: 'boolean', codes: 'none', ops };
    case 'effectiveDate':
    case 'deprecationDate':
    case 'retirementDate':
      return { kind: 'dateTime', codes: 'none', ops };
    case 'itemWeight':
      return { kind: 'decimal', codes: 'none', ops };
    default:
      return undefined;
  }
}

function checkValue(
  c: ConformanceContext,
  at: (string | number)[],
  property: string,
  value: string,
  rules: PropertyRules,
  system: string | undefined,
  cs: Record<string, unknown> | undefined,
): void {
  const bad = (what: string): void =>
    report(c, at, 'error', 'invalid', 'vs-filter-value', `The value for a filter based on property '${property}' must be ${what}, not '${value}'`);
  const number = value.replace(COMPARATOR, '');
  switch (rules.kind) {
    case 'boolean':
      if (value !== 'true' && value !== 'false') bad("either 'true' or 'false'");
      return;
    case 'dateTime':
      if (!DATE_TIME.test(number)) bad('a valid date(/time)');
      return;
    case 'decimal':
      if (!/^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$/.test(number)) bad('a decimal value');
      return;
    case 'integer':
      if (!/^[-+]?[0-9]+$/.test(number)) bad('an integer value');
      return;
    case 'coding':
      if (!/^[^\s#]+(\|[^\s#]+)?#\S+$/.test(value) && !/^[a-zA-Z][a-zA-Z0-9+.-]*:[^\s|]+\|\S+$/.test(value)) bad('in the format system(|version)#code');
      return;
    case 'code':
      if (value.trim() !== value || value === '') {
        bad('a valid code');
        return;
      }
      if (rules.codes !== 'none') checkCodeKnown(c, at, property, value, rules.codes, system, cs);
      return;
    default:
      return;
  }
}

/** A code a `concept`-like filter names must be one the code system defines (only said when the loaded CodeSystem is complete). */
function checkCodeKnown(
  c: ConformanceContext,
  at: (string | number)[],
  property: string,
  code: string,
  severity: 'error' | 'warning',
  system: string | undefined,
  cs: Record<string, unknown> | undefined,
): void {
  if (!cs || str(cs, 'content') !== 'complete') return;
  const caseSensitive = cs.caseSensitive === true;
  if (hasCode(list(cs, 'concept'), caseSensitive ? code : code.toLowerCase(), caseSensitive)) return;
  report(
    c,
    at,
    severity,
    'invalid',
    severity === 'error' ? 'vs-filter-code-unknown' : 'vs-filter-property-code-unknown',
    `The value for a filter based on property '${property}' must be a valid code from the system '${system}', and '${code}' is not (the CodeSystem does not define it)`,
  );
}

function hasCode(concepts: unknown[], code: string, caseSensitive: boolean): boolean {
  for (const con of concepts) {
    const cc = str(con, 'code');
    if (cc !== undefined && (caseSensitive ? cc : cc.toLowerCase()) === code) return true;
    if (hasCode(list(con, 'concept'), code, caseSensitive)) return true;
  }
  return false;
}

/** Why `pattern` is not a regular expression, or undefined when it is one (in RE2's or JavaScript's reading). */
function regexProblem(pattern: string): string | undefined {
  const re2 = compileRegex(pattern);
  if (!(re2 instanceof UnsupportedRegex)) return undefined;
  try {
    // compiled only, never run: the syntax check the RE2 engine could not settle (lookaround, backreferences)
    new RegExp(pattern);
    return undefined;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}
