/**
 * FHIR JSON is RFC 8259 JSON (json.html). Properties over generated documents: every JSON text
 * reads as JSON.parse reads it, by both the fast path and the full parser, with no issue; and a
 * text that is not JSON never passes silently.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseJson, parseJsonFully, parseWellFormed } from './json.js';

const RUNS = 300;
const isProblem = (i: { severity: string }): boolean => i.severity === 'error' || i.severity === 'fatal';

/** JSON text for a value, laid out compactly, pretty with spaces or tabs, or with CRLF line ends. */
const layouts = [
  (v: unknown) => JSON.stringify(v),
  (v: unknown) => JSON.stringify(v, null, 2),
  (v: unknown) => JSON.stringify(v, null, '\t'),
  (v: unknown) => JSON.stringify(v, null, 1).replace(/\n/g, '\r\n'),
];

/** A string as \uXXXX escapes of its UTF-16 code units (a character outside the BMP as its surrogate pair). */
const unitsEscaped = (s: string): string => `"${Array.from({ length: s.length }, (_, i) => `\\u${s.charCodeAt(i).toString(16).padStart(4, '0')}`).join('')}"`;

describe('RFC 8259 JSON reads as JSON.parse reads it', () => {
  it('any JSON value, in any layout: same value from the full parser and from parseJson, no issues', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), fc.integer({ min: 0, max: layouts.length - 1 }), (v, layout) => {
        const text = layouts[layout]!(v);
        const expected = JSON.parse(text) as unknown;
        const full = parseJsonFully(text);
        expect(full.issues).toEqual([]);
        expect(full.value).toEqual(expected);
        const auto = parseJson(text);
        expect(auto.issues).toEqual([]);
        expect(auto.value).toEqual(expected);
      }),
      { numRuns: RUNS },
    );
  });

  it('any string, written with JSON.stringify escapes, as \\u escapes of each code unit, or with \\/ for /', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }), (s) => {
        for (const text of [JSON.stringify(s), unitsEscaped(s), JSON.stringify(s).replace(/\//g, '\\/')]) {
          const full = parseJsonFully(`{"k": ${text}}`);
          expect(full.issues, text).toEqual([]);
          expect(full.value, text).toEqual({ k: s });
        }
      }),
      { numRuns: RUNS },
    );
    expect(unitsEscaped('a/é')).toBe('"\\u0061\\u002f\\u00e9"');
  });

  it('any object: each member is located on the line where its name is written', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string({ minLength: 1, maxLength: 6 }).filter((k) => !/^\d+$/.test(k)), fc.jsonValue({ maxDepth: 1 }), { minKeys: 1, maxKeys: 6 }), (o) => {
        const text = JSON.stringify(o, null, 2);
        const lines = text.split('\n');
        const r = parseJsonFully(text);
        for (const k of Object.keys(o)) {
          const at = r.locations.positionOf(r.value as object, k);
          expect(lines[at!.line - 1]!.trimStart().startsWith(JSON.stringify(k)), `${k} at ${at!.line}:${at!.column}`).toBe(true);
          expect(at!.column).toBe(lines[at!.line - 1]!.indexOf(JSON.stringify(k)) + 1);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('the fast path, when it takes a text, gives what the full parser gives', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), (v) => {
        const text = JSON.stringify(v, null, 1);
        const fast = parseWellFormed(text);
        const full = parseJsonFully(text);
        if (fast) {
          expect(fast.value).toEqual(full.value);
          expect(fast.issues).toEqual(full.issues);
        }
      }),
      { numRuns: RUNS },
    );
  });
});

describe('a text that is not JSON never passes silently', () => {
  it('every cut-short JSON document that JSON.parse rejects gets an error or fatal issue (and no exception)', () => {
    let rejected = 0;
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 3 }), fc.nat(), (v, cut) => {
        const text = JSON.stringify({ resourceType: 'Basic', v });
        const prefix = text.slice(0, cut % text.length);
        let valid = true;
        try {
          JSON.parse(prefix);
        } catch {
          valid = false;
        }
        if (valid) return;
        rejected++;
        const r = parseJson(prefix);
        expect(r.issues.some(isProblem), prefix).toBe(true);
      }),
      { numRuns: RUNS },
    );
    expect(rejected).toBeGreaterThan(RUNS / 2);
  });

  it('one stray character inserted into a document JSON.parse then rejects: an error or fatal issue', () => {
    let rejected = 0;
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 3 }), fc.nat(), fc.constantFrom('{', '}', '[', ']', ',', ':', '"', '\\', 'x', '\u0001'), (v, at, ch) => {
        const text = JSON.stringify({ resourceType: 'Basic', v });
        const i = at % (text.length + 1);
        const broken = text.slice(0, i) + ch + text.slice(i);
        try {
          JSON.parse(broken);
          return;
        } catch {
          rejected++;
        }
        expect(parseJson(broken).issues.some(isProblem), broken).toBe(true);
      }),
      { numRuns: RUNS },
    );
    expect(rejected).toBeGreaterThan(RUNS / 2);
  });
});
