/**
 * One input of `bars validate` (a file, or one line of an NDJSON file) validated into its
 * compact per-file result. The same function runs in-process (--jobs 1) and in each worker
 * thread, so both paths give the same result for the same input.
 */
import type { RuleId } from '../model/rules.js';
import { createReadStream, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Engine } from '../engine.js';
import type { ValidationIssue } from '../model/issue.js';
import { toResultIssue, type FileResult, type ResultIssue } from '../report/result.js';

/** A whole file (read where it is validated), or one line of an NDJSON file (its text carried along). */
export type ValidationInput = { file: string } | { file: string; line: number; text: string };

/** NDJSON: one FHIR resource per line (the FHIR bulk data format). */
export const isNdjson = (file: string): boolean => /\.ndjson$/i.test(file);

/** The name a line of an NDJSON file is reported under: `file.ndjson:<line>`. */
export const inputName = (input: ValidationInput): string => ('line' in input ? `${input.file}:${input.line}` : input.file);

/**
 * The inputs in order: files as they are, NDJSON files line by line as they are read (never
 * the whole file in memory); blank lines are skipped. A file that cannot be opened is passed on
 * as a file input, so that it is reported as unreadable like any other.
 */
export async function* readInputs(files: string[]): AsyncGenerator<ValidationInput> {
  for (const file of files) {
    if (!isNdjson(file)) {
      yield { file };
      continue;
    }
    const stream = createReadStream(file, { encoding: 'utf8' });
    const opened = await new Promise<boolean>((done) => {
      stream.once('ready', () => done(true));
      stream.once('error', () => done(false));
    });
    if (!opened) {
      stream.destroy();
      yield { file };
      continue;
    }
    const lines = createInterface({ input: stream, crlfDelay: Infinity });
    let line = 0;
    for await (const text of lines) {
      line++;
      if (text.trim() === '') continue;
      yield { file, line, text };
    }
  }
}

const REQUEST_LINE = /^(?:GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS) \S+/m;

/**
 * An HTTP request (a .http file, a HAR capture) given as an input, not with --request, fails as
 * "not a FHIR resource": say what to run instead.
 */
function hintHttpRequest(file: string, bytes: Buffer, issues: ValidationIssue[]): void {
  const fatal = issues.find((i) => i.severity === 'fatal');
  if (!fatal) return;
  const head = bytes.subarray(0, 4096).toString('utf8');
  const looksHttp = /\.(http|rest|har)$/i.test(file) || (fatal.ruleId === 'input-format' && REQUEST_LINE.test(head.replace(/^(?:\s*(?:#|\/\/).*\n)*/, '')));
  if (looksHttp) fatal.message += `. This looks like an HTTP request: validate it with "bars validate --request ${file}"`;
}

/** A result for an input that could not be validated at all: one fatal issue, never a pass. */
export function failedResult(name: string, message: string, ruleId: RuleId, line: number | null = null): FileResult {
  return {
    file: name,
    resourceType: null,
    profiles: [],
    valid: false,
    issues: [{ severity: 'fatal', code: 'exception', message, expression: null, line, column: null, ruleId, source: null }],
  };
}

/** An NDJSON line is a one-line input: its issues are placed on that line of the file. */
function onFileLine(issue: ResultIssue, line: number): void {
  issue.line = line;
  for (const r of issue.related ?? []) r.line = line;
}

/** Validate one input; every failure (unreadable file, a check that throws) is a located result, never a throw. */
export async function validateInput(engine: Engine, input: ValidationInput, profiles: string[]): Promise<FileResult> {
  const t1 = performance.now();
  const name = inputName(input);
  const line = 'line' in input ? input.line : undefined;
  let bytes: Buffer | undefined;
  if (!('line' in input)) {
    try {
      bytes = readFileSync(input.file);
    } catch (e) {
      return failedResult(name, `Cannot read the file: ${(e as Error).message}`, 'file-unreadable');
    }
  }
  try {
    const r = await engine.validate(bytes ?? (input as { text: string }).text, { name, profile: profiles });
    if (bytes) hintHttpRequest(input.file, bytes, r.issues);
    const fr: FileResult = {
      file: name,
      resourceType: r.resourceType ?? null,
      profiles: r.profiles,
      valid: r.valid,
      issues: r.issues.map(toResultIssue),
      durationMs: Math.round((performance.now() - t1) * 100) / 100,
    };
    if (line !== undefined) for (const i of fr.issues) onFileLine(i, line);
    const barsInfo = (r.instance as { bars?: FileResult['bars'] } | undefined)?.bars;
    if (barsInfo) fr.bars = barsInfo;
    return fr;
  } catch (e) {
    return failedResult(name, validationFailed(e), 'validation-failed', line ?? null);
  }
}

/** What a failure inside the validator says: what happened, and what to do. */
export function validationFailed(e: unknown): string {
  const what = (e as Error)?.message ?? String(e);
  return `The validator failed on this input (${what}), so it was not checked: this is a bug in bars-toolkit; please report it with the input`;
}
