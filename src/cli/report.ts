/**
 * `bars report <result.json> --format …`: re-render a saved JSON result.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { RunResult } from '../report/result.js';
import { renderText } from '../report/text.js';
import { renderers, type OutputFormat } from './formats.js';
import { UsageError } from './inputs.js';

type IO = { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream; isTTY: boolean };

export async function reportCommand(argv: string[], io: IO): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { format: { type: 'string' }, output: { type: 'string', short: 'o' } },
  });
  const file = positionals[0];
  if (!file) throw new UsageError('bars report <result.json> --format html|junit|sarif|markdown|outcome|text [--output file]');
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
  else if (renderers[format]) text = await renderers[format]!(result);
  else throw new UsageError(`--format ${format}: unknown format (use ${['text', ...Object.keys(renderers)].join(', ')})`);
  if (values.output) writeFileSync(values.output, text);
  else io.stdout.write(text);
  return 0;
}
