/**
 * The HTTP rules' guide pages, as rules/http/http-rules.json documents them (a test keeps the
 * two in step). Kept in code so the checks need no file at run time.
 */
import type { Severity, IssueType, ValidationIssue } from '../../model/issue.js';
import type { LineColumn } from '../../parse/locations.js';

const AUTH = 'Core/1-5-0/Security-and-Authorisation/Authorisation.page.md';
const SENDER = 'Core/1-5-0/Security-and-Authorisation/Sender.page.md';
const GENERAL = 'Core/1-5-0/Error-Handling/Failure-Scenarios-1-1-x/General-Failure-Scenarios.page.md';
const API = 'Core/1-5-0/End-to-end-workflow/BaRS-FHIR-API.page.md';

export const HTTP_RULES = {
  'BARS-HTTP-01': { guidePage: API },
  'BARS-HTTP-02': { guidePage: 'Core/1-5-0/Error-Handling/Failure-Scenarios-1-1-x/Message-Routing.page.md' },
  'BARS-HTTP-03': { guidePage: GENERAL },
  'BARS-HTTP-04': { guidePage: GENERAL },
  'BARS-HTTP-05': { guidePage: GENERAL },
  'BARS-HTTP-06': { guidePage: 'Analysis/Content-Negotiation/Mechanism.page.md' },
  'BARS-HTTP-07': { guidePage: 'Core/1-5-0/End-to-end-workflow/transactional-Integrity.page.md' },
  'BARS-HTTP-08': { guidePage: 'Core/1-5-0/End-to-end-workflow/Routing.page.md' },
  'BARS-HTTP-09': { guidePage: 'Core/1-5-0/Standard-Pattern-Composite-Messages/Message-Headers.page.md' },
  'BARS-HTTP-10': { guidePage: AUTH },
  'BARS-HTTP-11': { guidePage: AUTH },
  'BARS-HTTP-12': { guidePage: AUTH },
  'BARS-HTTP-13': { guidePage: 'Core/1-5-0/End-to-end-workflow/Authentication-and-Authorisation.page.md' },
  'BARS-HTTP-14': { guidePage: API },
  'BARS-HTTP-15': { guidePage: SENDER },
  'BARS-HTTP-16': { guidePage: SENDER },
  'BARS-HTTP-17': { guidePage: SENDER },
  'BARS-HTTP-18': { guidePage: 'Core/1-5-0/End-to-end-workflow/Authenticate-with-BaRS.page.md' },
  'BARS-HTTP-19': { guidePage: 'Core/1-5-0/BaRS-FHIR-Usage/process-message.page.md' },
} as const;

export type HttpRuleId = keyof typeof HTTP_RULES;

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
