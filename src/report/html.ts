/**
 * `--format html`: a TKW-style validation report in one self-contained file (inline CSS and
 * script, no external asset, no network), for assurance testers who never saw the CLI.
 * Laid out as TKW's reports are (validation summary, summary table, check issues by test,
 * results by file), with what TKW lacks: true severities, FHIRPath and line:col for every
 * issue, the offending payload lines, links to the guide, and the artefact versions used.
 */
import { describeProvenance } from '../load/embedded.js';
import { safeBlock } from '../model/text.js';
import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { isInside } from '../model/folder-walk.js';
import { truncate } from '../model/text.js';
import { checksOf, counts, fileStatus, notChecked, ruleSummaries, uncheckedOf, type FileStatus, type Verdict } from './checks.js';
import { diskPosition, issueRuleUrl, type FileResult, type ResultIssue, type RunResult } from './result.js';
import { ruleInfo } from '../model/rules.js';

export interface HtmlOptions {
  /** Read the validated files to show the offending lines (default true). */
  sources?: boolean;
  /**
   * Read source lines only from files under this folder, named by relative paths without `..`
   * (for `bars report`, whose result file may come from someone else). Without it, the files the
   * result names are read as they are (a result made by this run).
   */
  sourceRoot?: string;
  /** At most this many source snippets per file (default 25), so large runs stay small. */
  maxSnippetsPerFile?: number;
}

const ESC: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
/** Data as HTML text: special characters as entities, control characters made visible. */
export function esc(s: unknown): string {
  return safeBlock(s).replace(/[&<>"']/g, (c) => ESC[c]!);
}

const VERDICT_CLASS: Record<Verdict, string> = { PASS: 'pass', 'FAIL – ERROR': 'fail-error', 'FAIL – WARNING': 'fail-warning', INFO: 'info', SUPPRESSED: 'suppressed' };
const STATUS_CLASS: Record<FileStatus, string> = { PASS: 'pass', 'PASS, profiles not checked': 'not-checked', FAIL: 'fail-error' };
const SEVERITY_LABEL: Record<string, string> = { fatal: 'FAIL – FATAL', error: 'FAIL – ERROR', warning: 'FAIL – WARNING', information: 'INFO' };

export function renderHtml(result: RunResult, options: HtmlOptions = {}): string {
  const s = result.summary;
  const all = result.results.flatMap((r) => r.issues);
  const c = counts(all);
  const checks = result.results.reduce((n, r) => n + new Set(r.issues.map((i) => i.ruleId)).size, 0);
  const ran = result.run?.startedAt ? new Date(result.run.startedAt) : undefined;
  const apps = [...new Set(result.results.map((r) => (r.bars?.application ? `${r.bars.application}${r.bars.payload ? ' ' + r.bars.payload : ''}` : '')).filter(Boolean))];
  const sources = new SourceCache(options.sources !== false, options.sourceRoot);
  const maxSnippets = options.maxSnippetsPerFile ?? 25;
  const nc = notChecked(result);
  const overall: FileStatus = s.errors ? 'FAIL' : nc.files ? 'PASS, profiles not checked' : 'PASS';

  const out: string[] = [];
  out.push(`<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">`);
  out.push(`<title>BaRS validation report — ${esc(s.files)} file${s.files === 1 ? '' : 's'}, ${esc(s.errors)} error${s.errors === 1 ? '' : 's'}</title>`);
  out.push(`<style>${CSS}</style></head><body>`);
  out.push(`<header><h1>Validation summary</h1><p class="verdict ${STATUS_CLASS[overall]}" data-verdict>${overall}</p></header>`);
  out.push('<section class="meta"><table>');
  out.push(`<tr><th>Run</th><td>${esc(ran ? ran.toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC') : 'unknown')}, ${esc(s.durationMs)} ms</td></tr>`);
  out.push(`<tr><th>Tool</th><td>${esc(result.tool.name)} ${esc(result.tool.version)}</td></tr>`);
  out.push(`<tr><th>Ruleset</th><td>${rulesetHtml(result)}</td></tr>`);
  if (nc.canonicals.length) {
    out.push(
      `<tr class="not-checked" data-not-checked><th>Not checked (definitions not found)</th><td><ul class="packages">${nc.canonicals.map((u) => `<li><code>${esc(u)}</code></li>`).join('')}</ul></td></tr>`,
    );
  }
  for (const n of result.run?.notes ?? []) out.push(`<tr class="not-checked"><th>Note</th><td><pre class="note">${esc(n)}</pre></td></tr>`);
  if (apps.length) out.push(`<tr><th>BaRS Application and payload</th><td>${apps.map(esc).join(', ')}</td></tr>`);
  out.push('</table></section>');

  out.push('<section><h2>Summary</h2><table class="summary">');
  out.push(`<tr><th>Files validated</th><td data-summary="files">${s.files}</td></tr>`);
  out.push(`<tr><th>Files passed</th><td data-summary="valid">${s.valid}</td></tr>`);
  if (nc.files) out.push(`<tr><th>… of them with profiles not checked</th><td class="not-checked" data-summary="not-checked">${nc.files}</td></tr>`);
  out.push(`<tr><th>Checks reported</th><td data-summary="checks">${checks}</td></tr>`);
  out.push(`<tr><th>Check issues</th><td data-summary="issues">${c.errors + c.warnings}</td></tr>`);
  out.push(`<tr><th>Errors</th><td class="fail-error" data-summary="errors">${s.errors}</td></tr>`);
  out.push(`<tr><th>Warnings</th><td class="fail-warning" data-summary="warnings">${s.warnings}</td></tr>`);
  out.push(`<tr><th>Information</th><td data-summary="information">${s.information}</td></tr>`);
  out.push(`<tr><th>Suppressed (accepted, with justification)</th><td data-summary="suppressed">${s.suppressed ?? c.suppressed}</td></tr>`);
  out.push('</table></section>');

  const rules = ruleSummaries(result).filter((r) => r.errors || r.warnings);
  out.push('<section><h2>Check issues by test</h2>');
  if (rules.length === 0) out.push('<p class="pass">No check failed.</p>');
  else {
    out.push('<table class="rules"><thead><tr><th>Check (rule)</th><th>Errors</th><th>Warnings</th><th>Files</th><th>Example</th></tr></thead><tbody>');
    for (const r of rules) {
      out.push(
        `<tr data-rule="${esc(r.ruleId)}"><td><code>${ruleLink(r.ruleId, r.url, r.guidePage)}</code></td><td class="${r.errors ? 'fail-error' : ''}">${r.errors}</td><td class="${r.warnings ? 'fail-warning' : ''}">${r.warnings}</td><td>${r.files}</td><td>${esc(truncate(r.example, 200))}</td></tr>`,
      );
    }
    out.push('</tbody></table>');
  }
  out.push('</section>');

  out.push('<section><h2>Results by file</h2>');
  out.push(
    '<form class="filters" aria-label="Show severities">Show: ' +
      ['error', 'warning', 'information', 'suppressed'].map((k) => `<label><input type="checkbox" data-filter="${k}" checked> ${k}</label>`).join(' ') +
      '</form>',
  );
  out.push('<table class="results"><thead><tr><th>Check</th><th>Result</th><th>Comment</th></tr></thead>');
  result.results.forEach((r, idx) => out.push(fileHtml(r, idx, sources, maxSnippets)));
  out.push('</table></section>');
  out.push(`<footer>Generated by ${esc(result.tool.name)} ${esc(result.tool.version)}. Severities are the validator's own: warnings are not failures of the run unless it was asked to fail on warnings.</footer>`);
  out.push(`<script>${SCRIPT}</script></body></html>\n`);
  return out.join('\n');
}

function rulesetHtml(result: RunResult): string {
  const pkgs = result.run?.packages ?? [];
  const rules = result.run?.rules ?? [];
  const unavailable = result.run?.unavailable ?? [];
  const missing = unavailable.map(
    (p) => `<li class="not-checked" data-unavailable="${esc(p.name)}"><code>${esc(p.name)}</code> ${esc(p.version)} <strong>not available — profiles from it were not checked</strong></li>`,
  );
  const defs =
    pkgs.length === 0 && missing.length === 0
      ? 'R4 core (hl7.fhir.r4.core 4.0.1)'
      : `<ul class="packages">${pkgs.map((p) => `<li><code>${esc(p.name)}</code> ${esc(p.version)} <span class="dim">(${esc(p.kind)})</span>${p.provenance ? `<div class="dim" data-provenance>${esc(describeProvenance(p.provenance))}</div>` : ''}</li>`).join('')}${missing.join('')}</ul>`;
  if (rules.length === 0) return defs;
  const release = (r: (typeof rules)[number]): string =>
    r.guideRelease ? `BaRS guide release ${r.guideRelease}${r.coreRelease ? ` (Core ${r.coreRelease})` : ''}${r.guideCommit ? `, guide source ${r.guideCommit}` : ''}` : 'release not recorded';
  return `${defs}<ul class="rulesets">${rules.map((r) => `<li data-ruleset="${esc(r.file)}">${esc(r.name)} <span class="dim">— ${esc(release(r))}</span></li>`).join('')}</ul>`;
}

/** The rule id, linked to the page that states it (the issue's guide row, else the rule catalog's spec or guide page). */
function ruleLink(ruleId: string, url: string | undefined, title?: string): string {
  const t = title ?? ruleInfo(ruleId)?.summary;
  return url ? `<a href="${esc(url)}"${t ? ` title="${esc(t)}"` : ''}>${esc(ruleId)}</a>` : esc(ruleId);
}

function fileHtml(r: FileResult, idx: number, sources: SourceCache, maxSnippets: number): string {
  const out: string[] = [];
  const c = counts(r.issues);
  const unchecked = new Set(uncheckedOf(r));
  const profiles = r.profiles.map((p) => (unchecked.has(p) ? `${p} (not checked)` : p));
  const what = [r.resourceType ?? r.what ?? (r.http?.part === 'request' ? `HTTP ${r.http.operation ?? `${r.http.method ?? ''} request`}` : 'unknown'), r.bars?.application ? `${r.bars.application} ${r.bars.payload ?? ''}`.trim() : '', ...profiles].filter(Boolean).join(' · ');
  const status = fileStatus(r);
  out.push(
    `<tbody class="file" id="file-${idx}" data-file="${esc(r.file)}" data-status="${esc(status)}"><tr class="group ${STATUS_CLASS[status]}"><th colspan="2">${status} <span class="file-name">${esc(r.file)}</span></th><td>${esc(what)} — ${c.errors} error${c.errors === 1 ? '' : 's'}, ${c.warnings} warning${c.warnings === 1 ? '' : 's'}, ${c.information} information${c.suppressed ? `, ${c.suppressed} suppressed` : ''}</td></tr>`,
  );
  const lines = sources.lines(diskPosition(r, { line: null, column: null }).file);
  let snippets = 0;
  for (const check of checksOf(r)) {
    const first = check.issues[0]!;
    out.push(
      `<tr class="check ${VERDICT_CLASS[check.verdict]}" data-severity="${severityKey(check.issues)}"><td><code>${ruleLink(check.ruleId, issueRuleUrl(first), first.bars?.guidePage)}</code></td><td class="result">${check.verdict}</td><td>${esc(truncate(first.message, 240))}${check.issues.length > 1 ? ` <span class="dim">(${check.issues.length} occurrences)</span>` : ''}</td></tr>`,
    );
    out.push('<tr class="issues" data-severity="' + severityKey(check.issues) + '"><td colspan="3"><table class="issue-table"><thead><tr><th>Severity</th><th>Message</th><th>Location</th></tr></thead><tbody>');
    for (const i of check.issues) {
      const key = i.suppressed ? 'suppressed' : i.severity === 'fatal' ? 'error' : i.severity;
      let snippet = '';
      const at = diskPosition(r, i);
      if (lines && at.line && (key === 'error' || key === 'warning') && snippets < maxSnippets) {
        snippet = snippetHtml(lines, at.line);
        snippets++;
      }
      const where = [i.line ? `${esc(r.file)}:${i.line}${i.column ? ':' + i.column : ''}` : '', i.expression ? `<code>${esc(i.expression)}</code>` : ''].filter(Boolean).join('<br>');
      const from = [i.source ? `profile ${esc(i.source)}${i.elementId ? ` (${esc(i.elementId)})` : ''}` : '', i.bars?.application ? `BaRS ${esc(i.bars.application)} ${esc(i.bars.payload ?? '')} ${esc(i.bars.rule ?? '')}` : ''].filter(Boolean).join(' · ');
      out.push(
        `<tr class="issue sev-${key}" data-severity="${key}"><td class="sev">${i.suppressed ? 'SUPPRESSED' : SEVERITY_LABEL[i.severity] ?? esc(i.severity)}</td><td>${esc(i.message)}${i.suppressed ? `<div class="dim">Accepted: ${esc(i.suppressed.justification)}</div>` : ''}${from ? `<div class="dim">${from}</div>` : ''}${snippet}</td><td class="loc">${where}</td></tr>`,
      );
    }
    out.push('</tbody></table></td></tr>');
  }
  if (r.issues.length === 0) out.push('<tr class="check pass"><td>all checks</td><td class="result">PASS</td><td>No issues.</td></tr>');
  out.push('</tbody>');
  return out.join('\n');
}

function severityKey(issues: ResultIssue[]): string {
  const keys = new Set(issues.map((i) => (i.suppressed ? 'suppressed' : i.severity === 'fatal' ? 'error' : i.severity)));
  return [...keys].join(' ');
}

function snippetHtml(lines: string[], line: number): string {
  const from = Math.max(1, line - 2);
  const to = Math.min(lines.length, line + 2);
  const rows: string[] = [];
  for (let n = from; n <= to; n++) {
    const text = lines[n - 1]!;
    rows.push(`<span class="ln${n === line ? ' hit' : ''}"><span class="no">${n}</span>${esc(text.length > 300 ? text.slice(0, 300) + '…' : text)}</span>`);
  }
  return `<pre class="snippet">${rows.join('')}</pre>`;
}

/** The validated files, read once each; large or missing files are skipped quietly. */
class SourceCache {
  private readonly cache = new Map<string, string[] | undefined>();
  private readonly root: string | undefined;
  constructor(
    private readonly enabled: boolean,
    root?: string,
  ) {
    try {
      this.root = root === undefined ? undefined : realpathSync(root);
    } catch {
      this.enabled = false; // a folder that is not there gives no excerpts
    }
  }
  lines(file: string): string[] | undefined {
    if (!this.enabled) return undefined;
    if (this.cache.has(file)) return this.cache.get(file);
    let lines: string[] | undefined;
    try {
      const path = this.allowed(file);
      if (path && statSync(path).isFile() && statSync(path).size < 20 * 1024 * 1024) lines = readFileSync(path, 'utf8').split(/\r?\n/);
    } catch {
      lines = undefined;
    }
    this.cache.set(file, lines);
    return lines;
  }
  /** The path to read for a file named in the result, or undefined when it may not be read. */
  private allowed(file: string): string | undefined {
    if (this.root === undefined) return existsSync(file) ? file : undefined;
    if (isAbsolute(file) || /^[A-Za-z]:/.test(file) || file.split(/[\\/]/).includes('..')) return undefined;
    const real = realpathSync(resolve(this.root, file));
    return isInside(this.root, real) ? real : undefined;
  }
}

const CSS = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;margin:0 auto;max-width:1200px;padding:16px 24px;color:#1d2329;background:#fff}
header{display:flex;align-items:center;gap:16px;border-bottom:3px solid #005eb8}
h1{font-size:24px;margin:8px 0;color:#005eb8}h2{font-size:18px;margin:24px 0 8px;color:#003087}
table{border-collapse:collapse;width:100%}th,td{border:1px solid #d8dde0;padding:4px 8px;text-align:left;vertical-align:top}
thead th{background:#f0f4f5}.meta th,.summary th{width:30%;background:#f0f4f5}.summary{width:auto;min-width:420px}
.verdict{font-weight:700;padding:4px 12px;border-radius:4px;color:#fff;margin:0}.verdict.pass{background:#007f3b}.verdict.fail-error{background:#d5281b}.verdict.not-checked{background:#b35c00}
.group.not-checked th,td.not-checked,li.not-checked,tr.not-checked th{color:#b35c00;font-weight:600}
.pass .result,.group.pass th,td.pass,p.pass{color:#007f3b;font-weight:600}
.fail-error .result,.group.fail-error th,td.fail-error{color:#d5281b;font-weight:600}
.fail-warning .result,td.fail-warning{color:#b35c00;font-weight:600}.info .result{color:#005eb8}.suppressed .result{color:#768692}
.group th,.group td{background:#e8edee;border-top:2px solid #768692}.file-name{font-family:ui-monospace,Consolas,monospace}
.issues>td{padding:0 0 6px 24px;border-top:none}.issue-table th{font-size:12px}.sev{white-space:nowrap;font-weight:600;width:120px}
.sev-error .sev{color:#d5281b}.sev-warning .sev{color:#b35c00}.sev-information .sev{color:#005eb8}.sev-suppressed .sev{color:#768692}
.loc{font-size:12px;width:32%;word-break:break-all}.dim{color:#5c6b75;font-size:12px}code{font-family:ui-monospace,Consolas,monospace;font-size:12px}
pre.snippet{background:#f7f9fa;border:1px solid #d8dde0;padding:4px 0;margin:6px 0 0;overflow-x:auto;font-size:12px}
pre.snippet .ln{display:block;padding:0 8px;white-space:pre}pre.snippet .hit{background:#fde4e1;border-left:3px solid #d5281b}
pre.snippet .no{display:inline-block;width:48px;color:#768692;user-select:none}
pre.note{white-space:pre-wrap;margin:0;font-size:12px;font-weight:400;color:#1d2329}.filters{margin:8px 0}.filters label{margin-right:12px}.packages{margin:0;padding-left:18px}
.results{table-layout:fixed}.results>thead th:nth-child(1){width:22%}.results>thead th:nth-child(2){width:14%}.results td,.results th{overflow-wrap:anywhere}
.hidden{display:none}footer{margin:32px 0 8px;color:#5c6b75;font-size:12px}
`;

// severity filters: hide issue rows (and check rows whose issues are all hidden)
const SCRIPT = `
(function(){
  var boxes=document.querySelectorAll('input[data-filter]');
  function apply(){
    var on={};boxes.forEach(function(b){on[b.getAttribute('data-filter')]=b.checked;});
    document.querySelectorAll('tr[data-severity]').forEach(function(tr){
      var keys=tr.getAttribute('data-severity').split(' ');
      var show=keys.some(function(k){return on[k]!==false;});
      tr.classList.toggle('hidden',!show);
    });
  }
  boxes.forEach(function(b){b.addEventListener('change',apply);});
  apply();
})();
`;
