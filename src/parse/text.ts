/**
 * Turning bytes into text, with a located error for what is not UTF-8.
 */
import type { ValidationIssue } from '../model/issue.js';
import { lineColumnOf } from './locations.js';

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

export function decodeUtf8(bytes: Uint8Array): { text?: string; issue?: ValidationIssue } {
  try {
    return { text: strictUtf8.decode(bytes) };
  } catch {
    // find the first bad byte to say where
    const lenient = new TextDecoder('utf-8').decode(bytes);
    const bad = lenient.indexOf('\uFFFD');
    const lc = lineColumnOf(lenient, Math.max(0, bad));
    return {
      issue: {
        severity: 'fatal',
        code: 'structure',
        message:
          'The file is not valid UTF-8 (FHIR JSON and XML must be UTF-8). Re-save it as UTF-8; the first invalid byte sequence is here.',
        line: lc.line,
        column: lc.column,
        ruleId: 'encoding-utf8',
      },
    };
  }
}

/** Is this text JSON (starts with `{`/`[`) or XML (starts with `<`)? */
export function sniffFormat(text: string, fileName?: string): 'json' | 'xml' | undefined {
  for (let i = 0; i < text.length && i < 4096; i++) {
    const c = text.charCodeAt(i);
    if (c === 0xfeff || c === 32 || c === 9 || c === 10 || c === 13) continue;
    if (c === 123 || c === 91) return 'json';
    if (c === 60) return 'xml';
    break;
  }
  if (fileName?.toLowerCase().endsWith('.json')) return 'json';
  if (fileName?.toLowerCase().endsWith('.xml')) return 'xml';
  return undefined;
}
