/**
 * Questionnaire and QuestionnaireResponse rules beyond what StructureDefinitions can say,
 * agreeing with the HL7 Java validator (R4): see response.ts and definition.ts.
 */
import type { QuestionnaireContext } from './context.js';
import { checkDefinition } from './definition.js';
import { checkResponse } from './response.js';
import type { RuleId } from '../../model/rules.js';

export type { QuestionnaireContext };

/** Checks a QuestionnaireResponse against the Questionnaire it names (when that can be found). */
export function checkQuestionnaireResponse(qr: Record<string, unknown>, ctx: QuestionnaireContext): void {
  checkResponse(qr, ctx);
}

/** Checks a Questionnaire's own consistency (enableWhen targets and combination). */
export function checkQuestionnaire(q: Record<string, unknown>, ctx: QuestionnaireContext): void {
  checkDefinition(q, ctx);
}
