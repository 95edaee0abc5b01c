/**
 * The one issue shape every stage produces (parse, load, validate, BaRS) and every
 * report consumes. Field names follow the JSON contract of `bars validate`.
 */
export type Severity = 'fatal' | 'error' | 'warning' | 'information';

/** OperationOutcome.issue.code (http://hl7.org/fhir/issue-type). */
export type IssueType =
  | 'invalid'
  | 'structure'
  | 'required'
  | 'value'
  | 'invariant'
  | 'security'
  | 'login'
  | 'unknown'
  | 'expired'
  | 'forbidden'
  | 'suppressed'
  | 'processing'
  | 'not-supported'
  | 'duplicate'
  | 'multiple-matches'
  | 'not-found'
  | 'deleted'
  | 'too-long'
  | 'code-invalid'
  | 'extension'
  | 'too-costly'
  | 'business-rule'
  | 'conflict'
  | 'transient'
  | 'lock-error'
  | 'no-store'
  | 'exception'
  | 'timeout'
  | 'incomplete'
  | 'throttled'
  | 'informational';

/** BaRS context of an issue raised by the BaRS layer. */
export interface BarsContext {
  application?: string;
  payload?: string;
  rule?: string;
  guidePage?: string;
  /** Where in the BaRS API specification (OpenAPI) the rule comes from, as a JSON pointer (`#/paths/~1$process-message/post`). */
  spec?: string;
}

export interface ValidationIssue {
  severity: Severity;
  code: IssueType;
  message: string;
  /** FHIRPath location, e.g. `Bundle.entry[2].resource.subject.reference`. */
  expression?: string;
  line?: number;
  column?: number;
  /** Stable identifier of the check, e.g. `cardinality-min`, `invariant:ele-1`. */
  ruleId: string;
  /** The profile (`url|version`) or rule set that raised the issue. */
  source?: string;
  /** Element id in the profile named by `source`. */
  elementId?: string;
  bars?: BarsContext;
  /** Present when a suppression file matched; the issue is still reported and counted. */
  suppressed?: { justification: string; file?: string };
  /**
   * Issues that only echo this one's root cause (e.g. an unknown code system next to the rule
   * that names the misspelt URL): kept here, out of the main list and its counts.
   */
  related?: ValidationIssue[];
}

export const SEVERITY_RANK: Record<Severity, number> = { fatal: 3, error: 2, warning: 1, information: 0 };

export function isErrorSeverity(s: Severity): boolean {
  return s === 'error' || s === 'fatal';
}
