/**
 * Issues as a FHIR OperationOutcome: the machine format FHIR servers and TKW speak.
 * Line and column go in the standard operationoutcome-issue-line/-col extensions, the
 * rule id in operationoutcome-message-id, the profile that raised it in -source.
 */
import type { OperationOutcome } from '../model/fhir-types.js';
import type { ValidationIssue } from '../model/issue.js';

const EXT = 'http://hl7.org/fhir/StructureDefinition/';

const LINE_URL = `${EXT}operationoutcome-issue-line`;
const COL_URL = `${EXT}operationoutcome-issue-col`;
const SOURCE_URL = `${EXT}operationoutcome-issue-source`;
const MESSAGE_ID_URL = `${EXT}operationoutcome-message-id`;

export function toOperationOutcome(issues: readonly ValidationIssue[], opts: { id?: string; file?: string } = {}): OperationOutcome {
  const oo: OperationOutcome = { resourceType: 'OperationOutcome', issue: [] };
  if (opts.id) oo.id = opts.id;
  if (issues.length === 0) {
    oo.issue.push({ severity: 'information', code: 'informational', details: { text: 'No issues found: the resource is valid' } });
    return oo;
  }
  for (const i of issues) {
    const extension: { url: string; valueInteger?: number; valueString?: string; valueCode?: string }[] = [];
    if (i.line !== undefined) extension.push({ url: LINE_URL, valueInteger: i.line });
    if (i.column !== undefined) extension.push({ url: COL_URL, valueInteger: i.column });
    if (i.source) extension.push({ url: SOURCE_URL, valueString: i.source });
    extension.push({ url: MESSAGE_ID_URL, valueString: i.ruleId });
    const issue: OperationOutcome['issue'][number] = {
      extension,
      severity: i.severity,
      code: i.code,
      details: { text: i.suppressed ? `${i.message} [suppressed: ${i.suppressed.justification}]` : i.message },
    };
    if (i.expression) issue.expression = [i.expression];
    if (opts.file && i.line !== undefined) issue.diagnostics = `${opts.file}:${i.line}:${i.column ?? 1}`;
    oo.issue.push(issue);
  }
  return oo;
}
