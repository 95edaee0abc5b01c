/**
 * The HTTP rules (BARS-HTTP-nn) as rules/http/http-rules.json states them, from the rule catalog
 * (src/model/bars-rules.generated.ts, generated from that file by npm run docs:rules).
 */
import type { Severity, IssueType, ValidationIssue } from '../../model/issue.js';
import { BARS_RULES } from '../../model/bars-rules.generated.js';
import type { BarsRuleId } from '../../model/rules.js';
import type { LineColumn } from '../../parse/locations.js';

export type HttpRuleId = Extract<BarsRuleId, `BARS-HTTP-${string}`>;

export const HTTP_RULES = Object.fromEntries(Object.entries(BARS_RULES).filter(([id]) => id.startsWith('BARS-HTTP-'))) as { [K in HttpRuleId]: (typeof BARS_RULES)[K] };

/** Collects the HTTP-level issues of one request, each tagged with its rule and guide page. */
export class HttpIssues {
  readonly issues: ValidationIssue[] = [];

  add(
    rule: HttpRuleId,
    severity: Severity,
    code: IssueType,
    message: string,
    where: { expression?: string; pos?: LineColumn; spec?: string } = {},
  ): ValidationIssue {
    const i: ValidationIssue = { severity, code, message, ruleId: rule, source: 'BaRS', bars: { rule, guidePage: HTTP_RULES[rule].guidePage } };
    if (where.expression) i.expression = where.expression;
    if (where.pos) {
      i.line = where.pos.line;
      i.column = where.pos.column;
    }
    if (where.spec) i.bars!.spec = where.spec;
    this.issues.push(i);
    return i;
  }
}
