/**
 * What the report formats share: issues grouped into "checks" (one per rule id, as TKW shows
 * one row per test), a verdict per check with true severities, and where to read about a rule.
 */
import { issueRuleUrl, type FileResult, type ResultIssue, type RunResult } from './result.js';

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
  /** The page that states the rule (the first issue's guide row, else the catalog's page). */
  url?: string;
}

/** Failures across the run grouped by rule ("check issues by test"), most errors first. */
export function ruleSummaries(result: RunResult): RuleSummary[] {
  const by = new Map<string, RuleSummary & { fileSet: Set<string> }>();
  for (const r of result.results) {
    for (const i of r.issues) {
      let s = by.get(i.ruleId);
      if (!s) {
        s = { ruleId: i.ruleId, errors: 0, warnings: 0, information: 0, suppressed: 0, files: 0, example: i.message, guidePage: i.bars?.guidePage, url: issueRuleUrl(i), fileSet: new Set() };
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

export { GUIDE_BASE, guideUrl } from '../model/rules.js';

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

/**
 * Checks that could not run because a definition was not found: a profile named by meta.profile
 * or --profile, a profile a definition requires, an extension. The canonical comes first in their
 * messages ("Profile <url> …", "The extension <url> …").
 */
export const NOT_CHECKED_RULES: ReadonlySet<string> = new Set(['profile-unknown', 'profile-required-unknown', 'extension-unknown']);
const CANONICAL_IN_MESSAGE = /^(?:Profile|The extension) (\S+?),? /;

/** The canonicals one file named that were not checked (saved results without the field: from the issues). */
export function uncheckedOf(r: FileResult): string[] {
  if (r.unchecked) return r.unchecked;
  return uncheckedInIssues(r.issues);
}

export function uncheckedInIssues(issues: readonly { ruleId: string; message: string }[]): string[] {
  const urls = new Set<string>();
  for (const i of issues) {
    if (!NOT_CHECKED_RULES.has(i.ruleId)) continue;
    const url = CANONICAL_IN_MESSAGE.exec(i.message)?.[1];
    if (url) urls.add(url);
  }
  return [...urls].sort();
}

/**
 * A file's status. A file without errors whose profiles or extensions could not all be checked
 * is never a plain PASS: that would be the most misleading thing a validator can say.
 */
export type FileStatus = 'PASS' | 'PASS, profiles not checked' | 'FAIL';
export const NOT_CHECKED: FileStatus = 'PASS, profiles not checked';

export function fileStatus(r: FileResult): FileStatus {
  if (!r.valid) return 'FAIL';
  return uncheckedOf(r).length ? NOT_CHECKED : 'PASS';
}

/** What a run could not check: the packages that were not available, and every canonical left unchecked. */
export interface NotChecked {
  packages: string[];
  canonicals: string[];
  /** Files that passed with something unchecked. */
  files: number;
}

export function notChecked(result: RunResult): NotChecked {
  const canonicals = new Set<string>();
  let files = 0;
  for (const r of result.results) {
    const u = uncheckedOf(r);
    for (const c of u) canonicals.add(c);
    if (r.valid && u.length) files++;
  }
  const packages = (result.run?.unavailable ?? []).map((p) => `${p.name}#${p.version}`);
  return { packages, canonicals: [...canonicals].sort(), files };
}

/** One sentence for the formats that have a single line for it; empty when everything was checked. */
export function notCheckedSentence(n: NotChecked, max = 8): string {
  if (!n.packages.length && !n.canonicals.length) return '';
  const parts: string[] = [];
  if (n.packages.length) parts.push(`packages not available: ${n.packages.join(', ')}`);
  if (n.canonicals.length) {
    const more = n.canonicals.length > max ? ` … and ${n.canonicals.length - max} more` : '';
    parts.push(`profiles/extensions not checked: ${n.canonicals.slice(0, max).join(', ')}${more}`);
  }
  return `Not checked — ${parts.join('; ')}.`;
}
