/**
 * OperationDefinition.inputProfile / outputProfile (operationdefinition.html): "a profile with
 * additional constraints for the Parameters resource used when invoking (or returned by) the
 * operation". The profile restates the parameter list, so it must agree with it: the profile must
 * be a Parameters profile; each parameter slice of it (named by a fixed or pattern `name`) must be a
 * declared parameter of that direction with the same min/max, types and target profiles; a
 * declared parameter the profile does not slice is reported too. As in the HL7 Java validator,
 * disagreements of cardinality, type or target are errors, a parameter present on one side only a
 * warning (a profile may leave a parameter to its open slicing).
 *
 * Findings about one parameter are reported at that OperationDefinition.parameter, the element to
 * fix (the Java validator names it `inputProfile.parameter[n]`, see docs/java-differences.md).
 */
import type { ElementPlan } from '../../compile/plan.js';
import { list, report, str, type ConformanceContext } from './context.js';

const ALLOWED_TYPE_EXT = 'http://hl7.org/fhir/StructureDefinition/operationdefinition-allowed-type';

export function checkOperationDefinition(c: ConformanceContext): void {
  const od = c.resource;
  for (const [key, use] of [
    ['inputProfile', 'in'],
    ['outputProfile', 'out'],
  ] as const) {
    const url = str(od, key);
    if (url) checkProfile(c, key, url, use);
  }
}

function checkProfile(c: ConformanceContext, key: string, url: string, use: 'in' | 'out'): void {
  const sd = c.fetch(url, 'StructureDefinition');
  if (!sd) {
    report(c, [key], 'error', 'not-found', 'opdef-profile-not-found', `The '${use}' profile '${url}' cannot be resolved, so the parameters it defines cannot be compared with the operation's`);
    return;
  }
  if (sd.type !== 'Parameters') {
    report(c, [key], 'error', 'invalid', 'opdef-profile-not-parameters', `The '${use}' profile '${url}' is not a profile on the 'Parameters' resource (its type is ${String(sd.type)})`);
    return;
  }
  const plan = c.check.compiler.plan(url);
  if (!plan) return; // a profile that cannot be compiled is reported where it is used
  const named = `${plan.url}${plan.version ? `|${plan.version}` : ''}`;
  const params = list(c.resource, 'parameter');
  const matched = new Set<number>();
  const parameterEl = plan.root.children.find((e) => e.name === 'parameter');
  for (const slice of parameterEl?.slices ?? []) {
    const name = fixedName(slice);
    if (name === undefined) continue;
    const index = params.findIndex((p) => str(p, 'name') === name && str(p, 'use') === use);
    if (index < 0) {
      report(
        c,
        [key],
        'warning',
        'business-rule',
        'opdef-profile-extra-parameter',
        `The '${use}' profile ${named} defines a parameter '${name}' but this is not in the parameters list in the operation definition`,
      );
      continue;
    }
    matched.add(index);
    compareParameter(c, index, params[index] as Record<string, unknown>, slice, use, name, named);
  }
  params.forEach((p, i) => {
    if (matched.has(i) || str(p, 'use') !== use) return;
    report(
      c,
      ['parameter', i],
      'warning',
      'business-rule',
      'opdef-profile-missing-parameter',
      `The '${use}' profile ${named} does not have a parameter '${str(p, 'name') ?? '?'}' but it is in the parameters list in the operation definition`,
    );
  });
}

/** The parameter name a slice fixes (fixed[x] or pattern[x] on its `name`). */
function fixedName(slice: ElementPlan): string | undefined {
  const nameEl = slice.children.find((e) => e.name === 'name');
  if (!nameEl) return undefined;
  const def = nameEl.def as unknown as Record<string, unknown>;
  for (const [k, v] of Object.entries(def)) if ((k.startsWith('fixed') || k.startsWith('pattern')) && typeof v === 'string') return v;
  return undefined;
}

function compareParameter(
  c: ConformanceContext,
  index: number,
  param: Record<string, unknown>,
  slice: ElementPlan,
  use: string,
  name: string,
  profile: string,
): void {
  const at = ['parameter', index];
  const mismatch = (what: string, ours: string, theirs: string): void =>
    report(
      c,
      at,
      'error',
      'business-rule',
      'opdef-profile-cardinality',
      `The parameter '${name}' has a value for '${what}' of '${theirs}' in the '${use}' profile ${profile} that is different to '${ours}' which is the value in the parameter definition in the operation definition`,
    );
  if (typeof param.min === 'number' && param.min !== slice.min) mismatch('min', String(param.min), String(slice.min));
  const max = typeof param.max === 'string' ? parseMax(param.max) : undefined;
  const sliceMax = slice.def.max !== undefined ? parseMax(String(slice.def.max)) : undefined;
  if (max !== undefined && sliceMax !== undefined && max !== sliceMax) mismatch('max', String(param.max), String(slice.def.max));

  const allowed = allowedTypes(param);
  const targets = list(param, 'targetProfile').filter((t): t is string => typeof t === 'string');
  const value = slice.children.find((e) => e.name === 'value');
  const resource = slice.children.find((e) => e.name === 'resource');
  const part = slice.children.find((e) => e.name === 'part');
  const profileTypes: string[] = [];
  const profileTargets: string[] = [];
  for (const el of [value, resource]) {
    if (!el || !isUsed(el, [value, resource, part].filter((x): x is ElementPlan => x !== undefined && x !== el))) continue;
    for (const t of el.types) {
      profileTypes.push(t.code);
      profileTargets.push(...t.targetProfiles);
      if (!allowed.includes(t.code)) {
        report(
          c,
          at,
          'error',
          'business-rule',
          'opdef-profile-type',
          `The type '${t.code}' is allowed for the parameter '${name}' in the '${use}' profile ${profile} but is not in the list of allowed types for the parameter in the operation definition: ${listed(allowed)}`,
        );
      }
    }
  }
  for (const t of allowed) {
    if (profileTypes.includes(t)) continue;
    report(
      c,
      at,
      'error',
      'business-rule',
      'opdef-profile-type',
      `The type '${t}' is not allowed for the parameter '${name}' in the '${use}' profile ${profile} but is in the list of allowed types for the parameter in the operation definition (allowed types = ${listed(profileTypes)})`,
    );
  }
  for (const t of targets) {
    if (profileTargets.includes(t)) continue;
    report(
      c,
      at,
      'error',
      'business-rule',
      'opdef-profile-target',
      `The target profile '${t}' is not allowed for the parameter '${name}' in the '${use}' profile ${profile} but is in the list of target profiles for the parameter in the operation definition (profile target profiles = ${listed(profileTargets)})`,
    );
  }
  // a parameter of type Element may be a Reference or a canonical: it cannot name targets (opd-3), so nothing to compare
  if (str(param, 'type') === 'Element') return;
  for (const t of profileTargets) {
    if (targets.includes(t)) continue;
    report(
      c,
      at,
      'error',
      'business-rule',
      'opdef-profile-target',
      `The target profile '${t}' is allowed for the parameter '${name}' in the '${use}' profile ${profile} but is not in the list of target profiles for the parameter in the operation definition: ${listed(targets)}`,
    );
  }
}

/** A parameter's types: the R5 allowed-type extension when present, else its `type`. */
function allowedTypes(param: Record<string, unknown>): string[] {
  const fromExt = list(param, 'extension')
    .filter((e) => str(e, 'url') === ALLOWED_TYPE_EXT)
    .map((e) => str(e, 'valueUri') ?? str(e, 'valueCode') ?? str(e, 'valueString'))
    .filter((t): t is string => t !== undefined);
  if (fromExt.length) return fromExt;
  const t = str(param, 'type');
  return t ? [t] : [];
}

/** A slice's value/resource element carries the parameter when it is not prohibited and no other one is required. */
function isUsed(el: ElementPlan, others: ElementPlan[]): boolean {
  // String(): a profile may write max as a JSON number; it still means prohibited
  if (String(el.def.max) === '0') return false;
  return !others.some((o) => o.min > 0);
}

function parseMax(max: string): number | undefined {
  if (max === '*') return Infinity;
  return /^\d+$/.test(max) ? Number(max) : undefined;
}

function listed(items: string[]): string {
  return items.length ? [...items].sort().join(', ') : '(none)';
}
