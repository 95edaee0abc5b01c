/**
 * Questionnaire and QuestionnaireResponse rules beyond what StructureDefinitions can say,
 * agreeing with the HL7 Java validator (R4): see response.ts and definition.ts.
 */
import type { IssueType, Severity } from '../../model/issue.js';
import type { TerminologyService } from '../../terminology/index.js';
import { checkDefinition } from './definition.js';
import { checkResponse } from './response.js';
import type { RuleId } from '../../model/rules.js';

export interface QuestionnaireContext {
  /** Report an issue located by keys/indexes from the resource root, e.g. ['item', 0, 'answer', 1, 'valueCoding']. */
  report(path: (string | number)[], severity: Severity, code: IssueType, ruleId: RuleId, message: string): void;
  /** A canonical resource (Questionnaire, ValueSet, CodeSystem) from loaded definitions, the enclosing Bundle, or '#id' contained. */
  fetch(canonical: string, resourceType: string): Record<string, unknown> | undefined;
  terminology?: TerminologyService;
}

/** Checks a QuestionnaireResponse against the Questionnaire it names (when that can be found). */
export function checkQuestionnaireResponse(qr: Record<string, unknown>, ctx: QuestionnaireContext): void {
  checkResponse(qr, ctx);
}

/** Checks a Questionnaire's own consistency (enableWhen targets and combination). */
export function checkQuestionnaire(q: Record<string, unknown>, ctx: QuestionnaireContext): void {
  checkDefinition(q, ctx);
}
