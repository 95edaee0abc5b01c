/**
 * What the conformance-resource checks (SearchParameter, OperationDefinition, ValueSet,
 * CapabilityStatement validated as instances) need beyond the narrow CheckContext: the
 * definitions they cross-check against (a derivedFrom SearchParameter, an input profile, a
 * filter's CodeSystem), looked up in the loaded packages, the enclosing Bundle or `#id`
 * contained resources. Kept apart from index.ts so the check files do not import the dispatcher.
 */
import type { IssueType, Severity } from '../../model/issue.js';
import type { RuleId } from '../../model/rules.js';
import type { CheckContext, RunState } from '../context.js';
import { Loc, locAt } from '../walk-path.js';

export interface ConformanceContext {
  readonly check: CheckContext;
  readonly st: RunState;
  /** The resource being checked and where it is. */
  readonly resource: Record<string, unknown>;
  readonly loc: Loc;
  /** A definition by canonical (`url` or `url|version`) and resource type, or undefined when it is not loaded. */
  fetch(canonical: string, resourceType: string): Record<string, unknown> | undefined;
}

/** Report at a path of keys/indexes from the resource root, e.g. ['rest', 0, 'resource', 2, 'searchParam', 1]. */
export function report(
  c: ConformanceContext,
  path: (string | number)[],
  severity: Severity,
  code: IssueType,
  ruleId: RuleId,
  message: string,
): void {
  c.check.report(c.st, locAt(c.loc, c.resource, path), severity, code, ruleId, message);
}

/** The string value of a member, or undefined. */
export function str(o: unknown, key: string): string | undefined {
  if (o === null || typeof o !== 'object') return undefined;
  const v = (o as Record<string, unknown>)[key];
  return typeof v === 'string' ? v : undefined;
}

/** The items of an array member ([] when absent or not an array). */
export function list(o: unknown, key: string): unknown[] {
  if (o === null || typeof o !== 'object') return [];
  const v = (o as Record<string, unknown>)[key];
  return Array.isArray(v) ? v : [];
}
