/**
 * Codes the guide fixes (e.g. Consent.category DRC from consent-categories-bars, policyRule
 * IMPLIED) are what a BaRS sender must send: the base resource's extensible binding that does
 * not list them draws no warning. The binding issue is kept as `related` of an information.
 */
import type { ValidationIssue } from '../model/issue.js';
import type { PayloadRules } from './rules/necessity.js';
import { arr, rec, type IssueSink, type Json } from './message.js';

interface MandatedCode {
  /** Element path below the resource type, lower-cased (the guide writes Consent.Category). */
  element: string;
  resourceType: string;
  system?: string;
  code: string;
  rule: string;
  guidePage: string;
}

const cache = new WeakMap<PayloadRules, MandatedCode[]>();

/** The (system, code) pairs the payload's table fixes on `….coding.code` rows. */
export function mandatedCodes(table: PayloadRules): MandatedCode[] {
  let out = cache.get(table);
  if (out) return out;
  out = [];
  for (const section of table.resources) {
    section.rules.forEach((r, i) => {
      if (r.fixedValue === null || !/\.coding\.code$/i.test(r.path)) return;
      const coding = r.path.slice(0, -'.code'.length);
      // the system row of the same coding: the nearest row above or below with that path
      const near = [...section.rules.slice(0, i).reverse(), ...section.rules.slice(i + 1)].find((x) => x.path.toLowerCase() === `${coding}.system`.toLowerCase());
      const [type, ...rest] = coding.split('.');
      out!.push({
        resourceType: type!,
        element: rest.slice(0, -1).join('.').toLowerCase(),
        system: near?.fixedValue ?? undefined,
        code: r.fixedValue,
        rule: r.id,
        guidePage: `${table.guidePage}#L${r.line}`,
      });
    });
  }
  cache.set(table, out);
  return out;
}

/** `Bundle.entry[2].resource.category[0]` → ['entry', 2, 'resource', 'category', 0]. */
function pathOfExpression(expression: string): (string | number)[] {
  const out: (string | number)[] = [];
  for (const part of expression.split('.').slice(1)) {
    const m = /^([^[]+)(?:\[(\d+)\])?$/.exec(part);
    if (!m) return [];
    out.push(m[1]!);
    if (m[2] !== undefined) out.push(Number(m[2]));
  }
  return out;
}

/** Extensible and preferred binding misses on a code the table fixes: an information, with the miss as related. */
export function acceptMandatedCodes(bundle: Json, table: PayloadRules, issues: readonly ValidationIssue[], sink: IssueSink): void {
  const mandated = mandatedCodes(table);
  if (mandated.length === 0) return;
  for (const issue of issues) {
    if ((issue.ruleId !== 'binding-extensible' && issue.ruleId !== 'binding-preferred') || !issue.expression || issue.related) continue;
    const path = pathOfExpression(issue.expression);
    if (path[0] !== 'entry' || path[2] !== 'resource') continue;
    const resource = rec(rec(arr(bundle.entry)[path[1] as number])?.resource);
    let value: unknown = bundle;
    for (const k of path) value = Array.isArray(value) ? value[k as number] : rec(value)?.[k];
    const element = path.slice(3).filter((k) => typeof k === 'string').join('.').toLowerCase();
    const v = rec(value);
    const codings = v && Array.isArray(v.coding) ? arr(v.coding).map(rec) : [v];
    const hit = mandated.find((m) => m.resourceType === resource?.resourceType && m.element === element && codings.some((c) => c?.code === m.code && (m.system === undefined || c.system === m.system)));
    if (!hit) continue;
    sink.add(path, 'information', 'informational', 'bars-code-mandated', `${hit.system ? `${hit.system}#` : ''}${hit.code} is the code the guide fixes for ${hit.resourceType}.${element} (${table.application} ${table.payload}): the binding that does not list it is not a concern here`, {
      rule: hit.rule,
      guidePage: hit.guidePage,
    });
    sink.issues[sink.issues.length - 1]!.related = [issue];
  }
}
