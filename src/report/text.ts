/**
 * Human-readable output: grouped by file, `file:line:col` first so terminals and editors
 * make it clickable, coloured only on a TTY. Every value from data (file names, messages,
 * expressions, profile URLs) is put on one line with control characters made visible, and no
 * line may start with a CI runner command (`::error::…`): the output goes to terminals and CI logs.
 */
import { SEVERITY_RANK, type Severity } from '../model/issue.js';
import { fileStatus, notChecked, notCheckedSentence, uncheckedOf } from './checks.js';
import { neutraliseRunnerCommands, oneLine } from '../model/text.js';
import { issueRuleUrl, type FileResult, type ResultIssue, type RunResult } from './result.js';

export interface TextOptions {
  color: boolean;
  quiet?: boolean;
  /** Show information-level issues (default true unless quiet). */
  information?: boolean;
  /** The least severity shown (default: every issue). `bars validate` passes warning unless told. */
  minSeverity?: Exclude<Severity, 'fatal'>;
  /** Fold the same rule and message repeated within a file into one entry with its count and locations. */
  fold?: boolean;
}

/** How many locations a folded entry lists before "… and N more". */
const FOLDED_LOCATIONS = 12;

const C = {
  red: '\x1b[31m',
  yellow: '\x1b[33m',
  blue: '\x1b[34m',
  green: '\x1b[32m',
  dim: '\x1b[2m',
  bold: '\x1b[1m',
  reset: '\x1b[0m',
};

export function renderText(result: RunResult, opts: TextOptions): string {
  const lines: string[] = [];
  let hidden = 0;
  for (const r of result.results) {
    const f = renderTextFile(r, opts);
    for (const l of f.lines) lines.push(l);
    hidden += f.hidden;
  }
  lines.push(...renderTextFooter(result, hidden, opts));
  return neutraliseRunnerCommands(lines.join('\n') + '\n');
}

type Paint = (c: keyof typeof C, s: string) => string;
const painter =
  (opts: TextOptions): Paint =>
  (c, s) =>
    opts.color ? `${C[c]}${s}${C.reset}` : s;

/**
 * One file's lines of the text output, and how many of its issues are below the least severity
 * shown. `bars validate` writes these as each file is done, so a long run holds no file's issues
 * after printing them; renderText is the same lines for a whole result, then the footer.
 */
export function renderTextFile(r: FileResult, opts: TextOptions): { lines: string[]; hidden: number } {
  const paint = painter(opts);
  const lines: string[] = [];
  const least = SEVERITY_RANK[opts.minSeverity ?? 'information'];
  let hidden = 0;
  const shown = r.issues
    .filter((i) => !opts.quiet || ((i.severity === 'error' || i.severity === 'fatal') && !i.suppressed))
    .filter((i) => opts.information !== false || i.severity !== 'information')
    .filter((i) => SEVERITY_RANK[i.severity] >= least || (hidden++, false));
  if (opts.quiet && shown.length === 0) return { lines, hidden };
  const status = fileStatus(r);
  const head = paint(status === 'PASS' ? 'green' : status === 'FAIL' ? 'red' : 'yellow', status);
  const unchecked = new Set(uncheckedOf(r));
  const profiles = r.profiles.map((p) => (unchecked.has(p) ? `${p} (not checked)` : p));
  const what = [r.resourceType ?? r.what ?? (r.http?.part === 'request' ? `HTTP ${r.http.operation ?? `${r.http.method ?? ''} request`}` : 'unknown'), r.bars?.application ? `${r.bars.application}${r.bars.payload ? ' ' + r.bars.payload : ''}` : undefined].filter(Boolean).join(' · ');
  // a request body's lines are counted within the body: say where it starts in the file
  const within = r.http?.part === 'body' ? ` · lines within the body${r.http.start ? `, which starts at line ${r.http.start.line} of ${r.http.request ?? 'the request'}` : ''}` : '';
  lines.push(`${head} ${paint('bold', oneLine(r.file))} ${paint('dim', oneLine(`(${what}${profiles.length ? ' · ' + profiles.join(', ') : ''}${within})`))}`);
  if (opts.fold) for (const g of foldRepeats(shown)) lines.push(renderIssue(r, g[0]!, paint, g));
  else for (const i of shown) lines.push(renderIssue(r, i, paint));
  if (shown.length) lines.push('');
  return { lines, hidden };
}

/** The lines after the files: issues not shown, what was not checked, the counts. Only `results[].valid` and `unchecked` are read from the files. */
export function renderTextFooter(result: RunResult, hidden: number, opts: TextOptions): string[] {
  const paint = painter(opts);
  const lines: string[] = [];
  if (hidden && opts.minSeverity && !opts.quiet) {
    lines.push(paint('dim', `${hidden} issue${hidden === 1 ? '' : 's'} below ${opts.minSeverity} not shown (--min-severity information shows every issue)`));
  }
  const s = result.summary;
  const nc = notChecked(result);
  const sentence = notCheckedSentence(nc);
  if (sentence) lines.push(paint('yellow', sentence));
  const parts = [
    `${s.files} file${s.files === 1 ? '' : 's'}`,
    `${s.valid} valid${nc.files ? ` (${nc.files} of them with profiles not checked)` : ''}`,
    paint(s.errors ? 'red' : 'green', `${s.errors} error${s.errors === 1 ? '' : 's'}`),
    paint(s.warnings ? 'yellow' : 'dim', `${s.warnings} warning${s.warnings === 1 ? '' : 's'}`),
    `${s.information} information`,
  ];
  if (s.suppressed) parts.push(`${s.suppressed} suppressed`);
  lines.push(`${parts.join(', ')} in ${s.durationMs} ms`);
  return lines;
}

/** The issues grouped by rule and message, in the order each first appears. */
function foldRepeats(issues: ResultIssue[]): ResultIssue[][] {
  const groups = new Map<string, ResultIssue[]>();
  for (const i of issues) {
    const key = `${i.severity}\u0000${i.ruleId}\u0000${i.message}\u0000${i.suppressed ? 's' : ''}`;
    const g = groups.get(key);
    if (g) g.push(i);
    else groups.set(key, [i]);
  }
  return [...groups.values()];
}

function renderIssue(r: FileResult, i: ResultIssue, paint: Paint, group?: ResultIssue[]): string {
  const where = `${oneLine(r.file)}:${i.line ?? 1}:${i.column ?? 1}`;
  const sev =
    i.severity === 'error' || i.severity === 'fatal'
      ? paint('red', i.severity.padEnd(11))
      : i.severity === 'warning'
        ? paint('yellow', 'warning'.padEnd(11))
        : paint('blue', 'information');
  const sup = i.suppressed ? paint('dim', ` [suppressed: ${oneLine(i.suppressed.justification)}]`) : '';
  const extra = [i.expression, i.ruleId, i.source ? `from ${i.source}` : undefined, issueRuleUrl(i) ? `see ${issueRuleUrl(i)}` : undefined]
    .filter(Boolean)
    .join(' · ');
  if (!group || group.length === 1) return `  ${where}  ${sev} ${oneLine(i.message)}${sup}\n    ${paint('dim', oneLine(extra))}`;
  const at = group.slice(0, FOLDED_LOCATIONS).map((x) => (x.line !== null ? `${x.line}:${x.column ?? 1}` : (x.expression ?? '?')));
  const more = group.length > FOLDED_LOCATIONS ? ` … and ${group.length - FOLDED_LOCATIONS} more` : '';
  return `  ${where}  ${sev} ${oneLine(i.message)}${sup} ${paint('bold', `(×${group.length})`)}\n    ${paint('dim', oneLine(extra))}\n    ${paint('dim', `${group.length} times, at ${at.join(', ')}${more}`)}`;
}
