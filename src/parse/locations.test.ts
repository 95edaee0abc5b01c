/**
 * Positions of parsed members: 1-based line and column (a column counts UTF-16 code units from the
 * line start; a line ends at \n), for small and large objects alike, with the last of duplicate
 * keys winning as it does in the parsed value.
 */
import { describe, expect, it } from 'vitest';
import { LocationIndex, lineColumnOf } from './locations.js';
import { parseJson } from './json.js';

/** Line/column of an offset counted by hand: lines split at \n. */
function expectedAt(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset).split('\n');
  return { line: before.length, column: before[before.length - 1]!.length + 1 };
}

describe('offsets to line and column', () => {
  const text = 'ab\ncd\n\nefg\r\nh';
  it('every offset of a text maps to its 1-based line and column, in the index and in lineColumnOf', () => {
    // the second text starts with a line end
    for (const t of [text, '\n\nx\n']) {
      const index = new LocationIndex(t);
      for (let off = 0; off <= t.length; off++) {
        expect(index.lineColumn(off), `offset ${off}`).toEqual(expectedAt(t, off));
        expect(lineColumnOf(t, off), `offset ${off}`).toEqual(expectedAt(t, off));
      }
    }
  });
  it('lineColumnOf clamps an offset past the end to the end of the text', () => {
    expect(lineColumnOf(text, text.length + 10)).toEqual(expectedAt(text, text.length));
    expect(lineColumnOf('', 0)).toEqual({ line: 1, column: 1 });
  });
});

describe('member positions', () => {
  it('an array item is found by its index, not by a string key', () => {
    const index = new LocationIndex('[1, 2]');
    const arr = [1, 2];
    index.setMember(arr, 0, 1);
    index.setMember(arr, 1, 4);
    expect(index.offsetOf(arr, 1)).toBe(4);
    expect(index.offsetOf(arr, '1')).toBeUndefined();
    expect(index.offsetOf(arr, 2)).toBeUndefined();
    expect(index.positionOf(arr, 1)).toEqual({ line: 1, column: 5 });
    expect(index.positionOf({}, 'x')).toBeUndefined();
  });

  // objects with more than 32 members are looked up through a map built on first use
  for (const size of [3, 32, 33, 40]) {
    it(`an object of ${size} members: every member at its name, the last of a duplicate key wins`, () => {
      const names = Array.from({ length: size }, (_, i) => `k${i}`);
      const text = `{\n${names.map((n, i) => `  "${n}": ${i}`).join(',\n')},\n  "k0": "again"\n}`;
      const r = parseJson(text);
      const o = r.value as Record<string, unknown>;
      expect(o.k0).toBe('again');
      const lines = text.split('\n');
      expect(r.locations.positionOf(o, 'k0')).toEqual({ line: lines.length - 1, column: 3 });
      for (let i = 1; i < size; i++) expect(r.locations.positionOf(o, `k${i}`), `k${i}`).toEqual({ line: i + 2, column: 3 });
      expect(r.locations.positionOf(o, 'missing')).toBeUndefined();
    });
  }

  it('a member set after the first lookup of a large object is found too (a later pair wins)', () => {
    const index = new LocationIndex('x'.repeat(200));
    const o = {};
    for (let i = 0; i < 40; i++) index.setMember(o, `k${i}`, i);
    expect(index.offsetOf(o, 'k39')).toBe(39);
    index.setMember(o, 'k39', 150);
    index.setMember(o, 'new', 160);
    expect(index.offsetOf(o, 'k39')).toBe(150);
    expect(index.offsetOf(o, 'new')).toBe(160);
  });

  it('a small object: the later of two pairs for one key wins', () => {
    const index = new LocationIndex('x'.repeat(20));
    const o = {};
    index.setMember(o, 'a', 1);
    index.setMember(o, 'b', 2);
    index.setMember(o, 'a', 5);
    expect(index.offsetOf(o, 'a')).toBe(5);
    expect(index.offsetOf(o, 'b')).toBe(2);
  });

  it('number texts are kept per container and key', () => {
    const index = new LocationIndex('');
    const a = {};
    const b = {};
    index.setRawNumber(a, 'v', '1.50');
    index.setRawNumber(a, 'w', '1e2');
    expect(index.rawNumber(a, 'v')).toBe('1.50');
    expect(index.rawNumber(a, 'w')).toBe('1e2');
    expect(index.rawNumber(b, 'v')).toBeUndefined();
  });
});
