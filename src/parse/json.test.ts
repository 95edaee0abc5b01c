import { describe, expect, it } from 'vitest';
import { parseJson } from './json.js';

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

  it('turns unrecoverable syntax into one located fatal issue', () => {
    const r = parseJson('{"a": "x');
    expect(r.value).toBeUndefined();
    expect(r.issues[0]).toMatchObject({ severity: 'fatal', ruleId: 'json-syntax', line: 1 });
    expect(r.issues[0]!.message).toMatch(/Unterminated string/);
    expect(parseJson('{"a": 1} x').issues[0]!.message).toMatch(/after the end/);
    expect(parseJson('{"a": tru}').issues[0]!.severity).toBe('fatal');
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
