/**
 * Terminology bindings: codes, Codings, CodeableConcepts and Quantities checked against the
 * value sets their definitions bind them to, with severities by binding strength, plus the
 * code systems of Codings checked wherever they are known locally.
 */
import type { ElementPlan } from '../compile/plan.js';
import type { IssueType, Severity } from '../model/issue.js';
import { str } from '../model/json.js';
import type { CodeResult } from '../terminology/index.js';
import type { Loc } from './walk-path.js';
import type { Applied, CheckContext, RunState } from './context.js';
import { combinationOf, type Combination } from './combination.js';
import { bindingRuleId } from '../model/rules.js';

const BINDABLE = new Set(['code', 'Coding', 'CodeableConcept', 'Quantity', 'string', 'uri', 'CodeableReference']);

interface Binding {
  strength: string;
  valueSet: string;
  el: ElementPlan;
  /** Set when the binding comes from an additional binding (R5, usable in R4 as an extension). */
  additional?: boolean;
}

/** R5's ElementDefinition.binding.additional, as the R4 cross-version extension and the tools one. */
const ADDITIONAL_BINDING = new Set([
  'http://hl7.org/fhir/5.0/StructureDefinition/extension-ElementDefinition.binding.additional',
  'http://hl7.org/fhir/tools/StructureDefinition/additional-binding',
]);

/** The bindings that apply: the most constraining definition per value set. */
function bindingsOf(applied: readonly Applied[]): Binding[] {
  const out: Binding[] = [];
  for (const a of applied) {
    const b = a.el.def.binding;
    if (!b?.valueSet || !b.strength) continue;
    const i = out.findIndex((x) => x.valueSet === b.valueSet);
    if (i >= 0) {
      if (rank(b.strength) > rank(out[i]!.strength)) out[i] = { strength: b.strength, valueSet: b.valueSet, el: a.el };
    } else out.push({ strength: b.strength, valueSet: b.valueSet, el: a.el });
  }
  // a profile's binding replaces the base one: keep only the last definition's bindings when they differ
  let list = out;
  if (out.length > 1) {
    const last = out[out.length - 1]!;
    const required = out.filter((b) => b.strength === 'required');
    list = required.length ? required : [last];
  }
  for (const a of applied) {
    const exts = a.el.def.binding?.extension;
    if (exts) for (const e of exts) if (ADDITIONAL_BINDING.has(e.url)) addAdditional(list, e, a.el);
  }
  return list;
}

/**
 * An additional binding whose purpose is a conformance rule ('required', 'extensible') and that
 * applies everywhere (no usage context): checked like a binding of that strength. The other
 * purposes (maximum, minimum, current, preferred, ui, starter, component, candidate) are
 * guidance and are not checked.
 */
function addAdditional(list: Binding[], ext: { extension?: { url: string; valueCode?: string; valueCanonical?: string }[] }, el: ElementPlan): void {
  const parts = ext.extension ?? [];
  const purpose = parts.find((p) => p.url === 'purpose')?.valueCode;
  const valueSet = parts.find((p) => p.url === 'valueSet')?.valueCanonical;
  if (!valueSet || (purpose !== 'required' && purpose !== 'extensible')) return;
  if (parts.some((p) => p.url === 'usage')) return;
  if (list.some((b) => b.valueSet === valueSet && b.strength === purpose)) return;
  list.push({ strength: purpose, valueSet, el, additional: true });
}

/**
 * R4 lets a few mime-type elements (CapabilityStatement.format, Signature.targetFormat) also
 * take "xml", "json" or "ttl", the simple encodings of the specification; their definitions say
 * so in the comment ('"xml", "json" and "ttl" are allowed…'), which is what is read here, so a
 * profile's or another element's comment that says the same is honoured too.
 */
const FORMAT_SHORTHANDS = new Set(['xml', 'json', 'ttl']);
const SHORTHANDS_ALLOWED = /["']xml["'],\s*["']json["'],?\s*(?:and|or)\s*["']ttl["']\s+are\s+allowed/i;

function shorthandsAllowed(applied: readonly Applied[]): boolean {
  return applied.some((a) => typeof a.el.def.comment === 'string' && SHORTHANDS_ALLOWED.test(a.el.def.comment));
}

function rank(s: string): number {
  return s === 'required' ? 3 : s === 'extensible' ? 2 : s === 'preferred' ? 1 : 0;
}

export function checkBindings(
  v: CheckContext,
  st: RunState,
  value: unknown,
  applied: Applied[],
  typeCode: string,
  loc: Loc,
  combo: Combination = combinationOf(applied, typeCode),
): void {
  const term = v.terminology;
  if (!term) return;
  if (typeCode === 'Coding' && value && typeof value === 'object') checkCodingSystem(v, st, value as Record<string, unknown>, loc);
  if (!BINDABLE.has(typeCode)) return;
  let bindings = combo.bindings as Binding[] | undefined;
  if (!bindings) {
    bindings = bindingsOf(combo.applied);
    combo.bindings = bindings;
  }
  for (let i = 0; i < bindings.length; i++) {
    const b = bindings[i]!;
    if (b.strength === 'example') continue;
    let result: CodeResult | Promise<CodeResult> | undefined;
    if (typeof value === 'string' && (typeCode === 'code' || typeCode === 'string' || typeCode === 'uri')) {
      if (FORMAT_SHORTHANDS.has(value) && shorthandsAllowed(combo.applied)) continue;
      result = term.validateCode(b.valueSet, { code: value });
    } else if (value && typeof value === 'object') {
      const o = value as Record<string, unknown>;
      if (typeCode === 'Coding') {
        if (typeof o.code !== 'string') continue;
        result = term.validateCode(b.valueSet, { system: str(o.system), version: str(o.version), code: o.code, display: str(o.display) });
      } else if (typeCode === 'CodeableConcept') {
        if (!Array.isArray(o.coding) || o.coding.length === 0) continue; // text only: nothing to check
        result = term.validateCodeableConcept(b.valueSet, o as never);
      } else if (typeCode === 'Quantity') {
        if (typeof o.code !== 'string') continue;
        result = term.validateCode(b.valueSet, { system: str(o.system), code: o.code });
      }
    }
    if (!result) continue;
    if (result instanceof Promise) {
      st.pending.push(result.then((r) => reportResult(v, st, r, b, value, typeCode, loc)));
    } else if (result.result !== 'valid' || result.display) reportResult(v, st, result, b, value, typeCode, loc);
  }
}

/** The code(s) as a message quotes them; only built when there is something to report. */
function shownCode(value: unknown, typeCode: string): string {
  if (typeof value === 'string') return `'${value}'`;
  const o = value as Record<string, unknown>;
  if (typeCode === 'CodeableConcept') return (o.coding as Record<string, unknown>[]).map((c) => `${str(c?.system) ?? ''}#${str(c?.code) ?? ''}`).join(', ');
  return `${str(o.system) ?? ''}#${String(o.code)}`;
}

function reportResult(v: CheckContext, st: RunState, r: CodeResult, b: Binding, value: unknown, typeCode: string, loc: Loc): void {
  const vs = b.valueSet;
  if (r.result === 'invalid') {
    const [severity, tail]: [Severity, string] =
      b.strength === 'required'
        ? ['error', 'and a code from this value set is required']
        : b.strength === 'extensible'
          ? ['warning', 'and a code from this value set should be used unless it has no suitable code']
          : ['information', 'and a code from this value set is recommended'];
    const code: IssueType = 'code-invalid';
    v.report(
      st,
      loc,
      severity,
      code,
      bindingRuleId(b.strength),
      `The ${typeCode === 'CodeableConcept' ? 'codings provided' : 'code'} ${shownCode(value, typeCode)} ${typeCode === 'CodeableConcept' ? 'are' : 'is'} not in the value set ${vs} (${b.additional ? `additional binding, purpose ${b.strength}` : `${b.strength} binding`}), ${tail}${r.message && !/is not in the value set/.test(r.message) ? `: ${r.message}` : ''}`,
      { el: b.el },
    );
  } else if (r.result === 'unknown' && (b.strength === 'required' || b.strength === 'extensible')) {
    v.report(
      st,
      loc,
      'information',
      'informational',
      'binding-not-checked',
      r.message ?? `The code ${shownCode(value, typeCode)} could not be checked against ${vs} offline (pass --tx <terminology server> to check it)`,
      { el: b.el },
    );
  }
  if (r.display && value && typeof value === 'object') {
    displayIssue(v, st, r, loc, typeCode, value as Record<string, unknown>);
  }
}

function displayIssue(v: CheckContext, st: RunState, r: CodeResult, loc: Loc, typeCode: string, value: Record<string, unknown>): void {
  const d = r.display!;
  let at = loc;
  if (typeCode === 'Coding') at = loc.child('display', value, 'display');
  else if (typeCode === 'CodeableConcept' && Array.isArray(value.coding)) {
    const i = (value.coding as Record<string, unknown>[]).findIndex((c) => c && c.display === d.given);
    if (i >= 0) at = loc.child('coding', value.coding as object, i, i).child('display', (value.coding as object[])[i]!, 'display');
  }
  v.report(
    st,
    at,
    'warning',
    'value',
    'display-mismatch',
    `Wrong display '${d.given}': the code system says ${d.expected.map((e: string) => `'${e}'`).join(' or ')}`,
  );
}

/** Codings outside (or beside) bindings: an unknown code in a complete local code system is an error. */
function checkCodingSystem(v: CheckContext, st: RunState, coding: Record<string, unknown>, loc: Loc): void {
  const system = str(coding.system);
  if (!system) return;
  if (systemIsNotACodeSystem(v, st, system, loc)) return;
  const code = str(coding.code);
  if (!code) return;
  const r = v.terminology!.validateCodeInSystem({ system, version: str(coding.version), code, display: str(coding.display) });
  if (r.result === 'invalid') {
    v.report(st, loc.child('code', coding, 'code'), 'error', 'code-invalid', 'code-unknown', r.message ?? `Unknown code '${code}' in the code system ${system}`);
  } else if (r.result === 'unknown' && r.systemUnknown) {
    v.report(
      st,
      loc.child('system', coding, 'system'),
      'warning',
      'not-found',
      'code-system-unknown',
      `A definition for CodeSystem '${system}' could not be found, so the code cannot be validated (check the system URL for typos, or load the package that defines it)`,
    );
  }
  if (r.display) displayIssue(v, st, r, loc, 'Coding', coding);
}

const URI_SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:/;

/**
 * Coding.system identifies a code system by an absolute URI (terminologies.html §4.1, and
 * datatypes.html#Coding: "The identification of the code system"): a relative one, a value
 * set's canonical or another resource's canonical cannot be that, and a known code system's
 * url in the wrong letter case is not it either (canonical urls are compared exactly).
 * Reported on the Coding, as the HL7 validator does; true when reported.
 */
function systemIsNotACodeSystem(v: CheckContext, st: RunState, system: string, loc: Loc): boolean {
  // surrounding whitespace is reported as a malformed uri already; judge what is inside it
  if (!URI_SCHEME.test(system.trim())) {
    v.report(
      st,
      loc,
      'error',
      'code-invalid',
      'code-system-relative',
      `Coding.system '${system}' is not an absolute URI: a code system is identified by an absolute URI (e.g. http://snomed.info/sct or urn:oid:…), not a relative reference`,
    );
    return true;
  }
  const problem = v.terminology!.systemProblem(system);
  if (!problem) return false;
  if (problem.kind === 'not-code-system') {
    v.report(
      st,
      loc,
      'error',
      'code-invalid',
      'code-system-not-codesystem',
      problem.resourceType === 'ValueSet'
        ? `Coding.system '${system}' is the url of a ValueSet, not of a CodeSystem: use the url of the code system that defines the code (a value set only selects codes from code systems)`
        : `Coding.system '${system}' is the url of a ${problem.resourceType}, not of a CodeSystem: use the url of the code system that defines the code`,
    );
  } else {
    v.report(
      st,
      loc,
      'error',
      'code-invalid',
      'code-system-case',
      `Unknown code system '${system}': did you mean '${problem.known}'? Code system urls are case-sensitive`,
    );
  }
  return true;
}
