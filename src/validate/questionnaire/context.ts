/**
 * What the Questionnaire checks need from the validator (kept apart from index.ts, which runs
 * the checks, so the check files do not import the file that imports them).
 */
import type { IssueType, Severity } from '../../model/issue.js';
import type { TerminologyService } from '../../terminology/index.js';
import type { RuleId } from '../../model/rules.js';

export interface QuestionnaireContext {
  /** Report an issue located by keys/indexes from the resource root, e.g. ['item', 0, 'answer', 1, 'valueCoding']. */
  report(path: (string | number)[], severity: Severity, code: IssueType, ruleId: RuleId, message: string): void;
  /** A canonical resource (Questionnaire, ValueSet, CodeSystem) from loaded definitions, the enclosing Bundle, or '#id' contained. */
  fetch(canonical: string, resourceType: string): Record<string, unknown> | undefined;
  terminology?: TerminologyService;
}
