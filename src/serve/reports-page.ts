/**
 * The pages of `GET /_reports`: a list of the stored exchanges and the audit log, one page per
 * exchange (request, response, validation issues) and its TKW-style validation report, which is
 * the toolkit's own HTML report (src/report/html.ts) over the exchange's results.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { requestValidationResults, type RequestValidation } from '../bars/http/validate-request.js';
import { rulesDir } from '../bars/rules/necessity.js';
import { esc, renderHtml } from '../report/html.js';
import { summarise, toResultIssue, type FileResult, type RunResult } from '../report/result.js';
import type { AuditEntry, ExchangeRecord } from './store.js';

const isError = (i: { severity: string }): boolean => i.severity === 'error' || i.severity === 'fatal';

/** A request validation as the report's file results: the HTTP part and the body part of each request. */
export function toFileResults(v: RequestValidation, name: string): FileResult[] {
  return requestValidationResults(v, name);
}

let version: string | undefined;
export function toolVersion(): string {
  if (version === undefined) {
    try {
      version = String((JSON.parse(readFileSync(join(rulesDir(), '..', 'package.json'), 'utf8')) as { version?: string }).version ?? '');
    } catch {
      version = '';
    }
  }
  return version;
}

export function runResultOf(results: FileResult[], startedAt: string, durationMs = 0): RunResult {
  return { tool: { name: 'bars-toolkit', version: toolVersion() }, results, summary: summarise(results, durationMs), run: { startedAt, packages: [] } };
}

const STYLE = `body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#222}table{border-collapse:collapse;width:100%}th,td{border:1px solid #ccc;padding:4px 8px;text-align:left;vertical-align:top}th{background:#f0f0f0}.ok{color:#1a7f37}.bad{color:#cf222e}pre{background:#f6f8fa;padding:8px;overflow:auto;max-height:30em;white-space:pre-wrap}`;

function page(title: string, body: string): string {
  return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title><style>${STYLE}</style></head><body>${body}</body></html>`;
}

export function renderReportList(exchanges: Omit<ExchangeRecord, 'request' | 'response' | 'validation'>[], audit: AuditEntry[]): string {
  const rows = exchanges
    .map(
      (e) =>
        `<tr data-exchange="${e.id}"><td><a href="/_reports/${e.id}">${e.id}</a></td><td>${esc(e.at)}</td><td>${esc(e.organisation ?? '')}</td><td>${esc(e.method)} ${esc(e.path)}</td>` +
        `<td class="${e.status < 400 ? 'ok' : 'bad'}">${e.status}</td><td>${esc(e.scenario ?? '')}</td><td class="${e.valid ? 'ok' : 'bad'}">${e.valid ? 'valid' : 'invalid'}</td>` +
        `<td><a href="/_reports/${e.id}/validation">report</a></td></tr>`,
    )
    .join('');
  const auditRows = audit.map((a) => `<tr><td>${a.id}</td><td>${esc(a.at)}</td><td>${esc(a.organisation ?? '')}</td><td>${esc(a.actor ?? '')}</td><td>${esc(a.what)}</td><td>${esc(a.outcome)}</td></tr>`).join('');
  return page(
    'bars serve — reports',
    `<h1>bars serve — exchanges</h1><p>${exchanges.length} exchange${exchanges.length === 1 ? '' : 's'}, newest first.</p>` +
      `<table id="exchanges"><thead><tr><th>#</th><th>When</th><th>Organisation</th><th>Request</th><th>Status</th><th>Scenario</th><th>Validation</th><th></th></tr></thead><tbody>${rows}</tbody></table>` +
      `<h2>Audit log</h2><table id="audit"><thead><tr><th>#</th><th>When</th><th>Organisation</th><th>ASID / kid</th><th>What</th><th>Outcome</th></tr></thead><tbody>${auditRows}</tbody></table>`,
  );
}

/** Answers go out as compact JSON (indenting them costs every request); the page indents them when it is viewed. */
function readable(body: string): string {
  if (!/^\s*[{[]/.test(body)) return body;
  try {
    return JSON.stringify(JSON.parse(body), null, 2);
  } catch {
    return body;
  }
}

export function renderExchangePage(e: ExchangeRecord): string {
  const headers = (h: [string, string][] | Record<string, string>): string =>
    esc((Array.isArray(h) ? h : Object.entries(h)).map(([n, v]) => `${n}: ${v}`).join('\n'));
  const v = e.validation as { requests?: { issues: { severity: string; message: string; ruleId: string; expression?: string }[]; body?: { result: { issues: { severity: string; message: string; ruleId: string; expression?: string }[] } } }[] } | null;
  const issues = (v?.requests ?? []).flatMap((r) => [...r.issues, ...(r.body?.result.issues ?? [])]);
  const list = issues.length
    ? `<table><thead><tr><th>Severity</th><th>Rule</th><th>Where</th><th>Message</th></tr></thead><tbody>${issues.map((i) => `<tr><td class="${isError(i) ? 'bad' : ''}">${esc(i.severity)}</td><td>${esc(i.ruleId)}</td><td>${esc(i.expression ?? '')}</td><td>${esc(i.message)}</td></tr>`).join('')}</tbody></table>`
    : '<p>No issues.</p>';
  return page(
    `bars serve — exchange ${e.id}`,
    `<p><a href="/_reports">All exchanges</a> · <a href="/_reports/${e.id}/validation">Validation report</a></p>` +
      `<h1>${esc(e.method)} ${esc(e.path)} → ${e.status}</h1><p>${esc(e.at)} · organisation ${esc(e.organisation ?? '(none)')} · scenario ${esc(e.scenario ?? '(none)')} · <span class="${e.valid ? 'ok' : 'bad'}">${e.valid ? 'valid' : 'invalid'}</span></p>` +
      `<h2>Validation</h2>${list}<h2>Request</h2><pre>${headers(e.request.headers)}</pre>${e.request.body ? `<pre>${esc(e.request.body)}</pre>` : ''}` +
      `<h2>Response</h2><pre>${headers(e.response.headers)}</pre>${e.response.body ? `<pre>${esc(readable(e.response.body))}</pre>` : ''}`,
  );
}

export function renderValidationReport(e: ExchangeRecord): string {
  const v = e.validation as RequestValidation | null;
  const results = v ? toFileResults(v, `${e.method} ${e.path}`) : [];
  return renderHtml(runResultOf(results, e.at), { sources: false });
}

/**
 * What is stored of a validation: issues and results, without the parsed instance, and without
 * the result's OperationOutcome (built lazily on first read, it repeats the issues: spreading the
 * result would build it for every request and store it twice).
 */
export function compactValidation(v: RequestValidation): RequestValidation {
  return {
    valid: v.valid,
    issues: v.issues,
    requests: v.requests.map((r) => {
      if (!r.body) return r;
      const { valid, issues, resourceType, profiles, instance } = r.body.result;
      const result = { valid, issues, resourceType, profiles, instance: instance ? { bars: (instance as { bars?: unknown }).bars } : undefined };
      return { ...r, body: { ...r.body, result: result as never } };
    }),
  };
}

/**
 * Stored exchanges as one run result (`bars report --serve-db`): each validated exchange's
 * request and body results, named `exchange <id>: <method> <path>`. Exchanges answered before
 * validation (no token, not a BaRS path) have no result; a note names them.
 */
export function exchangesRunResult(exchanges: ExchangeRecord[]): RunResult {
  const results: FileResult[] = [];
  const unvalidated: string[] = [];
  for (const e of exchanges) {
    const v = e.validation as RequestValidation | null;
    const name = `exchange ${e.id}: ${e.method} ${e.path}`;
    if (!v) {
      unvalidated.push(`${e.id} (${e.method} ${e.path} → ${e.status})`);
      continue;
    }
    for (const r of toFileResults(v, name)) {
      const file = r.http?.part === 'body' ? `${name}#body` : name;
      if (r.http?.part === 'request' && r.http.body) r.http.body = `${name}#body`;
      if (r.http?.part === 'body') r.http.request = name;
      results.push({ ...r, file });
    }
  }
  const run = runResultOf(results, exchanges[0]?.at ?? new Date().toISOString());
  if (unvalidated.length) run.run!.notes = [`Exchanges answered before validation, so without a validation result: ${unvalidated.join(', ')}`];
  return run;
}
