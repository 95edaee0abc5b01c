/**
 * BaRS error responses: an HTTP status with an OperationOutcome whose issue carries the
 * http-error-codes code (SEND_/REC_/PROXY_ prefix by who raised it), the issue type and clear
 * diagnostics, as the guide's Core error handling pages prescribe (Error-Handling/Overview,
 * OperationOutcome-Example, Receiver-Responsibilities, Failure-Scenarios-1-1-x).
 */
import { randomUUID } from 'node:crypto';
import type { IssueType } from '../model/issue.js';
import { nhsNumberProblem } from '../bars/nhs-number.js';

export const HTTP_ERROR_CODES = 'https://fhir.nhs.uk/CodeSystem/http-error-codes';
export const UKCORE_OPERATION_OUTCOME = 'https://fhir.hl7.org.uk/StructureDefinition/UKCore-OperationOutcome';

/** The guide's General Failure Scenarios: the code and issue type each status carries by default. */
export const ERROR_CODES: Record<number, { code: string; issue: IssueType }> = {
  400: { code: 'REC_BAD_REQUEST', issue: 'value' },
  401: { code: 'REC_UNAUTHORIZED', issue: 'security' },
  403: { code: 'REC_FORBIDDEN', issue: 'forbidden' },
  404: { code: 'REC_NOT_FOUND', issue: 'not-found' },
  405: { code: 'SEND_METHOD_NOT_ALLOWED', issue: 'not-supported' },
  406: { code: 'REC_NOT_ACCEPTABLE', issue: 'processing' },
  408: { code: 'REC_TIMEOUT', issue: 'timeout' },
  409: { code: 'REC_CONFLICT', issue: 'conflict' },
  422: { code: 'REC_UNPROCESSABLE_ENTITY', issue: 'too-costly' },
  429: { code: 'SEND_TOO_MANY_REQUESTS', issue: 'throttled' },
  500: { code: 'REC_SERVER_ERROR', issue: 'exception' },
  501: { code: 'REC_NOT_IMPLEMENTED', issue: 'not-supported' },
  503: { code: 'REC_SERVICE_UNAVAILABLE', issue: 'transient' },
};

export interface ErrorIssue {
  code?: string;
  issue?: IssueType;
  diagnostics: string;
  expression?: string;
}

export interface BarsError {
  status: number;
  body: Record<string, unknown>;
}

/** One OperationOutcome for an error status; every issue is an error with the status's code unless it names its own. */
export function barsError(status: number, issues: ErrorIssue[] | string): BarsError {
  const list = typeof issues === 'string' ? [{ diagnostics: issues }] : issues;
  const fallback = ERROR_CODES[status] ?? ERROR_CODES[status >= 500 ? 500 : 400]!;
  return {
    status,
    body: {
      resourceType: 'OperationOutcome',
      id: randomUUID(),
      meta: { profile: [UKCORE_OPERATION_OUTCOME] },
      issue: list.map((i) => {
        const code = i.code ?? fallback.code;
        return {
          severity: 'error',
          code: i.issue ?? fallback.issue,
          details: { coding: [{ system: HTTP_ERROR_CODES, code, display: code }] },
          diagnostics: redact(i.diagnostics),
          ...(i.expression ? { expression: [i.expression] } : {}),
        };
      }),
    },
  };
}

/**
 * The guide (Error-Handling/Diagnostics-Text): diagnostics never include patient identifiable
 * information. Validation messages quote values; NHS numbers (10 digits) are masked.
 */
export function redact(text: string): string {
  const quoted = text.replace(/(NHS number\s*'?)([^']*?)('|\s|$)/gi, (_, a: string, _v: string, c: string) => `${a}[redacted]${c}`);
  return quoted.replace(/(?<![\d-])\d{10}(?![\d-])/g, (d) => (nhsNumberProblem(d) === undefined ? '[NHS number]' : d));
}
