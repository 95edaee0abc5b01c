/**
 * `bars report <result.json> --format …`: re-render a saved JSON result, or (`--serve-db`) the
 * exchanges `bars serve` stored.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { RunResult } from '../report/result.js';
import { renderText } from '../report/text.js';
import { renderers, type OutputFormat } from '../report/formats.js';
import { UsageError } from './inputs.js';
import { command, parseCommand } from './reference.js';
import { writeReport } from './write-report.js';

type IO = { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream; isTTY: boolean };

export async function reportCommand(argv: string[], io: IO): Promise<number> {
  const { values: v, positionals } = parseCommand('report', argv);
  const values = v as { format?: string; output?: string; 'fail-on'?: string; sources?: string; 'serve-db'?: string; exchange?: string };
  const file = positionals[0];
  const result = values['serve-db'] !== undefined || values.exchange !== undefined ? await storedExchanges(values['serve-db'], values.exchange, file) : savedResult(file);
  const format = (values.format ?? 'text') as OutputFormat;
  let text: string;
  if (format === 'text') text = renderText(result, { color: io.isTTY && !values.output });
  // a result file may come from elsewhere (a fork's CI artefact): the HTML report's source
  // excerpts come only from files under --sources (default: the current folder), never from
  // absolute or ".." paths named in the JSON
  else if (format === 'html') text = (await import('../report/html.js')).renderHtml(result, { sourceRoot: resolve(values.sources ?? '.') });
  else if (renderers[format]) text = await renderers[format]!(result);
  else throw new UsageError(`--format ${format}: unknown format (use ${['text', ...Object.keys(renderers)].join(', ')})`);
  if (values.output) writeReport(values.output, text, '--output');
  else io.stdout.write(text);
  const failOn = values['fail-on'] ?? (result.run?.options?.failOn as string | undefined) ?? 'error';
  if (failOn !== 'error' && failOn !== 'warning') throw new UsageError(`--fail-on ${failOn}: use error or warning`);
  return exitCodeOf(result, failOn);
}

/** The exit code `bars validate` gives for a result: 1 when an unsuppressed issue reaches the fail-on level. */
export function exitCodeOf(result: RunResult, failOn: 'error' | 'warning'): 0 | 1 {
  const failing = result.results.some((r) =>
    r.issues.some((i) => !i.suppressed && (i.severity === 'error' || i.severity === 'fatal' || (failOn === 'warning' && i.severity === 'warning'))),
  );
  return failing ? 1 : 0;
}

/** `--serve-db <db> [--exchange n]`: the exchanges `bars serve` stored, re-rendered. */
async function storedExchanges(db: string | undefined, exchange: string | undefined, file: string | undefined): Promise<RunResult> {
  if (!db) throw new UsageError('--exchange needs --serve-db <the bars serve database> (bars serve --db)');
  if (file) throw new UsageError(`bars report takes a saved result (${file}) or --serve-db, not both`);
  const id = exchange === undefined ? undefined : Number(exchange);
  if (id !== undefined && !(Number.isInteger(id) && id > 0)) throw new UsageError(`--exchange ${exchange}: give an exchange number (the n of /_reports/n)`);
  const { readStoredExchanges } = await import('../serve/store.js');
  const { exchangesRunResult } = await import('../serve/reports-page.js');
  let exchanges;
  try {
    exchanges = readStoredExchanges(db, id);
  } catch (e) {
    throw new UsageError(`--serve-db ${(e as Error).message}`);
  }
  if (id !== undefined && exchanges.length === 0) throw new UsageError(`--exchange ${id}: ${db} has no exchange ${id} (see GET /_reports for the numbers)`);
  return exchangesRunResult(exchanges);
}

function savedResult(file: string | undefined): RunResult {
  if (!file) throw new UsageError(`${command('report').usage} (bars report --help for the options)`);
  let result: RunResult;
  try {
    result = JSON.parse(readFileSync(file, 'utf8')) as RunResult;
  } catch (e) {
    throw new UsageError(`${file}: not a readable JSON result of "bars validate --format json" (${(e as Error).message})`);
  }
  if (!result || !Array.isArray(result.results) || !result.summary) {
    throw new UsageError(`${file}: not a result of "bars validate --format json" (no results/summary)`);
  }
  return result;
}
