/**
 * What the report formats share: issues grouped into "checks" (one per rule id, as TKW shows
 * one row per test), a verdict per check with true severities, and where to read about a rule.
 */
import type { FileResult, ResultIssue, RunResult } from './result.js';

export type Verdict = 'PASS' | 'FAIL – ERROR' | 'FAIL – WARNING' | 'INFO' | 'SUPPRESSED';

export interface Check {
  ruleId: string;
  verdict: Verdict;
  issues: ResultIssue[];
}

export function verdictOf(issues: ResultIssue[]): Verdict {
  const live = issues.filter((i) => !i.suppressed);
  if (live.some((i) => i.severity === 'error' || i.severity === 'fatal')) return 'FAIL – ERROR';
  if (live.some((i) => i.severity === 'warning')) return 'FAIL – WARNING';
  if (live.length) return 'INFO';
  return issues.length ? 'SUPPRESSED' : 'PASS';
}

/** The checks of one file, failures first, then by rule id. */
export function checksOf(file: FileResult): Check[] {
  const by = new Map<string, ResultIssue[]>();
  for (const i of file.issues) {
    const l = by.get(i.ruleId);
    if (l) l.push(i);
    else by.set(i.ruleId, [i]);
  }
  const order: Record<Verdict, number> = { 'FAIL – ERROR': 0, 'FAIL – WARNING': 1, INFO: 2, SUPPRESSED: 3, PASS: 4 };
  return [...by.entries()]
    .map(([ruleId, issues]) => ({ ruleId, issues, verdict: verdictOf(issues) }))
    .sort((a, b) => order[a.verdict] - order[b.verdict] || a.ruleId.localeCompare(b.ruleId));
}

export interface RuleSummary {
  ruleId: string;
  errors: number;
  warnings: number;
  information: number;
  suppressed: number;
  files: number;
  /** One message, as an example of what the rule says. */
  example: string;
  guidePage?: string;
}

/** Failures across the run grouped by rule ("check issues by test"), most errors first. */
export function ruleSummaries(result: RunResult): RuleSummary[] {
  const by = new Map<string, RuleSummary & { fileSet: Set<string> }>();
  for (const r of result.results) {
    for (const i of r.issues) {
      let s = by.get(i.ruleId);
      if (!s) {
        s = { ruleId: i.ruleId, errors: 0, warnings: 0, information: 0, suppressed: 0, files: 0, example: i.message, guidePage: i.bars?.guidePage, fileSet: new Set() };
        by.set(i.ruleId, s);
      }
      if (i.suppressed) s.suppressed++;
      else if (i.severity === 'error' || i.severity === 'fatal') s.errors++;
      else if (i.severity === 'warning') s.warnings++;
      else s.information++;
      s.fileSet.add(r.file);
    }
  }
  return [...by.values()]
    .map(({ fileSet, ...s }) => ({ ...s, files: fileSet.size }))
    .sort((a, b) => b.errors - a.errors || b.warnings - a.warnings || a.ruleId.localeCompare(b.ruleId));
}

/** The BaRS guide online: a guide page path from the rules becomes a link a tester can open. */
export const GUIDE_BASE = 'https://simplifier.net/guide/nhs-booking-and-referral-standard/Home/';

export function guideUrl(page: string): string {
  const [path, anchor] = page.split('#');
  return `${GUIDE_BASE}${path!.replace(/\.page\.md$/, '')}${anchor ? `#${anchor}` : ''}`;
}

/** Issues that count (not suppressed) by severity. */
export function counts(issues: ResultIssue[]): { errors: number; warnings: number; information: number; suppressed: number } {
  const c = { errors: 0, warnings: 0, information: 0, suppressed: 0 };
  for (const i of issues) {
    if (i.suppressed) c.suppressed++;
    else if (i.severity === 'error' || i.severity === 'fatal') c.errors++;
    else if (i.severity === 'warning') c.warnings++;
    else c.information++;
  }
  return c;
}
