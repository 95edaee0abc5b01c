/**
 * Measure and MeasureReport rules beyond what the StructureDefinitions can say (FHIR R4
 * measure.html and measurereport.html):
 * - a Measure's population criteria fit its scoring (the "Measure population criteria" table:
 *   required / optional / not permitted per scoring), and its criteria expressions can be read:
 *   CQL needs a library (and a named definition must exist there when the library's content is
 *   at hand), FHIRPath must parse;
 * - a MeasureReport matches the Measure it reports on: its groups, populations and stratifiers
 *   are those of the Measure, counts are not negative, subject lists only in subject-list
 *   reports, and the score fits the scoring (none for a cohort, a number from 0 to 1 for a
 *   proportion).
 * The Measure, its libraries and contained resources are found through `lookup` (contained,
 * the enclosing Bundle, or loaded definitions), so this file needs nothing of the validator
 * beyond CheckContext.
 */
import type { IssueType, Severity } from '../model/issue.js';
import type { RuleId } from '../model/rules.js';
import type { CheckContext, RunState } from './context.js';
import { fhirpathJs } from './fhirpath/model.js';
import { Loc } from './walk-path.js';

/** A canonical resource by canonical (`#id` contained, in the enclosing Bundle, or loaded), if it can be found. */
export type CanonicalLookup = (canonical: string, resourceType: string) => Record<string, unknown> | undefined;

type Json = Record<string, unknown>;

const SCORING_SYSTEM = 'http://terminology.hl7.org/CodeSystem/measure-scoring';
const POPULATION_SYSTEM = 'http://terminology.hl7.org/CodeSystem/measure-population';

type Scoring = 'proportion' | 'ratio' | 'continuous-variable' | 'cohort';

/**
 * measure.html, "Measure population criteria" by scoring: the populations a scoring requires,
 * and those it allows besides; any other measure-population code is not permitted.
 */
const POPULATIONS: Record<Scoring, { required: readonly string[]; optional: readonly string[] }> = {
  proportion: {
    required: ['initial-population', 'numerator', 'denominator'],
    optional: ['numerator-exclusion', 'denominator-exclusion', 'denominator-exception'],
  },
  ratio: {
    required: ['initial-population', 'numerator', 'denominator'],
    optional: ['numerator-exclusion', 'denominator-exclusion', 'measure-observation'],
  },
  'continuous-variable': {
    required: ['initial-population', 'measure-population', 'measure-observation'],
    optional: ['measure-population-exclusion'],
  },
  cohort: { required: ['initial-population'], optional: [] },
};
const POPULATION_CODES = new Set(Object.values(POPULATIONS).flatMap((p) => [...p.required, ...p.optional]));

/** Expression.language codes that mean CQL (R4's text/cql, and the identifier/expression forms later versions and the CQF IGs use). */
const CQL_LANGUAGES = new Set(['text/cql', 'text/cql.identifier', 'text/cql-identifier', 'text/cql.expression', 'text/cql-expression']);
const FHIRPATH = 'text/fhirpath';

/** A CQL reference to a definition: `Name`, `"Quoted Name"`, optionally qualified by a library (`Lib.Name`). */
const CQL_IDENTIFIER = /^\s*(?:("(?:[^"\\]|\\.)+"|[A-Za-z_][A-Za-z0-9_]*)\.)?("(?:[^"\\]|\\.)+"|[A-Za-z_][A-Za-z0-9_]*)\s*$/;

/**
 * Criteria that name a definition rather than state the logic: a CQL identifier as above, or the
 * definition's name written plainly (`Initial Population`), as measure authors do. Anything else
 * (`Count([Device: Ventilators])`) is an inline CQL expression, which an Expression may hold
 * without a library (datatypes Expression.expression).
 */
const DEFINITION_NAME = /^\s*[A-Za-z_"][A-Za-z0-9_ "'.-]*$/;

const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : undefined);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined ? [] : [v]);

/** Where things are: a member of an object, or one item of an array member. */
function at(loc: Loc, obj: Json, key: string, index?: number): Loc {
  const v = obj[key];
  if (index !== undefined && Array.isArray(v)) return loc.child(key, v, index, index);
  return loc.child(key, obj, key);
}

/** The members of an array member with their locations. */
function items(loc: Loc, obj: Json, key: string): { value: Json; loc: Loc }[] {
  const v = obj[key];
  if (!Array.isArray(v)) return isObj(v) ? [{ value: v, loc: at(loc, obj, key) }] : [];
  const out: { value: Json; loc: Loc }[] = [];
  v.forEach((x, i) => {
    if (isObj(x)) out.push({ value: x, loc: at(loc, obj, key, i) });
  });
  return out;
}

interface Reporter {
  (loc: Loc, severity: Severity, code: IssueType, ruleId: RuleId, message: string): void;
}

interface Coding {
  system?: string;
  code?: string;
}

function codings(cc: unknown): Coding[] {
  if (!isObj(cc)) return [];
  return list(cc.coding)
    .filter(isObj)
    .map((c) => ({ system: str(c.system), code: str(c.code) }))
    .filter((c) => c.code !== undefined);
}

/** The code of a CodeableConcept in one code system (a coding without a system is read as meaning that one). */
function codeIn(cc: unknown, system: string, known: ReadonlySet<string>): string | undefined {
  for (const c of codings(cc)) if ((c.system === undefined || c.system === system) && known.has(c.code!)) return c.code;
  return undefined;
}

const SCORINGS: ReadonlySet<string> = new Set(Object.keys(POPULATIONS));

function scoringOf(measure: Json): Scoring | undefined {
  return codeIn(measure.scoring, SCORING_SYSTEM, SCORINGS) as Scoring | undefined;
}

/** Two CodeableConcepts name the same thing: a coding (system and code) in common, or, when neither has codings, the same text. */
function sameConcept(a: unknown, b: unknown): boolean {
  const ca = codings(a);
  const cb = codings(b);
  if (ca.length && cb.length) return ca.some((x) => cb.some((y) => x.code === y.code && x.system === y.system));
  if (ca.length || cb.length) return false;
  const ta = isObj(a) ? str(a.text) : undefined;
  const tb = isObj(b) ? str(b.text) : undefined;
  return ta !== undefined && ta === tb;
}

/** A CodeableConcept as messages show it. */
function showConcept(cc: unknown): string {
  const cs = codings(cc);
  if (cs.length) return cs.map((c) => (c.system ? `${c.system}#${c.code}` : String(c.code))).join(', ');
  const text = isObj(cc) ? str(cc.text) : undefined;
  return text !== undefined ? `'${text}'` : '(no code)';
}

// ---------------------------------------------------------------------------------
// Measure
// ---------------------------------------------------------------------------------

/** Checks a Measure: its populations against its scoring, and its criteria expressions. */
export function checkMeasure(ctx: CheckContext, st: RunState, measure: Json, loc: Loc, lookup: CanonicalLookup): void {
  const report: Reporter = (l, severity, code, ruleId, message) => ctx.report(st, l, severity, code, ruleId, message);
  const scoring = scoringOf(measure);
  const groups = items(loc, measure, 'group');
  requireCodes(report, groups, 'group');
  for (const g of groups) {
    requireCodes(report, items(g.loc, g.value, 'population'), 'population');
    const stratifiers = items(g.loc, g.value, 'stratifier');
    requireCodes(report, stratifiers, 'stratifier');
    for (const s of stratifiers) requireCodes(report, items(s.loc, s.value, 'component'), 'stratifier component');
    if (scoring) checkPopulationsForScoring(report, g.value, g.loc, scoring);
  }
  const libraries = measureLibraries(measure, loc, lookup, report);
  for (const { value: crit, loc: critLoc } of criteriaOf(measure, loc)) checkCriteria(report, crit, critLoc, libraries);
}

/**
 * A report names the Measure's groups, populations and stratifiers by their codes
 * (MeasureReport.group.code: "as defined in the measure definition"): where there are several,
 * each needs one, or a report cannot say which it gives results for.
 */
function requireCodes(report: Reporter, parts: { value: Json; loc: Loc }[], what: string): void {
  if (parts.length < 2) return;
  for (const p of parts) {
    if (!isObj(p.value.code)) {
      report(p.loc, 'warning', 'required', 'measure-code-missing', `This Measure has ${parts.length} ${what}s: each needs a code, which is how a MeasureReport says which one its results are for`);
    }
  }
}

function checkPopulationsForScoring(report: Reporter, group: Json, loc: Loc, scoring: Scoring): void {
  const allowed = POPULATIONS[scoring];
  const present = new Set<string>();
  for (const p of items(loc, group, 'population')) {
    const code = codeIn(p.value.code, POPULATION_SYSTEM, POPULATION_CODES);
    if (!code) continue;
    present.add(code);
    if (!allowed.required.includes(code) && !allowed.optional.includes(code)) {
      report(at(p.loc, p.value, 'code'), 'warning', 'business-rule', 'measure-population-not-allowed',
        `A ${scoring} measure has no ${code} population (measure.html, population criteria by scoring: ${scoring} measures use ${[...allowed.required, ...allowed.optional].join(', ')})`);
    }
  }
  const missing = allowed.required.filter((c) => !present.has(c));
  if (missing.length) {
    report(loc, 'warning', 'business-rule', 'measure-population-missing',
      `This group of a ${scoring} measure has no ${missing.join(', ')} population${missing.length > 1 ? 's' : ''}, which ${scoring} measures require (measure.html, population criteria by scoring)`);
  }
}

/** Every criteria Expression of a Measure: population, stratifier, stratifier component and supplemental data. */
function criteriaOf(measure: Json, loc: Loc): { value: Json; loc: Loc }[] {
  const out: { value: Json; loc: Loc }[] = [];
  const crit = (x: { value: Json; loc: Loc }) => {
    if (isObj(x.value.criteria)) out.push({ value: x.value.criteria, loc: at(x.loc, x.value, 'criteria') });
  };
  for (const g of items(loc, measure, 'group')) {
    items(g.loc, g.value, 'population').forEach(crit);
    for (const s of items(g.loc, g.value, 'stratifier')) {
      crit(s);
      items(s.loc, s.value, 'component').forEach(crit);
    }
  }
  items(loc, measure, 'supplementalData').forEach(crit);
  return out;
}

interface LibraryInfo {
  /** Library.name, what a qualified CQL identifier names. */
  name?: string;
  /** Definition names from its CQL or ELM content; undefined when it has no content this can read. */
  definitions?: Set<string>;
  /** Include aliases its CQL declares (a qualified identifier may name one of them). */
  includes: Set<string>;
}

interface Libraries {
  declared: number;
  resolved: LibraryInfo[];
}

function measureLibraries(measure: Json, loc: Loc, lookup: CanonicalLookup, report: Reporter): Libraries {
  const declared = list(measure.library);
  const resolved: LibraryInfo[] = [];
  declared.forEach((ref, i) => {
    if (typeof ref !== 'string') return;
    const lib = lookup(ref, 'Library');
    if (!lib) {
      report(at(loc, measure, 'library', Array.isArray(measure.library) ? i : undefined), 'information', 'not-found', 'measure-library-not-found',
        `The Library ${ref} is not loaded (load it with --ig, or put it in the same Bundle), so the CQL criteria were not checked against it`);
      return;
    }
    resolved.push(libraryInfo(lib));
  });
  return { declared: declared.length, resolved };
}

function libraryInfo(lib: Json): LibraryInfo {
  const info: LibraryInfo = { name: str(lib.name), includes: new Set() };
  for (const c of list(lib.content)) {
    if (!isObj(c) || typeof c.data !== 'string') continue;
    const type = (str(c.contentType) ?? '').split(';')[0]!.trim().toLowerCase();
    let text: string;
    try {
      text = Buffer.from(c.data, 'base64').toString('utf8');
    } catch {
      continue;
    }
    const names = type === 'text/cql' ? cqlDefinitions(text, info.includes) : type === 'application/elm+xml' ? elmXmlDefinitions(text) : type === 'application/elm+json' ? elmJsonDefinitions(text) : undefined;
    if (!names) continue;
    info.definitions ??= new Set();
    for (const n of names) info.definitions.add(n);
  }
  return info;
}

const unquote = (s: string): string => (s.startsWith('"') && s.endsWith('"') ? s.slice(1, -1).replace(/\\(.)/g, '$1') : s);

/** The `define` statements of CQL source (expressions and functions), and its include aliases. */
function cqlDefinitions(cql: string, includes: Set<string>): string[] {
  // comments and string literals out first, so a commented-out define does not count
  const code = stripCqlCommentsAndStrings(cql);
  const names: string[] = [];
  // bounded, so an unterminated quote is not rescanned to the end at every define
  const ident = '("(?:[^"\\\\\\n]|\\\\.){1,1000}"|[A-Za-z_][A-Za-z0-9_]*)';
  const define = new RegExp(`\\bdefine\\s+(?:(?:public|private)\\s+)?(?:fluent\\s+)?(?:function\\s+)?${ident}`, 'g');
  for (const m of code.matchAll(define)) names.push(unquote(m[1]!));
  const context = new RegExp(`\\bcontext\\s+${ident}`, 'g');
  for (const m of code.matchAll(context)) names.push(unquote(m[1]!));
  const include = new RegExp(`\\binclude\\s+${ident}(?:\\s+version\\s+\\S+)?(?:\\s+called\\s+${ident})?`, 'g');
  for (const m of code.matchAll(include)) includes.add(unquote(m[2] ?? m[1]!));
  return names;
}

/**
 * CQL with its comments blanked and its string literals emptied (`''`), in one pass: a regex
 * for unterminated comments would rescan the rest of the text at every `/*`.
 */
function stripCqlCommentsAndStrings(cql: string): string {
  let out = '';
  let i = 0;
  const n = cql.length;
  while (i < n) {
    const c = cql[i]!;
    if (c === '/' && cql[i + 1] === '/') {
      const end = cql.indexOf('\n', i);
      i = end < 0 ? n : end;
      out += ' ';
    } else if (c === '/' && cql[i + 1] === '*') {
      const end = cql.indexOf('*/', i + 2);
      i = end < 0 ? n : end + 2;
      out += ' ';
    } else if (c === "'") {
      let j = i + 1;
      while (j < n && cql[j] !== "'") j += cql[j] === '\\' ? 2 : 1;
      i = j + 1;
      out += "''";
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

const XML_ENTITIES: Record<string, string> = { '&quot;': '"', '&apos;': "'", '&lt;': '<', '&gt;': '>', '&amp;': '&' };

/** The statement definitions of ELM in XML (`<statements><def name="…">`). */
function elmXmlDefinitions(xml: string): string[] | undefined {
  const start = xml.search(/<(?:\w+:)?statements\b/);
  if (start < 0) return /<(?:\w+:)?library\b/.test(xml) ? [] : undefined;
  const end = xml.search(/<\/(?:\w+:)?statements>/);
  const section = xml.slice(start, end < 0 ? undefined : end);
  const names: string[] = [];
  for (const m of section.matchAll(/<(?:\w+:)?def\b[^>]{0,4000}?\sname\s*=\s*("([^"]*)"|'([^']*)')/g)) {
    names.push((m[2] ?? m[3]!).replace(/&(?:quot|apos|lt|gt|amp);/g, (e) => XML_ENTITIES[e]!));
  }
  return names;
}

/** The statement definitions of ELM in JSON (`library.statements.def[].name`). */
function elmJsonDefinitions(json: string): string[] | undefined {
  let elm: unknown;
  try {
    elm = JSON.parse(json);
  } catch {
    return undefined;
  }
  const lib = isObj(elm) && isObj(elm.library) ? elm.library : undefined;
  if (!lib) return undefined;
  const defs = isObj(lib.statements) ? list(lib.statements.def) : [];
  return defs.filter(isObj).map((d) => str(d.name)).filter((n): n is string => n !== undefined);
}

function checkCriteria(report: Reporter, crit: Json, loc: Loc, libraries: Libraries): void {
  const language = str(crit.language);
  const expression = str(crit.expression);
  if (!language) return; // Expression.language is 1..1: reported by the structure checks
  if (CQL_LANGUAGES.has(language)) {
    // Expression.reference can say where the logic is; otherwise it is in the Measure's libraries
    if (libraries.declared === 0 && !str(crit.reference) && expression !== undefined && DEFINITION_NAME.test(expression)) {
      report(loc, 'error', 'invalid', 'measure-criteria-no-library',
        `This criteria is CQL (${language}), but the Measure names no library to hold the logic; add Measure.library (or Expression.reference)`);
      return;
    }
    if (expression && !str(crit.reference)) checkCqlIdentifier(report, expression, loc, libraries);
  } else if (language === FHIRPATH && expression) {
    const problem = fhirpathProblem(expression);
    if (problem) {
      report(at(loc, crit, 'expression'), 'error', 'invalid', 'measure-criteria-fhirpath', `The FHIRPath criteria '${clip(expression)}' does not parse: ${problem}`);
    }
  }
}

const clip = (s: string): string => (s.length > 80 ? `${s.slice(0, 79)}…` : s);

/** A CQL identifier criteria names a definition of the Measure's library; checked only when that library's content can be read. */
function checkCqlIdentifier(report: Reporter, expression: string, loc: Loc, libraries: Libraries): void {
  const m = CQL_IDENTIFIER.exec(expression);
  if (!m) return; // an inline CQL expression, not a reference to a definition
  const name = unquote(m[2]!);
  const qualifier = m[1] !== undefined ? unquote(m[1]) : undefined;
  const { resolved } = libraries;
  if (qualifier !== undefined) {
    const lib = resolved.find((l) => l.name === qualifier);
    if (!lib) {
      // a library we could not load, or one of the libraries' includes, may carry that name
      if (resolved.length < libraries.declared || resolved.some((l) => l.includes.has(qualifier) || l.definitions === undefined)) return;
      report(loc, 'warning', 'not-found', 'measure-criteria-cql-library-unknown',
        `The criteria '${clip(expression)}' names the library ${qualifier}, which is not one of the Measure's libraries (${resolved.map((l) => l.name ?? '(unnamed)').join(', ')})`);
      return;
    }
    if (lib.definitions && !lib.definitions.has(name)) {
      report(loc, 'error', 'invalid', 'measure-criteria-cql-undefined', `The criteria names '${name}', which the library ${qualifier} does not define`);
    }
    return;
  }
  // unqualified: the logic is in the Measure's libraries; checkable when every one of them can be read
  if (resolved.length < libraries.declared || resolved.some((l) => l.definitions === undefined)) return;
  if (!resolved.some((l) => l.definitions!.has(name))) {
    report(loc, 'error', 'invalid', 'measure-criteria-cql-undefined',
      `The criteria names '${name}', which none of the Measure's libraries (${resolved.map((l) => l.name ?? '(unnamed)').join(', ')}) defines`);
  }
}

/** Why a FHIRPath expression does not parse, or undefined when it does. */
function fhirpathProblem(expression: string): string | undefined {
  try {
    fhirpathJs().parse(expression);
    return undefined;
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    // fhirpath.js' parser errors read "line: 1; column: 14; message: …"; other throws are its own failures on bad input
    return /^line: \d+; column: \d+; message: /.test(msg) ? msg.replace(/^line: \d+; column: (\d+); message: /, 'at column $1, ') : 'it is not a well-formed FHIRPath expression';
  }
}

// ---------------------------------------------------------------------------------
// MeasureReport
// ---------------------------------------------------------------------------------

interface ReportContext {
  report: Reporter;
  measure: Json;
  scoring: Scoring | undefined;
  type: string | undefined;
  /** Only a complete report has all its results (MeasureReport.status: no data until complete). */
  complete: boolean;
}

/** Checks a MeasureReport against the Measure it names. */
export function checkMeasureReport(ctx: CheckContext, st: RunState, mr: Json, loc: Loc, lookup: CanonicalLookup): void {
  const report: Reporter = (l, severity, code, ruleId, message) => ctx.report(st, l, severity, code, ruleId, message);
  const type = str(mr.type);
  const status = str(mr.status);
  const c: Omit<ReportContext, 'measure' | 'scoring'> = { report, type, complete: status === 'complete' };
  // population rules that need no Measure
  for (const g of items(loc, mr, 'group')) forEachPopulation(g.value, g.loc, (p, pl) => checkPopulationResults(c, p, pl));
  const canonical = str(mr.measure);
  if (!canonical) return; // MeasureReport.measure is 1..1: reported by the structure checks
  const measureLoc = at(loc, mr, 'measure');
  const measure = lookup(canonical, 'Measure');
  if (!measure) {
    report(measureLoc, 'warning', 'not-found', 'measurereport-measure-not-found',
      `The Measure ${canonical} is not loaded (load it with --ig, or put it in the same Bundle), so the report was not checked against it`);
    return;
  }
  const scoring = scoringOf(measure);
  if (!scoring) {
    report(measureLoc, 'information', 'business-rule', 'measurereport-scoring-unknown',
      `The Measure ${canonical} has no scoring this validator knows (proportion, ratio, continuous-variable or cohort), so the measureScore values were not checked`);
  }
  checkGroups({ ...c, measure, scoring }, mr, loc);
}

/** Every population of a report group, and of its strata. */
function forEachPopulation(group: Json, loc: Loc, fn: (p: Json, loc: Loc) => void): void {
  for (const p of items(loc, group, 'population')) fn(p.value, p.loc);
  for (const s of items(loc, group, 'stratifier')) {
    for (const stratum of items(s.loc, s.value, 'stratum')) {
      for (const p of items(stratum.loc, stratum.value, 'population')) fn(p.value, p.loc);
    }
  }
}

/** count is a number of members (not negative); subjectResults only in a subject-list report, which is what lists subjects. */
function checkPopulationResults(c: Pick<ReportContext, 'report' | 'type'>, p: Json, loc: Loc): void {
  if (typeof p.count === 'number' && p.count < 0) {
    c.report(at(loc, p, 'count'), 'error', 'value', 'measurereport-count-negative', `A population count is a number of members and cannot be negative (found ${p.count})`);
  }
  if (c.type && c.type !== 'subject-list') {
    if (p.subjectResults !== undefined) {
      c.report(loc, 'error', 'business-rule', 'measurereport-subject-results',
        `This report's type is '${c.type}': only subject-list reports list the subjects of a population (subjectResults); remove it or make the report a subject-list`);
    }
    if (p.count === undefined && c.type !== 'data-collection') {
      c.report(loc, 'warning', 'business-rule', 'measurereport-count-missing', `A ${c.type} report gives the count of each population; this one has none`);
    }
  }
}

function checkGroups(c: ReportContext, mr: Json, loc: Loc): void {
  const reportGroups = items(loc, mr, 'group');
  const measureGroups = list(c.measure.group).filter(isObj);
  // one group on each side: the usual case, and the groups may then be anonymous
  if (reportGroups.length === 1 && measureGroups.length === 1) {
    const rg = reportGroups[0]!;
    const mg = measureGroups[0]!;
    if (isObj(rg.value.code) && isObj(mg.code) && !sameConcept(rg.value.code, mg.code)) {
      c.report(rg.loc, 'error', 'business-rule', 'measurereport-group-unknown',
        `The group code ${showConcept(rg.value.code)} is not the code of the Measure's group (${showConcept(mg.code)})`);
    }
    checkGroup(c, rg.value, rg.loc, mg);
    return;
  }
  const matched = new Set<Json>();
  for (const rg of reportGroups) {
    if (!isObj(rg.value.code)) {
      c.report(rg.loc, 'error', 'business-rule', 'measurereport-group-unknown',
        `The Measure has ${measureGroups.length} group${measureGroups.length === 1 ? '' : 's'} and the report ${reportGroups.length}: each report group needs the code of its Measure group to tell which it is`);
      continue;
    }
    const mg = measureGroups.find((g) => isObj(g.code) && sameConcept(rg.value.code, g.code));
    if (!mg) {
      c.report(rg.loc, 'error', 'business-rule', 'measurereport-group-unknown', `The group code ${showConcept(rg.value.code)} is not the code of any group of the Measure`);
      continue;
    }
    if (matched.has(mg)) {
      c.report(rg.loc, 'error', 'business-rule', 'measurereport-group-unknown', `The Measure group ${showConcept(mg.code)} is reported more than once`);
      continue;
    }
    matched.add(mg);
    checkGroup(c, rg.value, rg.loc, mg);
  }
  if (c.complete && c.type !== 'data-collection') {
    for (const mg of measureGroups) {
      if (matched.has(mg)) continue;
      c.report(loc, 'error', 'business-rule', 'measurereport-group-missing', `The complete report has no group for the Measure's group ${showConcept(mg.code)}`);
    }
  }
}

function checkGroup(c: ReportContext, group: Json, loc: Loc, mg: Json): void {
  const mpops = list(mg.population).filter(isObj);
  const seen = new Set<Json>();
  for (const p of items(loc, group, 'population')) {
    const mp = matchPopulation(c, p.value, p.loc, mpops, 'error');
    if (!mp) continue;
    if (seen.has(mp)) c.report(p.loc, 'error', 'business-rule', 'measurereport-population-unknown', `The population ${showConcept(p.value.code)} is reported more than once in this group`);
    seen.add(mp);
  }
  if (c.complete) {
    const missing = mpops.filter((mp) => !seen.has(mp) && codeIn(mp.code, POPULATION_SYSTEM, POPULATION_CODES) !== 'measure-observation');
    for (const mp of missing) {
      c.report(loc, 'error', 'business-rule', 'measurereport-population-missing', `The complete report has no result for the Measure group's population ${showConcept(mp.code)}`);
    }
  }
  checkScore(c, group, loc, true);
  checkStratifiers(c, group, loc, mg, mpops);
}

/** The Measure group population a report population is for (same code), reporting it when there is none. */
function matchPopulation(c: ReportContext, p: Json, loc: Loc, mpops: Json[], severity: Severity): Json | undefined {
  if (!isObj(p.code)) {
    // anonymous: only a group with a single population leaves no doubt
    if (mpops.length === 1) return mpops[0];
    c.report(loc, severity, 'business-rule', severity === 'error' ? 'measurereport-population-unknown' : 'measurereport-stratum-population-unknown',
      'This population has no code, so it cannot be matched to a population of the Measure group');
    return undefined;
  }
  const mp = mpops.find((x) => isObj(x.code) && codings(x.code).length > 0 && sameConcept(p.code, x.code));
  if (!mp) {
    c.report(loc, severity, 'business-rule', severity === 'error' ? 'measurereport-population-unknown' : 'measurereport-stratum-population-unknown',
      `The population ${showConcept(p.code)} is not a population of the Measure group (${mpops.map((x) => showConcept(x.code)).join(', ') || 'it has none'})`);
  }
  return mp;
}

/** measureScore as the scoring defines it: none for a cohort; required in a complete report otherwise; a proportion is a unitless 0..1. */
function checkScore(c: ReportContext, holder: Json, loc: Loc, required: boolean): void {
  const score = holder.measureScore;
  const scoreLoc = at(loc, holder, 'measureScore');
  if (!c.scoring || c.type === 'data-collection') return;
  if (c.scoring === 'cohort') {
    if (score !== undefined) {
      c.report(scoreLoc, 'error', 'business-rule', 'measurereport-score-not-allowed', 'A cohort measure has no score (its result is the population itself); remove measureScore');
    }
    return;
  }
  if (score === undefined) {
    if (required && c.complete) {
      c.report(loc, 'error', 'required', 'measurereport-score-missing', `A complete report of a ${c.scoring} measure gives the measureScore of each group`);
    }
    return;
  }
  if (!isObj(score)) return; // a Quantity: its shape is the structure checks' business
  // an extension may carry the score instead (profiles do that); only a bare Quantity says nothing
  if (score.value === undefined && score.extension === undefined) {
    c.report(scoreLoc, 'error', 'required', 'measurereport-score-value', `The measureScore of a ${c.scoring} measure has a value; this one has none`);
  }
  if (c.scoring === 'proportion') {
    if (typeof score.value === 'number' && (score.value < 0 || score.value > 1)) {
      c.report(at(scoreLoc, score, 'value'), 'error', 'value', 'measurereport-score-proportion',
        `A proportion is a number from 0 to 1 (numerator over denominator); this measureScore is ${score.value}`);
    }
    for (const k of ['unit', 'system', 'code']) {
      if (score[k] !== undefined) {
        c.report(at(scoreLoc, score, k), 'error', 'value', 'measurereport-score-proportion', `A proportion is a plain number (numerator over denominator): its measureScore has no ${k}`);
      }
    }
  }
}

function checkStratifiers(c: ReportContext, group: Json, loc: Loc, mg: Json, mpops: Json[]): void {
  const mstrats = list(mg.stratifier).filter(isObj);
  const reportStrats = items(loc, group, 'stratifier');
  const matched = new Set<Json>();
  for (const s of reportStrats) {
    // MeasureReport.group.stratifier.code is 0..*: any of them may name the Measure's stratifier
    const codes = list(s.value.code).filter(isObj);
    let ms: Json | undefined;
    if (codes.length === 0) {
      if (mstrats.length === 1 && reportStrats.length === 1) ms = mstrats[0];
      else c.report(s.loc, 'error', 'business-rule', 'measurereport-stratifier-unknown', 'This stratifier has no code, so it cannot be matched to a stratifier of the Measure group');
    } else {
      ms = mstrats.find((x) => isObj(x.code) && codes.some((cc) => sameConcept(cc, x.code)));
      if (!ms) {
        c.report(s.loc, 'error', 'business-rule', 'measurereport-stratifier-unknown',
          `The stratifier ${codes.map(showConcept).join(', ')} is not a stratifier of the Measure group (${mstrats.map((x) => showConcept(x.code)).join(', ') || 'it has none'})`);
      } else if (matched.has(ms)) {
        c.report(s.loc, 'error', 'business-rule', 'measurereport-stratifier-unknown', `The stratifier ${showConcept(ms.code)} is reported more than once in this group`);
      }
    }
    if (ms) matched.add(ms);
    for (const stratum of items(s.loc, s.value, 'stratum')) {
      for (const p of items(stratum.loc, stratum.value, 'population')) matchPopulation(c, p.value, p.loc, mpops, 'warning');
      checkScore(c, stratum.value, stratum.loc, false);
    }
  }
  if (c.complete) {
    for (const ms of mstrats) {
      if (matched.has(ms)) continue;
      c.report(loc, 'error', 'business-rule', 'measurereport-stratifier-missing', `The complete report has no results for the Measure group's stratifier ${showConcept(ms.code)}`);
    }
  }
}
