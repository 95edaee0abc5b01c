/**
 * `--format markdown`: for CI job summaries (GITHUB_STEP_SUMMARY). A verdict line, the
 * counts, and the problems per file, capped so a huge run stays readable.
 */
import { oneLine } from '../model/text.js';
import { counts, NOT_CHECKED, notChecked, ruleSummaries, uncheckedOf } from './checks.js';
import { issueRuleUrl, type RunResult } from './result.js';

/**
 * A value from data as literal text in a table cell: on one line, HTML special characters as
 * entities and Markdown punctuation backslash-escaped, so a payload or file name cannot add
 * markup, links, images or HTML (`<img onerror>`) to a job summary.
 */
const cell = (s: unknown): string =>
  oneLine(s)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/[\\`*_[\]()!|~]/g, '\\$&');
/** The same shown as code (backticks around data could be closed by the data itself). */
const code = (s: unknown): string => `<code>${cell(s)}</code>`;
/** A rule id linked to the page that states it (the URL is a checked plain https URL). */
const ruleRef = (ruleId: string, url: string | undefined): string => (url ? `[${code(ruleId)}](${url})` : code(ruleId));

export function renderMarkdown(result: RunResult, options: { maxIssues?: number } = {}): string {
  const max = options.maxIssues ?? 50;
  const s = result.summary;
  const out: string[] = [];
  const nc = notChecked(result);
  out.push(
    `## ${s.errors ? '❌' : nc.files ? '⚠️' : '✅'} BaRS validation: ${s.valid} of ${s.files} file${s.files === 1 ? '' : 's'} valid${nc.files ? ` — ${nc.files} ${NOT_CHECKED}` : ''}`,
  );
  out.push('');
  if (nc.packages.length || nc.canonicals.length) {
    out.push('### Not checked');
    out.push('');
    if (nc.packages.length) out.push(`Packages not available: ${nc.packages.map((p) => `\`${cell(p)}\``).join(', ')}.`);
    if (nc.canonicals.length) out.push(`Profiles and extensions whose definitions were not found, so they were not checked: ${nc.canonicals.slice(0, max).map((u) => `\`${cell(u)}\``).join(', ')}${nc.canonicals.length > max ? ` … and ${nc.canonicals.length - max} more` : ''}.`);
    out.push('');
    const affected = result.results.filter((r) => r.valid && uncheckedOf(r).length);
    if (affected.length) {
      out.push('| File | Status | Not checked |');
      out.push('| --- | --- | --- |');
      for (const r of affected.slice(0, max)) out.push(`| ${cell(r.file)} | ${NOT_CHECKED} | ${uncheckedOf(r).map((u) => `\`${cell(u)}\``).join(', ')} |`);
      if (affected.length > max) out.push(`\n…and ${affected.length - max} more files.`);
      out.push('');
    }
  }
  out.push('| Files | Valid | Errors | Warnings | Information | Suppressed |');
  out.push('| ---: | ---: | ---: | ---: | ---: | ---: |');
  out.push(`| ${s.files} | ${s.valid} | ${s.errors} | ${s.warnings} | ${s.information} | ${s.suppressed ?? 0} |`);
  out.push('');
  const rules = ruleSummaries(result).filter((r) => r.errors || r.warnings).slice(0, 15);
  if (rules.length) {
    out.push('### Check issues by rule');
    out.push('');
    out.push('| Rule | Errors | Warnings | Files |');
    out.push('| --- | ---: | ---: | ---: |');
    for (const r of rules) out.push(`| ${ruleRef(r.ruleId, r.url)} | ${r.errors} | ${r.warnings} | ${r.files} |`);
    out.push('');
  }
  const problems = result.results.flatMap((r) => r.issues.filter((i) => !i.suppressed && (i.severity === 'error' || i.severity === 'fatal' || i.severity === 'warning')).map((i) => ({ r, i })));
  if (problems.length) {
    out.push('### Issues');
    out.push('');
    out.push('| Severity | Location | Message | Rule |');
    out.push('| --- | --- | --- | --- |');
    for (const { r, i } of problems.slice(0, max)) {
      const where = `${cell(`${r.file}${i.line ? `:${i.line}${i.column ? ':' + i.column : ''}` : ''}`)}${i.expression ? ` ${code(i.expression)}` : ''}`;
      out.push(`| ${i.severity === 'warning' ? '⚠️ warning' : '❌ ' + i.severity} | ${where} | ${cell(i.message)} | ${ruleRef(i.ruleId, issueRuleUrl(i))} |`);
    }
    if (problems.length > max) out.push(`\n…and ${problems.length - max} more (see the full report).`);
    out.push('');
  }
  const failing = result.results.filter((r) => counts(r.issues).errors > 0).length;
  out.push(`<sub>${cell(result.tool.name)} ${cell(result.tool.version)} · ${failing} file${failing === 1 ? '' : 's'} with errors · ${s.durationMs} ms</sub>`);
  return out.join('\n') + '\n';
}
