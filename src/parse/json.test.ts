import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseJson, parseJsonFully, parseWellFormed, type JsonParseResult } from './json.js';

describe('parseJson', () => {
  it('parses values and keeps member positions', () => {
    const text = '{\n  "resourceType": "Patient",\n  "name": [ { "family": "Smith" } ]\n}';
    const r = parseJson(text);
    expect(r.issues).toEqual([]);
    const v = r.value as { name: { family: string }[] };
    expect(v.name[0]!.family).toBe('Smith');
    expect(r.locations.positionOf(v, 'name')).toEqual({ line: 3, column: 3 });
    expect(r.locations.positionOf(v.name, 0)).toEqual({ line: 3, column: 13 });
    expect(r.locations.positionOf(v.name[0]!, 'family')).toEqual({ line: 3, column: 15 });
  });

  it('reports duplicate keys with their position and keeps the later value', () => {
    const r = parseJson('{"a": 1,\n "a": 2}');
    expect((r.value as { a: number }).a).toBe(2);
    expect(r.issues).toHaveLength(1);
    expect(r.issues[0]).toMatchObject({ severity: 'error', ruleId: 'json-duplicate-key', line: 2, column: 2 });
  });

  it('steps over a trailing comma, reporting it where it is', () => {
    const r = parseJson('{\n  "resourceType": "Patient",\n  "a": 1,\n}');
    expect(r.value).toEqual({ resourceType: 'Patient', a: 1 });
    expect(r.issues[0]).toMatchObject({ severity: 'error', ruleId: 'json-syntax', line: 3, column: 9 });
    expect(r.issues[0]!.message).toMatch(/Trailing comma/);
  });

  it('reports a missing comma at the object it is in, and keeps parsing', () => {
    const r = parseJson('{"resourceType": "Patient", "name": [{"family": "S"\n "given": ["A" "B"]}]}');
    const v = r.value as { name: { family: string; given: string[] }[] };
    expect(v.name[0]!.given).toEqual(['A', 'B']);
    expect(r.issues.map((i) => i.expression)).toEqual(['Patient.name[0]', 'Patient.name[0].given']);
    expect(r.issues.every((i) => /comma is missing/.test(i.message))).toBe(true);
  });

  it('reports comments and unquoted names, with the property they are next to', () => {
    const r = parseJson('{"resourceType": "Patient",\n // note\n "id": "x", gender: "male"}');
    expect((r.value as { gender: string }).gender).toBe('male');
    expect(r.issues.map((i) => [i.expression, i.line])).toEqual([
      ['Patient.id', 2],
      ['Patient', 3],
    ]);
  });

  it('a comment before a closing brace goes with the next property read, after the object closes', () => {
    const r = parseJson('{"resourceType": "Patient",\n "name": [{"family": "x"\n // note\n }],\n "gender": "male"}');
    expect(r.issues.map((i) => [i.expression, i.line])).toEqual([['Patient.gender', 3]]);
    // with nothing after it, the resource
    const last = parseJson('{"resourceType": "Patient",\n "name": [{"family": "x"\n // note\n }]}');
    expect(last.issues.map((i) => [i.expression, i.line])).toEqual([['Patient', 3]]);
    expect(parseJson('{"resourceType": "Patient"}\n// trailing\n').issues.map((i) => [i.expression, i.line])).toEqual([['Patient', 2]]);
  });

  it('an unquoted name before resourceType is read is still located on the resource', () => {
    const r = parseJson('{\n  resourceType: "Patient",\n  "id": "x"\n}');
    expect(r.value).toEqual({ resourceType: 'Patient', id: 'x' });
    expect(r.issues.map((i) => [i.expression, i.line, i.column])).toEqual([['Patient', 2, 3]]);
  });

  it('turns unrecoverable syntax into one located fatal issue', () => {
    const r = parseJson('{"a": "x');
    expect(r.value).toBeUndefined();
    expect(r.issues[0]).toMatchObject({ severity: 'fatal', ruleId: 'json-syntax', line: 1 });
    expect(r.issues[0]!.message).toMatch(/Unterminated string/);
    expect(parseJson('{"a": 1} x').issues[0]!.message).toMatch(/after the end/);
    expect(parseJson('{"a": @}').issues[0]!.severity).toBe('fatal');
  });

  // json.html: property values are JSON strings, numbers, booleans, objects or arrays; a word
  // without quotes is none of them, but like an unquoted name it is stepped over, not fatal
  it('reports an unquoted value where it is, reads it as a string and keeps parsing', () => {
    const r = parseJson('{"resourceType": "Patient",\n "gender": male,\n "active": tru, "name": [{"family": Smith Jones}], "id": "x"}');
    expect(r.value).toEqual({ resourceType: 'Patient', gender: 'male', active: 'tru', name: [{ family: 'Smith Jones' }], id: 'x' });
    expect(r.issues.map((i) => [i.severity, i.ruleId, i.expression, i.line, i.column])).toEqual([
      ['error', 'json-syntax', 'Patient.gender', 2, 12],
      ['error', 'json-syntax', 'Patient.active', 3, 12],
      ['error', 'json-syntax', 'Patient.name[0].family', 3, 37],
    ]);
    expect(r.issues[0]!.message).toMatch(/value male has no quotes around it: write "male"/);
    // true, false and null are still themselves, and a word that only starts like one is not
    expect(parseJson('{"a": true, "b": null, "c": falsehood}').value).toEqual({ a: true, b: null, c: 'falsehood' });
  });

  it('gives a fatal issue no element location, and says in the message where the parser was', () => {
    const r = parseJson('{\n  "resourceType": "Patient",\n  "name": [ { "given": [ "Christopher" } ]\n}');
    expect(r.issues).toHaveLength(1);
    expect(r.issues[0]).toMatchObject({ severity: 'fatal', line: 3 });
    expect(r.issues[0]!.expression).toBeUndefined();
    expect(r.issues[0]!.message).toMatch(/\(in Patient\.name\[0\]\.given\)$/);
  });

  it('reads property names right when they look alike to the name cache (same length and ends)', () => {
    // axcd / aycd / a\u0078cd share length and first, middle and last characters
    const r = parseJson('{"axcd": 1, "nested": {"aycd": 2, "axcd": 3}, "list": [{"aycd": 4}, {"axcd": 5, "a\\u0078cd2": 6}]}');
    expect(r.issues).toEqual([]);
    expect(r.value).toEqual({ axcd: 1, nested: { aycd: 2, axcd: 3 }, list: [{ aycd: 4 }, { axcd: 5, axcd2: 6 }] });
    // a duplicate found through the cache is still a duplicate
    const d = parseJson('{"aycd": 1, "axcd": 2, "aycd": 3}');
    expect(d.issues.map((i) => i.ruleId)).toEqual(['json-duplicate-key']);
  });

  it('keeps __proto__ as data and never touches the prototype chain', () => {
    const r = parseJson('{"__proto__": {"polluted": true}, "constructor": {"prototype": {"x": 1}}}');
    const v = r.value as Record<string, unknown>;
    expect(Object.prototype.hasOwnProperty.call(v, '__proto__')).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(v)).toBe(Object.prototype);
  });

  it('keeps the original text of numbers that JavaScript would reformat', () => {
    const r = parseJson('{"v": 1.50, "w": 2}');
    const v = r.value as object;
    expect(r.locations.rawNumber(v, 'v')).toBe('1.50');
    expect(r.locations.rawNumber(v, 'w')).toBeUndefined();
  });

  it('caps nesting depth with a clear fatal issue instead of overflowing the stack', () => {
    const deep = '['.repeat(10_000) + ']'.repeat(10_000);
    const r = parseJson(deep);
    expect(r.issues[0]).toMatchObject({ severity: 'fatal', ruleId: 'json-depth' });
    expect(r.issues[0]!.message).toMatch(/nested more than/);
  });
});

/** Every member's position and every kept number text, in document order, as comparable lines. */
function positions(r: JsonParseResult): string[] {
  const out: string[] = [];
  const visit = (v: unknown): void => {
    if (v === null || typeof v !== 'object') return;
    const keys: (string | number)[] = Array.isArray(v) ? v.map((_, i) => i) : Object.keys(v);
    for (const k of keys) {
      const p = r.locations.positionOf(v, k);
      out.push(`${String(k)} ${p?.line}:${p?.column} ${r.locations.rawNumber(v, k) ?? ''}`);
      visit((v as Record<string | number, unknown>)[k]);
    }
  };
  visit(r.value);
  return out;
}

function jsonFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? jsonFiles(p) : f.endsWith('.json') ? [p] : [];
  });
}

describe('parseJson fast path (JSON.parse, then a scan for positions)', () => {
  const samples: Record<string, string> = {
    pretty: '{\n  "resourceType": "Patient",\n  "name": [ { "family": "Smith", "given": ["A", "B"] } ],\n\t"active" : true\r\n}',
    compact: '{"a":[1,2.50,-0,1e2,12345678901234567890,0.1],"b":{"c":null,"d":false,"e":"x\\\"y\\\\"},"f":[]}',
    escapes: '{"s": "quote \\" and backslash \\\\", "t": "\\u00e9\\n", "u": {}}',
    bom: '\ufeff{"resourceType": "Basic"}',
    scalars: '  "just a string"  ',
    proto: '{"__proto__": {"x": 1}, "constructor": 2}',
  };
  it('gives the same value, positions and number texts as the full parser', () => {
    for (const [name, text] of Object.entries(samples)) {
      const fast = parseWellFormed(text);
      expect(fast, name).toBeDefined();
      const full = parseJsonFully(text);
      expect(fast!.value, name).toEqual(full.value);
      expect(fast!.issues, name).toEqual(full.issues);
      expect(positions(fast!), name).toEqual(positions(full));
      expect(fast!.locations.rootOffset, name).toBe(full.locations.rootOffset);
    }
  });

  it('agrees with the full parser on every JSON fixture', () => {
    const root = join(import.meta.dirname, '..', '..', 'fixtures');
    let compared = 0;
    for (const f of jsonFiles(root)) {
      const text = readFileSync(f, 'utf8');
      const fast = parseWellFormed(text);
      const full = parseJsonFully(text);
      if (!fast) {
        // only text the fast path must not take: it is not plain JSON, or has something JSON.parse hides
        expect(full.issues.length, f).toBeGreaterThan(0);
        continue;
      }
      compared++;
      expect(full.issues, f).toEqual([]);
      expect(fast.value, f).toEqual(full.value);
      expect(positions(fast), f).toEqual(positions(full));
    }
    expect(compared).toBeGreaterThan(50);
  });

  it('hands over to the full parser for whatever JSON.parse would hide or reject', () => {
    for (const text of [
      '{"a": 1, "a": 2}', // duplicate: JSON.parse keeps the last silently
      '{"a": 1, "b": 2, "a": 3}',
      '{"a": 1,}',
      '{"a": 1 // comment\n}',
      '',
      '['.repeat(600) + ']'.repeat(600), // deeper than allowed
    ]) {
      expect(parseWellFormed(text), text.slice(0, 40)).toBeUndefined();
      expect(parseJson(text).issues.length, text.slice(0, 40)).toBeGreaterThan(0);
    }
    // valid JSON the scan cannot follow member by member: the full parser reads it, without complaint
    for (const text of ['{"b": 1, "1": 2}' /* JSON.parse puts integer-like names first */, '{"\\u0061": 1}' /* an escaped name */]) {
      expect(parseWellFormed(text), text).toBeUndefined();
      const r = parseJson(text);
      expect(r.issues, text).toEqual([]);
      expect(positions(r), text).toEqual(positions(parseJsonFully(text)));
    }
  });
});
