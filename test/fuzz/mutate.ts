/**
 * Mutations of the repository's fixtures (JSON and XML) for fuzzing the library: truncation,
 * type swaps, deep nesting, random bytes, duplicate keys and attributes, huge values. Each is
 * a fast-check arbitrary, so a failing input shrinks and replays from its seed.
 */
import fc from 'fast-check';

export interface Fixture {
  name: string;
  text: string;
  json?: unknown;
}

export interface FuzzInput {
  fixture: string;
  mutation: string;
  input: string | Uint8Array;
}

/** Sizes of the expensive mutations: the defaults are the worst case; a long run may use smaller ones to cover more inputs. */
export interface FuzzSizes {
  /** Largest huge value, in characters. */
  huge: number;
  /** Deepest nesting added. */
  depth: number;
}
export const FULL_SIZES: FuzzSizes = { huge: 2_000_000, depth: 5000 };

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Every path to a value inside a JSON document (object keys and array indexes). */
function paths(v: Json, at: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  out.push(at);
  if (Array.isArray(v)) v.forEach((x, i) => paths(x, [...at, i], out));
  else if (v && typeof v === 'object') for (const k of Object.keys(v)) paths(v[k]!, [...at, k], out);
  return out;
}

function replaceAt(v: Json, path: (string | number)[], by: (old: Json) => Json): Json {
  if (path.length === 0) return by(v);
  const [head, ...rest] = path;
  if (Array.isArray(v)) return v.map((x, i) => (i === head ? replaceAt(x, rest, by) : x));
  if (v && typeof v === 'object') return { ...v, [head as string]: replaceAt(v[head as string]!, rest, by) };
  return v;
}

const scalar: fc.Arbitrary<Json> = fc.oneof(fc.constant(null), fc.boolean(), fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.string(), fc.constant(''), fc.constant('__proto__'));
const anyJson: fc.Arbitrary<Json> = fc.oneof(scalar, fc.constant([] as Json[]), fc.constant({} as Json), fc.array(scalar, { maxLength: 3 }), fc.dictionary(fc.string({ maxLength: 8 }), scalar, { maxKeys: 3 }));

/** Position in a text, as a fraction, so one arbitrary fits every fixture. */
const where = fc.double({ min: 0, max: 1, noNaN: true });
const at = (text: string, f: number): number => Math.min(text.length, Math.floor(f * text.length));

function textMutations(f: Fixture): fc.Arbitrary<FuzzInput>[] {
  const t = f.text;
  const enc = new TextEncoder();
  const mk = (mutation: string, input: string | Uint8Array): FuzzInput => ({ fixture: f.name, mutation, input });
  return [
    where.map((p) => mk('truncate', t.slice(0, at(t, p)))),
    fc.tuple(where, fc.uint8Array({ minLength: 1, maxLength: 16 })).map(([p, bytes]) => {
      const b = enc.encode(t);
      const i = Math.min(b.length, Math.floor(p * b.length));
      const out = new Uint8Array(b.length + bytes.length);
      out.set(b.subarray(0, i));
      out.set(bytes, i);
      out.set(b.subarray(i), i + bytes.length);
      return mk('random-bytes-inserted', out);
    }),
    fc.tuple(fc.array(fc.tuple(where, fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 })).map(([flips]) => {
      const b = enc.encode(t);
      for (const [p, v] of flips) if (b.length) b[Math.min(b.length - 1, Math.floor(p * b.length))] = v;
      return mk('random-bytes-overwritten', b);
    }),
    fc.tuple(where, where).map(([a, b]) => {
      const [i, j] = [at(t, Math.min(a, b)), at(t, Math.max(a, b))];
      return mk('slice-removed', t.slice(0, i) + t.slice(j));
    }),
    fc.tuple(where, where).map(([a, b]) => {
      const [i, j] = [at(t, Math.min(a, b)), at(t, Math.max(a, b))];
      return mk('slice-duplicated', t.slice(0, j) + t.slice(i, j) + t.slice(j));
    }),
    fc.uint8Array({ maxLength: 512 }).map((b) => mk('random-bytes', b)),
  ];
}

function jsonMutations(f: Fixture, z: FuzzSizes): fc.Arbitrary<FuzzInput>[] {
  const doc = f.json as Json;
  const all = paths(doc);
  const pick = fc.nat({ max: all.length - 1 }).map((i) => all[i]!);
  const mk = (mutation: string, v: Json | string): FuzzInput => ({ fixture: f.name, mutation, input: typeof v === 'string' ? v : JSON.stringify(v) });
  return [
    fc.tuple(pick, anyJson).map(([p, v]) => mk('type-swap', replaceAt(doc, p, () => v))),
    fc.tuple(pick, fc.integer({ min: 50, max: Math.max(50, Math.min(3000, z.depth)) }), fc.boolean()).map(([p, depth, arrays]) =>
      mk('deep-nesting', replaceAt(doc, p, (old) => {
        let v = old;
        for (let i = 0; i < depth; i++) v = arrays ? [v] : { extension: v } as Json;
        return v;
      })),
    ),
    fc.tuple(pick, fc.integer({ min: 10_000, max: Math.max(10_000, z.huge) }), fc.constantFrom('a', ' ', '\u00e9', '0', '\\"')).map(([p, n, ch]) =>
      mk('huge-value', replaceAt(doc, p, () => ch.repeat(Math.ceil(n / ch.length)))),
    ),
    fc.tuple(pick, fc.integer({ min: 1000, max: 100_000 })).map(([p, n]) =>
      mk('huge-array', replaceAt(doc, p, (old) => {
        // at most ~8 MB of text whatever is repeated
        const count = Math.max(1, Math.min(n, Math.floor((4 * z.huge) / (JSON.stringify(old)?.length ?? 4))));
        return Array.from({ length: count }, () => old);
      })),
    ),
    fc.tuple(where, anyJson).map(([p, v]) => {
      // a duplicate key: the text of the document with `"key": value` added again inside an object
      const text = JSON.stringify(doc, null, 1);
      const opens = [...text.matchAll(/\{\n\s*("[^"]+"):/g)];
      if (!opens.length) return mk('duplicate-key', text);
      const m = opens[Math.min(opens.length - 1, Math.floor(p * opens.length))]!;
      const i = m.index! + 1;
      return mk('duplicate-key', `${text.slice(0, i)}\n${m[1]}: ${JSON.stringify(v)},${text.slice(i)}`);
    }),
  ];
}

function xmlMutations(f: Fixture, z: FuzzSizes): fc.Arbitrary<FuzzInput>[] {
  const t = f.text;
  const tags = [...t.matchAll(/<([A-Za-z][\w.-]*)(\s[^<>]*?)?(\/?)>/g)];
  if (!tags.length) return [];
  const pick = fc.nat({ max: tags.length - 1 }).map((i) => tags[i]!);
  const mk = (mutation: string, input: string): FuzzInput => ({ fixture: f.name, mutation, input });
  return [
    fc.tuple(pick, fc.integer({ min: 50, max: Math.max(50, z.depth) })).map(([m, depth]) => {
      const i = m.index! + m[0].length;
      return mk('deep-nesting', m[3] ? t : `${t.slice(0, i)}${'<extension url="x">'.repeat(depth)}${'</extension>'.repeat(depth)}${t.slice(i)}`);
    }),
    pick.map((m) => {
      const attr = /\s([\w:]+="[^"]*")/.exec(m[2] ?? '');
      const i = m.index! + 1 + m[1]!.length;
      return mk('duplicate-attribute', attr ? `${t.slice(0, i)} ${attr[1]}${t.slice(i)}` : t);
    }),
    fc.tuple(pick, fc.integer({ min: 10_000, max: Math.max(10_000, z.huge) }), fc.constantFrom('a', '&amp;', '&#233;', ' ')).map(([m, n, ch]) => {
      const i = m.index! + 1 + m[1]!.length;
      return mk('huge-value', `${t.slice(0, i)} value="${ch.repeat(Math.ceil(n / ch.length))}"${t.slice(i)}`);
    }),
    fc.tuple(pick, fc.constantFrom('<x>', '&#0;', '&#xD800;', '&unknown;', '<![CDATA[', '<!DOCTYPE x [<!ENTITY a "b">]>', '<?xml version="1.0"?>', '"', "'", '</', ']]>')).map(([m, junk]) => {
      const i = m.index! + m[0].length;
      return mk('markup-inserted', `${t.slice(0, i)}${junk}${t.slice(i)}`);
    }),
    fc.tuple(pick, pick).map(([a, b]) => mk('element-renamed', t.replace(a[0], a[0].replace(a[1]!, b[1]!)))),
  ];
}

/** One arbitrary over all fixtures and all mutations that apply to each. */
export function fuzzInputs(fixtures: Fixture[], z: FuzzSizes = FULL_SIZES): fc.Arbitrary<FuzzInput> {
  const per = fixtures.map((f) => {
    const ms = [...textMutations(f), ...(f.json !== undefined && f.json !== null && typeof f.json === 'object' ? jsonMutations(f, z) : []), ...(/^\s*</.test(f.text) ? xmlMutations(f, z) : [])];
    return fc.oneof(...ms);
  });
  return fc.oneof(...per);
}
