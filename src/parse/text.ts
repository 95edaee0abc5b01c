/**
 * Turning bytes into text, with a located error for what is not UTF-8.
 */
import type { ValidationIssue } from '../model/issue.js';
import { lineColumnOf } from './locations.js';

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

const lenientUtf8 = new TextDecoder('utf-8', { fatal: false, ignoreBOM: false });

/**
 * The text of the bytes. Text that is not UTF-8 gets a located fatal issue and, when it is
 * still text (a stray Windows-1252 byte, say), its lenient decoding too (bad bytes become
 * U+FFFD), so the rest of the file can still be validated and every other finding reported in
 * the same run. Binary files, UTF-16/32 and archives get the issue alone.
 */
export function decodeUtf8(bytes: Uint8Array): { text?: string; issue?: ValidationIssue } {
  const other = otherEncoding(bytes);
  if (other) return { issue: { severity: 'fatal', code: 'structure', message: other, line: 1, column: 1, ruleId: 'encoding-utf8' } };
  try {
    return { text: strictUtf8.decode(bytes) };
  } catch {
    const bad = firstInvalidUtf8(bytes);
    const at = Math.max(0, bad);
    if (looksBinary(bytes)) {
      return {
        issue: {
          severity: 'fatal',
          code: 'structure',
          message: 'The file is not text (binary content, such as an image, a PDF or an archive): expected a FHIR resource in JSON or XML',
          line: 1,
          column: 1,
          ruleId: 'encoding-utf8',
        },
      };
    }
    // everything before the bad byte is sound UTF-8: count lines and columns in it
    const before = new TextDecoder('utf-8').decode(bytes.subarray(0, at));
    const lc = lineColumnOf(before, before.length);
    const b = bytes[at] ?? 0;
    const hex = `0x${b.toString(16).toUpperCase().padStart(2, '0')}`;
    const why =
      b >= 0x80 && b <= 0xbf
        ? 'a continuation byte with no character to continue'
        : b >= 0xc0 && b <= 0xf4
          ? 'the start of a character whose following bytes are missing or wrong'
          : 'a byte that never occurs in UTF-8';
    const legacy = b >= 0xa0 ? ' The file was probably saved as Windows-1252 or ISO-8859-1 (where it is a character such as £, é or a curly quote).' : '';
    return {
      text: lenientUtf8.decode(bytes),
      issue: {
        severity: 'fatal',
        code: 'structure',
        message: `The file is not valid UTF-8 (FHIR JSON and XML must be UTF-8): byte ${hex} at byte offset ${at} (line ${lc.line}, column ${lc.column}) is ${why}.${legacy} Re-save the file as UTF-8.`,
        line: lc.line,
        column: lc.column,
        ruleId: 'encoding-utf8',
      },
    };
  }
}

/** UTF-16/UTF-32 (with or without a byte order mark) and compressed files: say which, not just "not UTF-8". */
function otherEncoding(b: Uint8Array): string | undefined {
  const resave = 'FHIR JSON and XML must be UTF-8: re-save the file as UTF-8 (without a byte order mark)';
  if (b[0] === 0xff && b[1] === 0xfe && b[2] === 0 && b[3] === 0) return `The file is UTF-32 (it starts with a UTF-32 LE byte order mark). ${resave}`;
  if (b[0] === 0 && b[1] === 0 && b[2] === 0xfe && b[3] === 0xff) return `The file is UTF-32 (it starts with a UTF-32 BE byte order mark). ${resave}`;
  if (b[0] === 0xff && b[1] === 0xfe) return `The file is UTF-16 (it starts with a UTF-16 LE byte order mark). ${resave}`;
  if (b[0] === 0xfe && b[1] === 0xff) return `The file is UTF-16 (it starts with a UTF-16 BE byte order mark). ${resave}`;
  // '{' or '<' as UTF-16 without a mark: every other byte is zero
  if (b.length >= 4 && b[1] === 0 && b[3] === 0 && b[0] !== 0 && b[0]! < 0x80) return `The file is UTF-16 LE (every other byte is zero). ${resave}`;
  if (b.length >= 4 && b[0] === 0 && b[2] === 0 && b[1] !== 0 && b[1]! < 0x80) return `The file is UTF-16 BE (every other byte is zero). ${resave}`;
  if (b[0] === 0x1f && b[1] === 0x8b) return 'The file is gzip-compressed: decompress it and validate the JSON or XML inside';
  if (b[0] === 0x50 && b[1] === 0x4b && b[2] === 3 && b[3] === 4) return 'The file is a zip archive: extract it and validate the JSON or XML files inside';
  return undefined;
}

/** Many control bytes or invalid sequences near the start: not text in any encoding. */
function looksBinary(b: Uint8Array): boolean {
  const n = Math.min(b.length, 1024);
  let odd = 0;
  for (let i = 0; i < n; i++) {
    const c = b[i]!;
    if (c === 0 || (c < 0x20 && c !== 9 && c !== 10 && c !== 13 && c !== 12)) odd++;
  }
  return n > 0 && odd / n > 0.05;
}

/** Offset of the first byte that does not begin a well-formed UTF-8 sequence (RFC 3629), or -1. */
export function firstInvalidUtf8(b: Uint8Array): number {
  const n = b.length;
  let i = 0;
  while (i < n) {
    const c = b[i]!;
    if (c < 0x80) {
      i++;
      continue;
    }
    let need: number;
    if (c >= 0xc2 && c <= 0xdf) need = 1;
    else if (c >= 0xe0 && c <= 0xef) need = 2;
    else if (c >= 0xf0 && c <= 0xf4) need = 3;
    else return i;
    const c1 = b[i + 1];
    if (c1 === undefined || (c1 & 0xc0) !== 0x80) return i;
    // overlong forms, surrogates and code points above U+10FFFF
    if ((c === 0xe0 && c1 < 0xa0) || (c === 0xed && c1 > 0x9f) || (c === 0xf0 && c1 < 0x90) || (c === 0xf4 && c1 > 0x8f)) return i;
    for (let k = 2; k <= need; k++) {
      const ck = b[i + k];
      if (ck === undefined || (ck & 0xc0) !== 0x80) return i;
    }
    i += need + 1;
  }
  return -1;
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
