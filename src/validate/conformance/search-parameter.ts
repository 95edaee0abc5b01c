/**
 * SearchParameter rules (searchparameter.html, search.html) that its StructureDefinition cannot
 * state, checked when a SearchParameter is validated as an instance:
 * - `expression` is FHIRPath that reads from the `base` resource types (an expression naming
 *   another resource type, or an element the type does not have, selects nothing);
 * - a `derivedFrom` parameter is "a refinement of the definition": the derived one keeps its type,
 *   is defined on (some of) the same resource types, and should select the same elements;
 * - a composite parameter is made of components (at least two: one component would just be that
 *   parameter), each naming a SearchParameter definition;
 * - `target` lists the resource types a *reference* parameter may point at;
 * - what the expression selects is of a type the parameter type searches (search.html, the table
 *   of which data types each search parameter type applies to): a warning, as servers may index
 *   more than the table lists.
 * Severities agree with the HL7 Java validator: a derived parameter with another base or type is
 * an error, a differing expression only a warning (it may be a legitimate narrowing).
 */
import { isType, r4Model } from '../fhirpath/model.js';
import { expressionProblem, expressionResultTypes } from './expression-types.js';
import { list, report, str, type ConformanceContext } from './context.js';

export function checkSearchParameter(c: ConformanceContext): void {
  const sp = c.resource;
  const bases = list(sp, 'base').filter((b): b is string => typeof b === 'string');
  const type = str(sp, 'type');
  const expression = str(sp, 'expression');
  if (expression !== undefined && bases.length > 0 && checkExpression(c, expression, bases) && type) checkResultType(c, expression, bases, type);
  const derivedFrom = str(sp, 'derivedFrom');
  if (derivedFrom) checkDerivation(c, derivedFrom, bases, type, expression);
  if (type === 'composite') checkComposite(c);
  if (type !== undefined && type !== 'reference' && list(sp, 'target').length > 0) {
    report(
      c,
      ['target'],
      'warning',
      'business-rule',
      'sp-target-not-reference',
      `A SearchParameter of type '${type}' lists target resource types: target applies only to reference parameters (searchparameter-definitions.html#SearchParameter.target)`,
    );
  }
}

/** Reports a problem of the expression; true when it has none. */
function checkExpression(c: ConformanceContext, expression: string, bases: string[]): boolean {
  const problem = expressionProblem(expression, bases);
  if (!problem) return true;
  report(
    c,
    ['expression'],
    'error',
    'invalid',
    'sp-expression-invalid',
    problem.kind === 'syntax'
      ? `Error in search expression '${expression}': ${problem.message}`
      : `Error in search expression '${expression}': ${problem.message} (the base of this parameter is ${bases.join(', ')})`,
  );
  return false;
}

/**
 * The data types each search parameter type applies to (search.html §3.1.1.x, as R4 core's own
 * parameters use them); composite and special parameters select whatever their definition says.
 */
const SEARCHABLE: Record<string, string[]> = {
  number: ['decimal', 'integer', 'positiveInt', 'unsignedInt', 'System.Decimal', 'System.Integer'],
  date: ['date', 'dateTime', 'instant', 'Period', 'Timing', 'System.Date', 'System.DateTime'],
  string: ['string', 'markdown', 'Address', 'HumanName', 'System.String'],
  token: ['Coding', 'CodeableConcept', 'Identifier', 'ContactPoint', 'code', 'boolean', 'string', 'id', 'uri', 'url', 'canonical', 'oid', 'uuid', 'System.String', 'System.Boolean'],
  reference: ['Reference', 'canonical', 'uri', 'url', 'Resource'],
  quantity: ['Quantity', 'SimpleQuantity', 'MoneyQuantity', 'Age', 'Count', 'Distance', 'Duration', 'Money', 'Range', 'SampledData'],
  uri: ['uri', 'url', 'canonical', 'uuid', 'oid', 'System.String'],
};

function checkResultType(c: ConformanceContext, expression: string, bases: string[], type: string): void {
  const allowed = SEARCHABLE[type];
  if (!allowed) return;
  const types = expressionResultTypes(expression, bases);
  if (!types) return;
  // a reference parameter may select the resources themselves (Bundle.entry.resource, contained)
  const fits = (t: string): boolean => allowed.includes(t) || (type === 'reference' && isResourceType(t));
  const wrong = types.filter((t) => !fits(t));
  if (wrong.length === 0) return;
  report(
    c,
    ['expression'],
    'warning',
    'business-rule',
    'sp-expression-type',
    `The expression '${expression}' selects ${wrong.join(', ')}, which a '${type}' search parameter does not search (it applies to ${allowed.filter((t) => !t.startsWith('System.')).join(', ')})`,
  );
}

function checkDerivation(c: ConformanceContext, derivedFrom: string, bases: string[], type: string | undefined, expression: string | undefined): void {
  const master = c.fetch(derivedFrom, 'SearchParameter');
  if (!master) {
    report(
      c,
      [],
      'warning',
      'not-found',
      'sp-derived-not-found',
      `The SearchParameter ${derivedFrom} this one is derived from could not be found, so the derivation could not be checked`,
    );
    return;
  }
  const masterBases = list(master, 'base').filter((b): b is string => typeof b === 'string');
  for (const b of bases) {
    if (masterBases.includes(b) || masterBases.includes('Resource')) continue;
    report(
      c,
      [],
      'error',
      'business-rule',
      'sp-derived-base',
      `The resource type ${b} is not listed as a base in the SearchParameter this is derived from (${derivedFrom}), which has base ${masterBases.join(', ') || '(none)'}`,
    );
  }
  const masterType = str(master, 'type');
  if (type !== undefined && masterType !== undefined && type !== masterType) {
    report(
      c,
      [],
      'error',
      'business-rule',
      'sp-derived-type',
      `The type '${type}' differs from the type '${masterType}' of the SearchParameter this is derived from (${derivedFrom}): a derived parameter keeps its type`,
    );
  }
  const masterExpression = str(master, 'expression');
  if (expression !== undefined && masterExpression !== undefined && expression !== masterExpression) {
    const mine = canonicalUnion(expression, bases);
    const theirs = canonicalUnion(masterExpression, bases);
    if (mine !== theirs) {
      report(
        c,
        [],
        'warning',
        'business-rule',
        'sp-derived-expression',
        `The expression '${expression}' is not compatible with the expression '${masterExpression}' in the derivedFrom SearchParameter ${derivedFrom}, and this likely indicates that the derivation relationship is not valid`,
      );
    }
  }
}

/**
 * An expression that is a union of paths, compared as a set and keeping only the branches that
 * start from one of `bases` (a derived parameter on Patient alone need not repeat the Practitioner
 * branch of its parent). Anything other than a plain union of paths is compared as written.
 */
function canonicalUnion(expression: string, bases: string[]): string {
  const branches = splitTopLevelUnion(expression);
  if (!branches) return expression.trim();
  const kept: string[] = [];
  for (const raw of branches) {
    const b = stripParens(raw.trim());
    if (!/^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/.test(b)) return expression.trim();
    const head = b.split('.')[0]!;
    if (isResourceType(head) && !bases.includes(head)) continue;
    kept.push(b);
  }
  return [...new Set(kept)].sort().join(' | ');
}

function isResourceType(name: string): boolean {
  return /^[A-Z]/.test(name) && r4Model.availableTypes.has(name) && isType(name, 'Resource');
}

/** The parts of `a | b | c` at nesting depth 0, or undefined when quotes or brackets are unbalanced. */
function splitTopLevelUnion(s: string): string[] | undefined {
  const out: string[] = [];
  let depth = 0;
  let quote: string | undefined;
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    if (quote) {
      if (ch === '\\') i++;
      else if (ch === quote) quote = undefined;
    } else if (ch === "'" || ch === '`') quote = ch;
    else if (ch === '(' || ch === '[' || ch === '{') depth++;
    else if (ch === ')' || ch === ']' || ch === '}') depth--;
    else if (ch === '|' && depth === 0) {
      out.push(s.slice(start, i));
      start = i + 1;
    }
  }
  if (depth !== 0 || quote) return undefined;
  out.push(s.slice(start));
  return out;
}

function stripParens(s: string): string {
  while (s.startsWith('(') && s.endsWith(')') && splitTopLevelUnion(s.slice(1, -1))?.length === 1) s = s.slice(1, -1).trim();
  return s;
}

function checkComposite(c: ConformanceContext): void {
  const components = list(c.resource, 'component');
  if (components.length < 2) {
    report(
      c,
      [],
      'error',
      'business-rule',
      'sp-composite-components',
      `A composite SearchParameter must have at least two components (it has ${components.length}): a composite parameter combines the values of several parameters`,
    );
  }
  components.forEach((comp, i) => {
    const definition = str(comp, 'definition');
    if (!definition || c.fetch(definition, 'SearchParameter')) return;
    report(
      c,
      ['component', i, 'definition'],
      'warning',
      'not-found',
      'sp-component-not-found',
      `The SearchParameter ${definition} that this component names could not be found, so the component could not be checked`,
    );
  });
}
