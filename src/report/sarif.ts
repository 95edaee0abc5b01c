/**
 * `--format sarif`: SARIF 2.1.0, so GitHub code scanning annotates pull requests at the
 * file, line and column of each issue. Rules carry their guide page as helpUri; suppressed
 * issues are kept with their justification, as SARIF intends.
 */
import { relative, sep } from 'node:path';
import { ruleInfo } from '../model/rules.js';
import { notChecked, ruleSummaries } from './checks.js';
import { diskPosition, issueRuleUrl, type ResultIssue, type RunResult } from './result.js';

const LEVEL: Record<string, 'error' | 'warning' | 'note'> = { fatal: 'error', error: 'error', warning: 'warning', information: 'note' };

export function renderSarif(result: RunResult, options: { root?: string } = {}): string {
  const root = options.root ?? process.cwd();
  const rules = ruleSummaries(result);
  const index = new Map(rules.map((r, i) => [r.ruleId, i]));
  const uri = (file: string): string => {
    const rel = file.startsWith('/') ? relative(root, file) : file;
    return rel.split(sep).join('/').split('/').map(encodeURIComponent).join('/');
  };
  const results = result.results.flatMap((r) =>
    r.issues.map((i: ResultIssue) => {
      // --request bodies: positions in the request file, or the body's own line when it cannot be placed there
      const at = diskPosition(r, i);
      const region: Record<string, number> = {};
      if (at.line) region.startLine = at.line;
      if (at.line && at.column) region.startColumn = at.column;
      const bodyLine = !at.line && i.line && r.http?.part === 'body' ? ` (line ${i.line} of the request body)` : '';
      return {
        ruleId: i.ruleId,
        ruleIndex: index.get(i.ruleId)!,
        level: LEVEL[i.severity] ?? 'note',
        message: { text: i.message + (i.expression ? ` (at ${i.expression})` : '') + bodyLine },
        locations: [
          {
            physicalLocation: { artifactLocation: { uri: uri(at.file) }, ...(at.line ? { region } : {}) },
            ...(i.expression ? { logicalLocations: [{ fullyQualifiedName: i.expression, kind: 'element' }] } : {}),
          },
        ],
        ...(i.suppressed ? { suppressions: [{ kind: 'external', justification: i.suppressed.justification }] } : {}),
        properties: {
          ...(i.source ? { profile: i.source } : {}),
          ...(i.bars ? { bars: i.bars } : {}),
          issueType: i.code,
          ...(issueRuleUrl(i) ? { ruleUrl: issueRuleUrl(i) } : {}),
        },
      };
    }),
  );
  const nc = notChecked(result);
  const sarif = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: result.tool.name,
            version: result.tool.version,
            informationUri: 'https://github.com/nhs-bars/bars-toolkit',
            rules: rules.map((r) => ({
              id: r.ruleId,
              shortDescription: { text: shortDescription(r.ruleId) },
              fullDescription: { text: r.example },
              ...(r.url ? { helpUri: r.url } : {}),
              defaultConfiguration: { level: r.errors ? 'error' : r.warnings ? 'warning' : 'note' },
            })),
          },
        },
        results,
        columnKind: 'unicodeCodePoints',
        // what the run could not check, so a clean SARIF log is not read as "everything conforms"
        properties: {
          packagesNotAvailable: nc.packages,
          notChecked: nc.canonicals,
          filesPassedWithProfilesNotChecked: nc.files,
          ...(result.run?.notes?.length ? { notes: result.run.notes } : {}),
        },
        ...(result.run?.startedAt ? { invocations: [{ executionSuccessful: true, startTimeUtc: result.run.startedAt }] } : {}),
      },
    ],
  };
  return JSON.stringify(sarif, null, 2) + '\n';
}

function shortDescription(ruleId: string): string {
  const known = ruleInfo(ruleId);
  if (known && !ruleId.startsWith('invariant:')) return known.summary;
  if (ruleId.startsWith('invariant:')) return `FHIR invariant ${ruleId.slice(10)}`;
  if (/^BARS-/.test(ruleId)) return `BaRS rule ${ruleId}`;
  if (ruleId.startsWith('bars-')) return `BaRS check ${ruleId.slice(5)}`;
  return `FHIR check ${ruleId}`;
}
