/**
 * Human-readable output: grouped by file, `file:line:col` first so terminals and editors
 * make it clickable, coloured only on a TTY. Every value from data (file names, messages,
 * expressions, profile URLs) is put on one line with control characters made visible, and no
 * line may start with a CI runner command (`::error::…`): the output goes to terminals and CI logs.
 */
import { neutraliseRunnerCommands, oneLine } from '../model/text.js';
import type { FileResult, ResultIssue, RunResult } from './result.js';

export interface TextOptions {
  color: boolean;
  quiet?: boolean;
  /** Show information-level issues (default true unless quiet). */
  information?: boolean;
}

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
  const paint = (c: keyof typeof C, s: string): string => (opts.color ? `${C[c]}${s}${C.reset}` : s);
  const lines: string[] = [];
  for (const r of result.results) {
    const shown = r.issues.filter((i) => !opts.quiet || (i.severity === 'error' || i.severity === 'fatal') && !i.suppressed).filter((i) => opts.information !== false || i.severity !== 'information');
    if (opts.quiet && shown.length === 0) continue;
    const head = r.valid ? paint('green', 'PASS') : paint('red', 'FAIL');
    const what = [r.resourceType ?? (r.http?.part === 'request' ? `HTTP ${r.http.operation ?? `${r.http.method ?? ''} request`}` : 'unknown'), r.bars?.application ? `${r.bars.application}${r.bars.payload ? ' ' + r.bars.payload : ''}` : undefined].filter(Boolean).join(' · ');
    // a request body's lines are counted within the body: say where it starts in the file
    const within = r.http?.part === 'body' ? ` · lines within the body${r.http.start ? `, which starts at line ${r.http.start.line} of ${r.http.request ?? 'the request'}` : ''}` : '';
    lines.push(`${head} ${paint('bold', oneLine(r.file))} ${paint('dim', oneLine(`(${what}${r.profiles.length ? ' · ' + r.profiles.join(', ') : ''}${within})`))}`);
    for (const i of shown) lines.push(renderIssue(r, i, paint));
    if (shown.length) lines.push('');
  }
  const s = result.summary;
  const parts = [
    `${s.files} file${s.files === 1 ? '' : 's'}`,
    `${s.valid} valid`,
    paint(s.errors ? 'red' : 'green', `${s.errors} error${s.errors === 1 ? '' : 's'}`),
    paint(s.warnings ? 'yellow' : 'dim', `${s.warnings} warning${s.warnings === 1 ? '' : 's'}`),
    `${s.information} information`,
  ];
  if (s.suppressed) parts.push(`${s.suppressed} suppressed`);
  lines.push(`${parts.join(', ')} in ${s.durationMs} ms`);
  return neutraliseRunnerCommands(lines.join('\n') + '\n');
}

function renderIssue(r: FileResult, i: ResultIssue, paint: (c: keyof typeof C, s: string) => string): string {
  const where = `${oneLine(r.file)}:${i.line ?? 1}:${i.column ?? 1}`;
  const sev =
    i.severity === 'error' || i.severity === 'fatal'
      ? paint('red', i.severity.padEnd(11))
      : i.severity === 'warning'
        ? paint('yellow', 'warning'.padEnd(11))
        : paint('blue', 'information');
  const sup = i.suppressed ? paint('dim', ` [suppressed: ${oneLine(i.suppressed.justification)}]`) : '';
  const extra = [i.expression, i.ruleId, i.source ? `from ${i.source}` : undefined, i.bars?.guidePage ? `see ${i.bars.guidePage}` : undefined]
    .filter(Boolean)
    .join(' · ');
  return `  ${where}  ${sev} ${oneLine(i.message)}${sup}\n    ${paint('dim', oneLine(extra))}`;
}
