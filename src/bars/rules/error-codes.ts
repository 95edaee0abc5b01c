/**
 * The BaRS error codes (issue.details.coding.code of an error response, from
 * https://fhir.nhs.uk/CodeSystem/http-error-codes) and the HTTP status each goes with, read from
 * the guide's error tables and text ("425 REC_TOO_EARLY") and the BaRS OpenAPI's error table.
 * scripts/derive-error-codes.ts writes them to rules/core/error-codes.json; the rule reads that.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { rulesDir } from './necessity.js';

export interface ErrorCodeEntry {
  code: string;
  /** HTTP statuses the sources pair the code with (sorted). */
  statuses: number[];
  /** Where each pairing was read: `<file>:<line>`. */
  sources: string[];
}

export interface ErrorCodeTable {
  $comment?: string;
  system: string;
  codes: ErrorCodeEntry[];
}

export const ERROR_CODE_SYSTEM = 'https://fhir.nhs.uk/CodeSystem/http-error-codes';
const CODE = /\b(?:SEND|REC|PROXY)_[A-Z_]*[A-Z]\b/g;
/** "425 REC_TOO_EARLY", "400 - PROXY_BAD_REQUEST" in prose and in example displays. */
const STATUS_THEN_CODE = /\b([1-5]\d\d)\s*-?\s*((?:SEND|REC|PROXY)_[A-Z_]*[A-Z])\b/g;
/** "PROXY_TIMEOUT / TIMEOUT (504 indicating 408 internally)": the status in brackets after the code. */
const CODE_THEN_STATUS = /\b((?:SEND|REC|PROXY)_[A-Z_]*[A-Z])\b[^()|\n]*\(([1-5]\d\d)\b/g;

/** Pairs (status, code) from one markdown-ish text: table rows whose first cell is a status, and prose. */
export function readErrorCodes(text: string, source: string, into: Map<string, { statuses: Set<number>; sources: Set<string> }>): void {
  const add = (code: string, status: number, line: number): void => {
    const e = into.get(code) ?? { statuses: new Set<number>(), sources: new Set<string>() };
    e.statuses.add(status);
    e.sources.add(`${source}:${line}`);
    into.set(code, e);
  };
  let tableStatus: number | undefined; // a continuation row (empty status cell) keeps the row above's status
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (!line.startsWith('|')) {
      tableStatus = undefined;
      for (const m of line.matchAll(STATUS_THEN_CODE)) add(m[2]!, Number(m[1]), i + 1);
      for (const m of line.matchAll(CODE_THEN_STATUS)) add(m[1]!, Number(m[2]), i + 1);
      return;
    }
    const cells = line.split('|').slice(1, -1).map((c) => c.trim());
    if (cells.length < 2) return;
    if (/^[1-5]\d\d$/.test(cells[0]!)) tableStatus = Number(cells[0]);
    else if (cells[0] !== '') return;
    if (tableStatus === undefined) return;
    for (const m of cells[1]!.matchAll(CODE)) add(m[0], tableStatus, i + 1);
  });
}

/** Every guide page (*.md under `guide`) and the OpenAPI file, when given. */
export function deriveErrorCodes(guide: string, openapi?: string): ErrorCodeTable {
  const found = new Map<string, { statuses: Set<number>; sources: Set<string> }>();
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.md')) readErrorCodes(readFileSync(p, 'utf8'), relative(guide, p), found);
    }
  };
  walk(guide);
  if (openapi) readErrorCodes(readFileSync(openapi, 'utf8'), 'booking-and-referral.yaml', found);
  const codes = [...found.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([code, e]) => ({ code, statuses: [...e.statuses].sort((a, b) => a - b), sources: [...e.sources].sort() }));
  return { system: ERROR_CODE_SYSTEM, codes };
}

let shipped: Map<string, ErrorCodeEntry> | undefined;

/** The shipped table (rules/core/error-codes.json), by code. */
export function errorCodes(): Map<string, ErrorCodeEntry> {
  shipped ??= new Map((JSON.parse(readFileSync(join(rulesDir(), 'core', 'error-codes.json'), 'utf8')) as ErrorCodeTable).codes.map((c) => [c.code, c]));
  return shipped;
}
