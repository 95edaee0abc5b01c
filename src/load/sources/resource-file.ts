/**
 * Reading one conformance resource file (JSON or FHIR XML) for the definition set.
 */
import { readFileSync } from 'node:fs';
import type { PlanCompiler } from '../../compile/compiler.js';
import { parseJson } from '../../parse/json.js';
import { decodeUtf8, sniffFormat } from '../../parse/text.js';
import { parseFhirXml } from '../../parse/xml.js';
import type { LoadDiagnostic } from '../types.js';

export interface ReadResult {
  resources: Record<string, any>[];
  diagnostics: LoadDiagnostic[];
}

/** Parse a file into resources; a Bundle contributes its entries' resources too. */
export function readResourceFile(path: string, xmlCompiler: PlanCompiler, displayPath = path): ReadResult {
  const diagnostics: LoadDiagnostic[] = [];
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    return {
      resources: [],
      diagnostics: [{ severity: 'error', code: 'file-unreadable', message: `Cannot read ${displayPath}: ${(e as Error).message}`, file: displayPath }],
    };
  }
  const { text, issue } = decodeUtf8(bytes);
  if (text === undefined) {
    return { resources: [], diagnostics: [{ severity: 'error', code: issue!.ruleId, message: issue!.message, file: displayPath, line: issue!.line, column: issue!.column }] };
  }
  const format = sniffFormat(text, path);
  if (!format) {
    return {
      resources: [],
      diagnostics: [{ severity: 'warning', code: 'not-fhir', message: `${displayPath} is neither JSON nor XML; skipped`, file: displayPath }],
    };
  }
  const parsed = format === 'json' ? parseJson(text) : parseFhirXml(text, xmlCompiler);
  for (const i of parsed.issues) {
    if (i.severity === 'fatal' || i.severity === 'error') {
      diagnostics.push({
        severity: i.severity === 'fatal' ? 'error' : 'warning',
        code: i.ruleId,
        message: i.message,
        file: displayPath,
        line: i.line,
        column: i.column,
      });
    }
  }
  const value = parsed.value as Record<string, any> | undefined;
  if (!value || typeof value !== 'object' || Array.isArray(value) || typeof value.resourceType !== 'string') {
    if (value !== undefined) {
      diagnostics.push({ severity: 'warning', code: 'not-a-resource', message: `${displayPath} is not a FHIR resource (no resourceType); skipped`, file: displayPath });
    }
    return { resources: [], diagnostics };
  }
  const resources: Record<string, any>[] = [value];
  if (value.resourceType === 'Bundle' && Array.isArray(value.entry)) {
    for (const e of value.entry) {
      if (e && typeof e === 'object' && e.resource && typeof e.resource.resourceType === 'string') resources.push(e.resource);
    }
  }
  return { resources, diagnostics };
}
