/**
 * Bytes to text: FHIR JSON and XML are UTF-8 (RFC 3629). What is not UTF-8 gets one fatal,
 * located issue saying what the bytes are; what is UTF-8 decodes unchanged.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeUtf8, firstInvalidUtf8, sniffFormat } from './text.js';

const strict = new TextDecoder('utf-8', { fatal: true });
const isUtf8 = (b: Uint8Array): boolean => {
  try {
    strict.decode(b);
    return true;
  } catch {
    return false;
  }
};
const bytes = (...b: number[]) => Uint8Array.from(b);
const utf8 = (s: string) => new TextEncoder().encode(s);

describe('firstInvalidUtf8 agrees with RFC 3629 (as a strict TextDecoder applies it)', () => {
  it('random bytes: -1 exactly when the bytes are UTF-8; otherwise everything before that offset is UTF-8', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 24 }), (b) => {
        const at = firstInvalidUtf8(b);
        expect(at === -1).toBe(isUtf8(b));
        if (at >= 0) expect(isUtf8(b.subarray(0, at))).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });
  it('bytes near the sequence boundaries: overlong forms, surrogates, above U+10FFFF, truncated sequences', () => {
    const leads = [0x7f, 0x80, 0xbf, 0xc0, 0xc1, 0xc2, 0xdf, 0xe0, 0xe1, 0xec, 0xed, 0xee, 0xef, 0xf0, 0xf1, 0xf3, 0xf4, 0xf5, 0xff];
    const conts = [0x00, 0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc0];
    let checked = 0;
    for (const a of leads) {
      for (const c1 of conts) {
        for (const c2 of [0x80, 0xbf, 0x41]) {
          for (const tail of [[], [0x80], [0xbf, 0x41]]) {
            const b = bytes(0x41, a, c1, c2, ...tail);
            const at = firstInvalidUtf8(b);
            expect(at === -1, Buffer.from(b).toString('hex')).toBe(isUtf8(b));
            if (at >= 0) expect(isUtf8(b.subarray(0, at)), Buffer.from(b).toString('hex')).toBe(true);
            checked++;
          }
        }
      }
    }
    expect(checked).toBe(19 * 9 * 3 * 3);
  });
});

describe('decodeUtf8', () => {
  it('UTF-8 text, any string, decodes unchanged with no issue', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 30 }), (s) => {
        expect(decodeUtf8(utf8(`{"a": ${JSON.stringify(s)}}`))).toEqual({ text: `{"a": ${JSON.stringify(s)}}` });
      }),
      { numRuns: 300 },
    );
  });

  it('a stray Windows-1252 byte: fatal, at the line and column of the character, text still decoded', () => {
    const b = Uint8Array.from([...utf8('{\n  "name": "caf'), 0xe9, ...utf8('"\n}')]);
    const r = decodeUtf8(b);
    expect(r.issue).toMatchObject({ severity: 'fatal', ruleId: 'encoding-utf8', line: 2, column: 15 });
    expect(r.issue!.message).toMatch(/byte 0xE9 at byte offset 16 \(line 2, column 15\) is the start of a character whose following bytes are missing or wrong\. The file was probably saved as Windows-1252/);
    expect(r.text).toBe('{\n  "name": "caf\ufffd"\n}');
  });

  it('names what kind of bad byte it is: a lone continuation byte, a byte that never occurs in UTF-8', () => {
    expect(decodeUtf8(bytes(0x7b, 0x80, 0x7d)).issue!.message).toMatch(/byte 0x80 at byte offset 1 .* is a continuation byte with no character to continue\. Re-save/);
    expect(decodeUtf8(bytes(0x7b, 0xff, 0x7d)).issue!.message).toMatch(/byte 0xFF at byte offset 1 .* is a byte that never occurs in UTF-8\. The file was probably saved as Windows-1252/);
    expect(decodeUtf8(bytes(0x7b, 0xf5, 0x7d)).issue!.message).toMatch(/is a byte that never occurs in UTF-8/);
    expect(decodeUtf8(bytes(0x7b, 0xc3, 0x7d)).issue!.message).toMatch(/byte 0xC3 .* the start of a character whose following bytes are missing or wrong/);
    // below 0xA0 a byte is no Latin-1 character: no Windows-1252 hint
    expect(decodeUtf8(bytes(0x7b, 0x9f, 0x7d)).issue!.message).not.toMatch(/Windows-1252/);
    expect(decodeUtf8(bytes(0x7b, 0xa0, 0x7d)).issue!.message).toMatch(/Windows-1252/);
  });

  it('UTF-16 and UTF-32, with or without a byte order mark, and archives: said plainly, at 1:1, no text', () => {
    const cases: [Uint8Array, RegExp][] = [
      [bytes(0xff, 0xfe, 0, 0, 0x7b, 0, 0, 0), /UTF-32 \(it starts with a UTF-32 LE byte order mark\)/],
      [bytes(0, 0, 0xfe, 0xff, 0, 0, 0, 0x7b), /UTF-32 \(it starts with a UTF-32 BE byte order mark\)/],
      [bytes(0xff, 0xfe, 0x7b, 0), /UTF-16 \(it starts with a UTF-16 LE byte order mark\)/],
      [bytes(0xfe, 0xff, 0, 0x7b), /UTF-16 \(it starts with a UTF-16 BE byte order mark\)/],
      [bytes(0x7b, 0, 0x22, 0), /UTF-16 LE \(every other byte is zero\)/],
      [bytes(0, 0x3c, 0, 0x3f), /UTF-16 BE \(every other byte is zero\)/],
      [bytes(0x1f, 0x8b, 8, 0), /gzip-compressed/],
      [bytes(0x50, 0x4b, 3, 4, 0x14), /zip archive/],
    ];
    for (const [b, message] of cases) {
      const r = decodeUtf8(b);
      expect(r.text, String(message)).toBeUndefined();
      expect(r.issue, String(message)).toMatchObject({ severity: 'fatal', ruleId: 'encoding-utf8', line: 1, column: 1 });
      expect(r.issue!.message).toMatch(message);
    }
    // three bytes cannot be UTF-16 by the every-other-byte test; PK without 03 04 is no zip
    expect(decodeUtf8(bytes(0x7b, 0, 0x22)).issue?.message ?? '').not.toMatch(/UTF-16/);
    expect(decodeUtf8(utf8('PK{}')).issue).toBeUndefined();
  });

  it('binary content (many control bytes) that is not UTF-8: "not text", without a decoded text', () => {
    const png = bytes(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52);
    const r = decodeUtf8(png);
    expect(r.text).toBeUndefined();
    expect(r.issue).toMatchObject({ severity: 'fatal', line: 1, column: 1 });
    expect(r.issue!.message).toMatch(/not text \(binary content/);
    // tabs, line ends and form feeds are text: one bad byte in them is an encoding problem, not binary
    const texty = Uint8Array.from([...utf8('{\t\n\r\f\t\n\r\f"a": "'), 0xe9, ...utf8('"}')]);
    expect(decodeUtf8(texty).issue!.message).toMatch(/not valid UTF-8/);
  });
});

describe('sniffFormat', () => {
  it('the first character after whitespace and a byte order mark decides; otherwise the file extension', () => {
    expect(sniffFormat('\ufeff \t\r\n{"a":1}')).toBe('json');
    expect(sniffFormat('[1]')).toBe('json');
    expect(sniffFormat('  <Patient/>')).toBe('xml');
    expect(sniffFormat('x{', 'a.JSON')).toBe('json');
    expect(sniffFormat('x<', 'a.Xml')).toBe('xml');
    expect(sniffFormat('x{', 'a.txt')).toBeUndefined();
    expect(sniffFormat('')).toBeUndefined();
    // only the first 4096 characters are looked at
    expect(sniffFormat(`${' '.repeat(4096)}{`)).toBeUndefined();
    expect(sniffFormat(`${' '.repeat(4095)}{`)).toBe('json');
  });
});
