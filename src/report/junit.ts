/**
 * `--format junit`: a testsuite per input file, a testcase per check (rule id) that ran into
 * issues, plus one "conformance" testcase per file so a clean file still shows as a pass.
 * Errors are failures; warnings and information go to system-out (CI dashboards count
 * failures, and a warning is not one unless the run fails on warnings).
 */
import { checksOf, counts, fileStatus, uncheckedOf } from './checks.js';
import { issueRuleUrl, type RunResult } from './result.js';

// XML 1.0 forbids most control characters even escaped: drop them
const XML_BAD = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;
function x(s: unknown): string {
  return String(s ?? '')
    .replace(XML_BAD, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

export function renderJunit(result: RunResult, options: { failOn?: 'error' | 'warning' } = {}): string {
  const failOnWarning = options.failOn === 'warning';
  const out: string[] = ['<?xml version="1.0" encoding="UTF-8"?>'];
  let tests = 0;
  let failures = 0;
  let skippedAll = 0;
  const suites: string[] = [];
  const unavailable = (result.run?.unavailable ?? []).map((p) => `${p.name}#${p.version}`).join(' ');
  for (const r of result.results) {
    const cases: string[] = [];
    let suiteFailures = 0;
    const checks = checksOf(r);
    const c = counts(r.issues);
    const fileFails = c.errors > 0 || (failOnWarning && c.warnings > 0);
    cases.push(`    <testcase classname="${x(r.file)}" name="conformance"${fileFails ? '' : ' '}>${fileFails ? `<failure message="${x(`${c.errors} error(s), ${c.warnings} warning(s)`)}" type="conformance"/>` : ''}</testcase>`);
    if (fileFails) suiteFailures++;
    // a check that could not run is neither a pass nor a failure: JUnit's word for it is "skipped"
    const unchecked = uncheckedOf(r);
    let skipped = 0;
    if (unchecked.length) {
      cases.push(`    <testcase classname="${x(r.file)}" name="profiles checked"><skipped message="${x(`not checked (definitions not found): ${unchecked.join(', ')}`)}"/></testcase>`);
      skipped++;
    }
    const properties = [
      `      <property name="bars.status" value="${x(fileStatus(r))}"/>`,
      ...(unchecked.length ? [`      <property name="bars.notChecked" value="${x(unchecked.join(' '))}"/>`] : []),
      ...(unavailable ? [`      <property name="bars.packagesNotAvailable" value="${x(unavailable)}"/>`] : []),
    ];
    for (const check of checks) {
      const live = check.issues.filter((i) => !i.suppressed);
      const failing = live.filter((i) => i.severity === 'error' || i.severity === 'fatal' || (failOnWarning && i.severity === 'warning'));
      const lines = check.issues.map(
        (i) => `${(i.suppressed ? 'suppressed ' : '') + i.severity}: ${r.file}${i.line ? `:${i.line}${i.column ? ':' + i.column : ''}` : ''} ${i.expression ?? ''} — ${i.message}${i.source ? ` (${i.source})` : ''}${i.suppressed ? ` [accepted: ${i.suppressed.justification}]` : ''}`,
      );
      const url = issueRuleUrl(check.issues[0]!);
      if (url) lines.push(`rule ${check.ruleId}: ${url}`);
      let body = '';
      if (failing.length) {
        suiteFailures++;
        body += `<failure message="${x(failing[0]!.message)}" type="${x(check.ruleId)}">${x(lines.join('\n'))}</failure>`;
      } else {
        body += `<system-out>${x(lines.join('\n'))}</system-out>`;
      }
      cases.push(`    <testcase classname="${x(r.file)}" name="${x(check.ruleId)}">${body}</testcase>`);
    }
    tests += cases.length;
    failures += suiteFailures;
    skippedAll += skipped;
    suites.push(
      `  <testsuite name="${x(r.file)}" tests="${cases.length}" failures="${suiteFailures}" errors="0" skipped="${skipped}"${r.durationMs !== undefined ? ` time="${(r.durationMs / 1000).toFixed(3)}"` : ''}>\n    <properties>\n${properties.join('\n')}\n    </properties>\n${cases.join('\n')}\n  </testsuite>`,
    );
  }
  out.push(`<testsuites name="bars-toolkit ${x(result.tool.version)}" tests="${tests}" failures="${failures}" errors="0" skipped="${skippedAll}" time="${(result.summary.durationMs / 1000).toFixed(3)}">`);
  out.push(...suites);
  out.push('</testsuites>\n');
  return out.join('\n');
}
