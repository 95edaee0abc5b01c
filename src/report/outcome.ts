/**
 * Issues as a FHIR OperationOutcome: the machine format FHIR servers and TKW speak.
 * Line and column go in the standard operationoutcome-issue-line/-col extensions, the
 * rule id in operationoutcome-message-id, the profile that raised it in -source.
 */
import type { OperationOutcome } from '../compile/fhir-types.js';
import type { ValidationIssue } from '../model/issue.js';

const EXT = 'http://hl7.org/fhir/StructureDefinition/';

export function toOperationOutcome(issues: readonly ValidationIssue[], opts: { id?: string; file?: string } = {}): OperationOutcome {
  const oo: OperationOutcome = { resourceType: 'OperationOutcome', issue: [] };
  if (opts.id) oo.id = opts.id;
  if (issues.length === 0) {
    oo.issue.push({ severity: 'information', code: 'informational', details: { text: 'No issues found: the resource is valid' } });
    return oo;
  }
  for (const i of issues) {
    const extension: { url: string; valueInteger?: number; valueString?: string; valueCode?: string }[] = [];
    if (i.line !== undefined) extension.push({ url: `${EXT}operationoutcome-issue-line`, valueInteger: i.line });
    if (i.column !== undefined) extension.push({ url: `${EXT}operationoutcome-issue-col`, valueInteger: i.column });
    if (i.source) extension.push({ url: `${EXT}operationoutcome-issue-source`, valueString: i.source });
    extension.push({ url: `${EXT}operationoutcome-message-id`, valueString: i.ruleId });
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
