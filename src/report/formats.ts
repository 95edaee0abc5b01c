/**
 * Machine formats of a run result. Each renderer takes the JSON result (so `bars report`
 * can re-render a saved result in any format).
 */
import type { Bundle } from '../model/fhir-types.js';
import { fileStatus, uncheckedOf } from './checks.js';
import { toOperationOutcome } from './outcome.js';
import { fromResultIssue, type RunResult } from './result.js';

export type OutputFormat = 'text' | 'json' | 'outcome' | 'html' | 'junit' | 'sarif' | 'markdown';

/** One input: an OperationOutcome; several: a collection Bundle of OperationOutcomes. */
export function renderOutcome(result: RunResult): string {
  const unavailable = (result.run?.unavailable ?? []).map((p) => `${p.name}#${p.version}`);
  const outcomes = result.results.map((r, i) => {
    const oo = toOperationOutcome(r.issues.map(fromResultIssue), { id: `result-${i + 1}`, file: r.file });
    const unchecked = uncheckedOf(r);
    // the status in words, so a consumer reading only the outcome knows what was not checked
    if (unchecked.length) {
      oo.issue.push({
        severity: 'information',
        code: 'informational',
        details: { text: `${fileStatus(r)}: not checked (definitions not found): ${unchecked.join(', ')}${unavailable.length ? `; packages not available: ${unavailable.join(', ')}` : ''}` },
      });
    }
    return oo;
  });
  if (outcomes.length === 1) return JSON.stringify(outcomes[0], null, 2) + '\n';
  const bundle: Bundle = {
    resourceType: 'Bundle',
    type: 'collection',
    timestamp: new Date().toISOString(),
    entry: outcomes.map((o, i) => ({ fullUrl: `urn:bars-toolkit:result:${encodeURIComponent(result.results[i]!.file)}`, resource: o })),
  };
  return JSON.stringify(bundle, null, 2) + '\n';
}

// the report renderers are loaded when a format is asked for: a plain `bars validate` needs none of them
export const renderers: Partial<Record<OutputFormat, (r: RunResult) => string | Promise<string>>> & Record<string, (r: RunResult) => string | Promise<string>> = {
  json: (r) => JSON.stringify(r, null, 2) + '\n',
  outcome: renderOutcome,
  html: async (r) => (await import('./html.js')).renderHtml(r),
  junit: async (r) => (await import('./junit.js')).renderJunit(r, { failOn: (r.run?.options?.failOn as 'error' | 'warning' | undefined) ?? 'error' }),
  sarif: async (r) => (await import('./sarif.js')).renderSarif(r),
  markdown: async (r) => (await import('./markdown.js')).renderMarkdown(r),
};
