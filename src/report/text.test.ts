/** The text report's volume controls: --min-severity and folding repeats of one rule and message. */
import { describe, expect, it } from 'vitest';
import { diskPosition, type ResultIssue, type RunResult } from './result.js';
import { renderText } from './text.js';

const issue = (severity: ResultIssue['severity'], ruleId: string, message: string, line: number, expression = `Bundle.entry[${line}]`): ResultIssue => ({
  severity,
  code: 'required',
  message,
  expression,
  line,
  column: 3,
  ruleId,
  source: 'BaRS',
});

function run(issues: ResultIssue[]): RunResult {
  const errors = issues.filter((i) => i.severity === 'error').length;
  const warnings = issues.filter((i) => i.severity === 'warning').length;
  return {
    tool: { name: 'bars-toolkit', version: '0' },
    summary: { files: 1, valid: errors ? 0 : 1, errors, warnings, information: issues.length - errors - warnings, durationMs: 1, suppressed: 0, fatal: 0 },
    results: [{ file: 'm.json', resourceType: 'Bundle', profiles: [], valid: errors === 0, issues }],
  } as RunResult;
}

const issues = [
  issue('error', 'BARS-CORE-02', 'Patient has no meta.lastUpdated', 4),
  issue('warning', 'BARS-CORE-15', 'Coding x#1 has no display', 10),
  issue('warning', 'BARS-CORE-15', 'Coding x#1 has no display', 20),
  issue('warning', 'BARS-CORE-15', 'Coding x#1 has no display', 30),
  issue('warning', 'BARS-CORE-15', 'Coding y#2 has no display', 40),
  issue('information', 'bars-code-mandated', 'DRC is the code the guide fixes', 50),
];

describe('text report volume', () => {
  it('folds the same rule and message in a file into one entry with its count and locations', () => {
    const out = renderText(run(issues), { color: false, minSeverity: 'warning', fold: true });
    expect(out.match(/Coding x#1 has no display/g)).toHaveLength(1);
    expect(out).toContain('m.json:10:3  warning     Coding x#1 has no display (×3)');
    expect(out).toContain('3 times, at 10:3, 20:3, 30:3');
    // a different message of the same rule is its own entry
    expect(out).toContain('m.json:40:3  warning     Coding y#2 has no display\n');
  });

  it('--min-severity hides what is below it, and says how much', () => {
    const warn = renderText(run(issues), { color: false, minSeverity: 'warning', fold: true });
    expect(warn).not.toContain('DRC is the code');
    expect(warn).toContain('1 issue below warning not shown');
    const err = renderText(run(issues), { color: false, minSeverity: 'error', fold: true });
    expect(err).not.toContain('has no display');
    expect(err).toContain('Patient has no meta.lastUpdated');
    const all = renderText(run(issues), { color: false, minSeverity: 'information', fold: false });
    expect(all.match(/Coding x#1 has no display/g)).toHaveLength(3);
    expect(all).toContain('DRC is the code');
    expect(all).not.toContain('not shown');
  });
});

describe('a --request body issue on disk', () => {
  // the body `{` starts at line 5, column 11 of the request file; the body is a verbatim slice of
  // the file, so its first line is shifted by the start column and its later lines keep their own
  const body = { file: 'r.json#body', resourceType: 'Patient', profiles: [], valid: false, issues: [], http: { part: 'body' as const, request: 'r.json', start: { line: 5, column: 11 } } };
  it('maps line 1 by the start column, later lines by the start line only', () => {
    expect(diskPosition(body, { line: 1, column: 1 })).toEqual({ file: 'r.json', line: 5, column: 11 });
    expect(diskPosition(body, { line: 3, column: 9 })).toEqual({ file: 'r.json', line: 7, column: 9 });
  });
});
