/**
 * `bars report <result.json> --format …`: re-render a saved JSON result.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { renderHtml } from '../report/html.js';
import type { RunResult } from '../report/result.js';
import { renderText } from '../report/text.js';
import { renderers, type OutputFormat } from './formats.js';
import { UsageError } from './inputs.js';
import { writeReport } from './write-report.js';

const REPORT_USAGE = `bars report <result.json> --format html|junit|sarif|markdown|outcome|text [--output file] [--sources <folder>]
  --sources <folder>   html: show source excerpts from the validated files under this folder
                       (default: the current folder); files named by absolute or ".." paths
                       in the result are never read`;

type IO = { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream; isTTY: boolean };

export async function reportCommand(argv: string[], io: IO): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { format: { type: 'string' }, output: { type: 'string', short: 'o' }, sources: { type: 'string' } },
  });
  const file = positionals[0];
  if (!file) throw new UsageError(REPORT_USAGE);
  let result: RunResult;
  try {
    result = JSON.parse(readFileSync(file, 'utf8')) as RunResult;
  } catch (e) {
    throw new UsageError(`${file}: not a readable JSON result of "bars validate --format json" (${(e as Error).message})`);
  }
  if (!result || !Array.isArray(result.results) || !result.summary) {
    throw new UsageError(`${file}: not a result of "bars validate --format json" (no results/summary)`);
  }
  const format = (values.format ?? 'text') as OutputFormat;
  let text: string;
  if (format === 'text') text = renderText(result, { color: io.isTTY && !values.output });
  // a result file may come from elsewhere (a fork's CI artefact): the HTML report's source
  // excerpts come only from files under --sources (default: the current folder), never from
  // absolute or ".." paths named in the JSON
  else if (format === 'html') text = renderHtml(result, { sourceRoot: resolve(values.sources ?? '.') });
  else if (renderers[format]) text = await renderers[format]!(result);
  else throw new UsageError(`--format ${format}: unknown format (use ${['text', ...Object.keys(renderers)].join(', ')})`);
  if (values.output) writeReport(values.output, text, '--output');
  else io.stdout.write(text);
  return 0;
}
