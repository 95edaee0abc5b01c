/**
 * The JSON result of `bars validate` — a stable contract that CI tools, the HTML/JUnit/
 * SARIF renderers and `bars report` read back. Add fields; never rename or remove them.
 *
 * {"tool":{"name","version"},
 *  "results":[{"file","resourceType","profiles":[…],"valid":bool,
 *              "issues":[{"severity","code","message","expression","line","column","ruleId","source"}]}],
 *  "summary":{"files","valid","errors","warnings","information","durationMs"}}
 */
import type { PackageProvenance } from '../load/types.js';
import type { RulesetInfo } from '../validate/run.js';
import type { BarsContext, IssueType, Severity, ValidationIssue } from '../model/issue.js';
import { ruleUrl } from '../model/rules.js';

export interface ResultIssue {
  severity: Severity;
  code: IssueType;
  message: string;
  expression: string | null;
  line: number | null;
  column: number | null;
  ruleId: string;
  source: string | null;
  /** Where the rule is stated: the FHIR R4 spec page or BaRS guide page (the issue's own guide row when it has one). From the rule catalog, docs/rules.md. */
  ruleUrl?: string;
  /** Element id in the profile named by `source`. */
  elementId?: string;
  /** BaRS context (Application, payload, rule, guide page) for issues raised by the BaRS layer. */
  bars?: BarsContext;
  /** Present when a suppression matched: the issue is kept and counted, but does not fail the run. */
  suppressed?: { justification: string; file?: string };
  /** Issues that echo this one's root cause, left out of the list and counts (same shape, no nesting). */
  related?: ResultIssue[];
}

export interface FileResult {
  file: string;
  resourceType: string | null;
  /** What the input is when it is not a FHIR resource nor an HTTP request (`JWT client assertion`). */
  what?: string;
  profiles: string[];
  valid: boolean;
  issues: ResultIssue[];
  /** The BaRS Application and payload the file was validated as, when the BaRS layer ran. */
  bars?: { application?: string; payload?: string; messageDefinition?: string; version?: string; detectedBy?: string };
  durationMs?: number;
  /**
   * Profiles and extensions the file named whose definitions were not found, so they were not
   * checked: with no errors the file is "PASS, profiles not checked", never a plain PASS.
   */
  unchecked?: string[];
  /**
   * `--request`: which part of an HTTP exchange this result is. The request part (`req.http`) holds
   * the request line, header and token issues, located in the file; the body part (`req.http#body`)
   * the body's, with lines and columns counted within the body (`start`: where it begins in the file).
   */
  http?: {
    part: 'request' | 'body';
    form?: string;
    method?: string;
    url?: string;
    /** `POST /$process-message`, `token request`; null when the path is not a BaRS endpoint. */
    operation?: string | null;
    /** Request part: the name of its body's result. */
    body?: string;
    /** Body part: the name of its request's result. */
    request?: string;
    start?: { line: number; column: number };
  };
}

export interface RunSummary {
  files: number;
  valid: number;
  errors: number;
  warnings: number;
  information: number;
  durationMs: number;
  /** Issues matched by a suppression file (counted here, not in errors/warnings/information). */
  suppressed?: number;
  fatal?: number;
}

export interface RunResult {
  tool: { name: string; version: string };
  results: FileResult[];
  summary: RunSummary;
  /** What the run used: definitions, options, and problems met while loading. */
  run?: {
    startedAt: string;
    packages: { name: string; version: string; kind: string; location: string; provenance?: PackageProvenance }[];
    /** The rule sets checked beyond the definitions (BaRS necessity, Core, TKW) and the guide release each was taken from. */
    rules?: RulesetInfo[];
    options?: Record<string, unknown>;
    diagnostics?: { severity: string; code?: string; message: string; hint?: string; file?: string }[];
    /** Packages of the default set that were not available, so profiles from them were not checked. */
    unavailable?: { name: string; version: string; why?: string }[];
    /** Run-level notes (e.g. which profiles could not be checked because their packages are missing). */
    notes?: string[];
  };
}

/**
 * Where an issue is in the file on disk. `--request` results are named `req.http#body`,
 * `x.har#entries[1]`…; a body's lines count within the body, so they move by where the body
 * starts in the request file (unknown for a HAR postData.text: then no line).
 */
export function diskPosition(r: FileResult, i: { line: number | null; column: number | null }): { file: string; line: number | null; column: number | null } {
  if (!r.http) return { file: r.file, line: i.line, column: i.column };
  const file = r.file.replace(/#.*$/, '');
  if (r.http.part === 'request') return { file, line: i.line, column: i.column };
  const s = r.http.start;
  if (!s || i.line === null) return { file, line: null, column: null };
  return { file, line: s.line + i.line - 1, column: i.column === null ? null : i.line === 1 ? s.column + i.column - 1 : i.column };
}

/** The page that states an issue's rule: as the result recorded it, or from the catalog (a result saved before the field existed). */
export function issueRuleUrl(i: Pick<ResultIssue, 'ruleId' | 'ruleUrl' | 'bars'>): string | undefined {
  const url = i.ruleUrl ?? ruleUrl(i.ruleId, i.bars?.guidePage);
  // a saved result is input: only a plain https URL becomes a link (no javascript:, no markup breaking out)
  return url && SAFE_URL.test(url) ? url : undefined;
}

const SAFE_URL = /^https:\/\/[^\s"'<>()|`\\]+$/;

/** A validation issue in the JSON contract's shape (nulls, not absent fields). */
export function toResultIssue(i: ValidationIssue): ResultIssue {
  const r: ResultIssue = {
    severity: i.severity,
    code: i.code,
    message: i.message,
    expression: i.expression ?? null,
    line: i.line ?? null,
    column: i.column ?? null,
    ruleId: i.ruleId,
    source: i.source ?? null,
  };
  const url = ruleUrl(i.ruleId, i.bars?.guidePage);
  if (url) r.ruleUrl = url;
  if (i.elementId) r.elementId = i.elementId;
  if (i.bars) r.bars = i.bars;
  if (i.suppressed) r.suppressed = i.suppressed;
  if (i.related?.length) r.related = i.related.map((x) => toResultIssue({ ...x, related: undefined }));
  return r;
}

/** Back from the JSON contract's shape (a saved result being rendered again): what OperationOutcome needs. */
export function fromResultIssue(i: ResultIssue): ValidationIssue {
  return {
    severity: i.severity,
    code: i.code,
    message: i.message,
    expression: i.expression ?? undefined,
    line: i.line ?? undefined,
    column: i.column ?? undefined,
    ruleId: i.ruleId,
    source: i.source ?? undefined,
    suppressed: i.suppressed,
  };
}

export function summarise(results: FileResult[], durationMs: number): RunSummary {
  const s: RunSummary = { files: results.length, valid: 0, errors: 0, warnings: 0, information: 0, durationMs: Math.round(durationMs), suppressed: 0, fatal: 0 };
  for (const r of results) {
    if (r.valid) s.valid++;
    for (const i of r.issues) {
      if (i.suppressed) {
        s.suppressed!++;
        continue;
      }
      if (i.severity === 'fatal') {
        s.fatal!++;
        s.errors++;
      } else if (i.severity === 'error') s.errors++;
      else if (i.severity === 'warning') s.warnings++;
      else s.information++;
    }
  }
  return s;
}
