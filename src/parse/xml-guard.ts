/**
 * Guards around fast-xml-parser for inputs it handles badly: long values and deep nesting.
 *
 * fast-xml-parser (validator and parser) builds text and attribute values one character at a
 * time, so a 50 MB base64 attachment or narrative cost 2 GB and 20 s, and 120 MB took 80 s and
 * 4.4 GB, at the edge of Node's heap limit. Before parsing, every run longer than
 * LONG_RUN characters is swapped for a short placeholder; after parsing, the placeholders are
 * put back and the parser's offsets moved to where they are in the original text. What the
 * parser no longer sees (a '<' in an attribute value, a bare '&') is checked here instead.
 */

/** Runs at least this long are swapped out (short values never are: nothing changes for them). */
export const LONG_RUN = 64 * 1024;

export interface LongRunProblem {
  /** Offset in the original text. */
  offset: number;
  message: string;
}

export interface ShrunkXml {
  /** The document with long runs replaced by placeholders. */
  text: string;
  /** Offset in `text` → offset in the original document. */
  original(offset: number): number;
  /** The original (raw, undecoded) run a placeholder stands for; anything else unchanged. */
  restore(value: string): string;
  /** Malformed content inside the long runs. */
  problems: LongRunProblem[];
}

const REFERENCE = /&(?!(?:amp|lt|gt|quot|apos|#[0-9]+|#x[0-9A-Fa-f]+);)/g;

/** Swap long runs for placeholders; undefined when the document has none (the usual case). */
export function shrinkLongRuns(xml: string, min = LONG_RUN): ShrunkXml | undefined {
  if (xml.length < min) return undefined;
  const runs: { start: number; end: number; kind: 'text' | 'attribute' }[] = [];
  const n = xml.length;
  let i = 0;
  while (i < n) {
    const lt = xml.indexOf('<', i);
    const textEnd = lt < 0 ? n : lt;
    if (textEnd - i >= min) runs.push({ start: i, end: textEnd, kind: 'text' });
    if (lt < 0) break;
    const skipped = afterNonTag(xml, lt);
    if (skipped !== undefined) i = skipped;
    else
      i =
        tagEnd(xml, lt, (start, end) => {
          if (end - start >= min) runs.push({ start, end, kind: 'attribute' });
        }) + 1;
  }
  if (runs.length === 0) return undefined;

  // a marker character the document does not use, so no input can pose as a placeholder
  let marker = 0xe000;
  while (xml.includes(String.fromCharCode(marker))) marker++;
  const m = String.fromCharCode(marker);

  const parts: string[] = [];
  // for mapping back: where each placeholder ends in the new text, and the shift after it
  const ends: number[] = [];
  const shifts: number[] = [];
  const originals: string[] = [];
  const problems: LongRunProblem[] = [];
  let last = 0;
  let outLen = 0;
  let shift = 0;
  runs.forEach((r, k) => {
    const raw = xml.slice(r.start, r.end);
    if (r.kind === 'attribute') {
      const lt = raw.indexOf('<');
      if (lt >= 0) problems.push({ offset: r.start + lt, message: "'<' is not allowed in an attribute value: write it as &lt;" });
    }
    REFERENCE.lastIndex = 0;
    const amp = REFERENCE.exec(raw);
    if (amp) problems.push({ offset: r.start + amp.index, message: "a bare '&' is not allowed in XML: write it as &amp;" });
    const placeholder = `${m}${k}${m}`;
    parts.push(xml.slice(last, r.start), placeholder);
    outLen += r.start - last + placeholder.length;
    shift += r.end - r.start - placeholder.length;
    ends.push(outLen);
    shifts.push(shift);
    originals.push(raw);
    last = r.end;
  });
  parts.push(xml.slice(last));
  const placeholderRe = new RegExp(`^${m}(\\d+)${m}$`);
  return {
    text: parts.join(''),
    problems,
    original(offset: number): number {
      // the shift of the last placeholder that ends at or before the offset
      let lo = 0;
      let hi = ends.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (ends[mid]! <= offset) lo = mid + 1;
        else hi = mid;
      }
      return lo === 0 ? offset : offset + shifts[lo - 1]!;
    },
    restore(value: string): string {
      if (value.length > 24 || value.charCodeAt(0) !== marker) return value;
      const hit = placeholderRe.exec(value);
      return hit ? (originals[Number(hit[1])] ?? value) : value;
    },
  };
}

/** Just past the next `close` from `from` (the end of the text when there is none). */
function after(xml: string, close: string, from: number): number {
  const e = xml.indexOf(close, from);
  return e < 0 ? xml.length : e + close.length;
}

type XNode = Record<string | symbol, unknown>;

/**
 * Put the original runs back into a fast-xml-parser `preserveOrder` tree, and move its
 * start/end offsets to the original text. `decode` turns the five predefined and numeric
 * references into characters (for a parser that decodes entities itself).
 */
export function restoreLongRuns(nodes: unknown[], shrunk: ShrunkXml, meta: symbol, decode: boolean): void {
  const value = (s: string): string => {
    const r = shrunk.restore(s);
    if (r === s) return s;
    const lf = r.replace(/\r\n?/g, '\n');
    return decode ? decodeReferences(lf) : lf;
  };
  const stack: unknown[][] = [nodes];
  while (stack.length) {
    const list = stack.pop()!;
    for (const node of list as XNode[]) {
      if (!node || typeof node !== 'object') continue;
      const md = node[meta] as { startIndex?: number; endIndex?: number } | undefined;
      if (md) {
        if (md.startIndex !== undefined) md.startIndex = shrunk.original(md.startIndex);
        if (md.endIndex !== undefined) md.endIndex = shrunk.original(md.endIndex);
      }
      for (const key of Object.keys(node)) {
        const v = node[key];
        if (key === ':@' && v && typeof v === 'object') {
          const attrs = v as Record<string, unknown>;
          for (const a of Object.keys(attrs)) if (typeof attrs[a] === 'string') attrs[a] = value(attrs[a] as string);
        } else if (key === '#text' && typeof v === 'string') {
          node[key] = value(v);
        } else if (Array.isArray(v)) {
          stack.push(v);
        }
      }
    }
  }
}

function decodeReferences(s: string): string {
  if (s.indexOf('&') < 0) return s;
  return s.replace(/&(amp|lt|gt|quot|apos|#[0-9]+|#x[0-9A-Fa-f]+);/g, (_, ref: string) => {
    switch (ref) {
      case 'amp':
        return '&';
      case 'lt':
        return '<';
      case 'gt':
        return '>';
      case 'quot':
        return '"';
      case 'apos':
        return "'";
    }
    const code = ref[1] === 'x' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
    return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : '';
  });
}

/** Line/column in `text` → offset (for the validator's error positions). */
export function offsetOfLineColumn(text: string, line: number, column: number): number {
  let off = 0;
  for (let l = 1; l < line; l++) {
    const nl = text.indexOf('\n', off);
    if (nl < 0) break;
    off = nl + 1;
  }
  return off + column - 1;
}

/**
 * Offset of the first element nested more than `limit` deep, found without building a tree
 * (for a clear, located message when the parser gives up on depth).
 */
export function firstElementDeeperThan(xml: string, limit: number): number | undefined {
  const n = xml.length;
  let depth = 0;
  let i = 0;
  while (i < n) {
    const lt = xml.indexOf('<', i);
    if (lt < 0) return undefined;
    const skipped = afterNonTag(xml, lt);
    if (skipped !== undefined) {
      i = skipped;
      continue;
    }
    const j = tagEnd(xml, lt);
    if (xml.charCodeAt(lt + 1) === 47 /* / */) depth--;
    else if (xml.charCodeAt(j - 1) !== 47) {
      depth++;
      if (depth > limit) return lt;
    }
    i = j + 1;
  }
  return undefined;
}

/** Where scanning goes on after the comment, CDATA section, processing instruction or declaration at `lt`; undefined when `lt` opens a tag. */
function afterNonTag(xml: string, lt: number): number | undefined {
  if (xml.startsWith('<!--', lt)) return after(xml, '-->', lt + 4);
  if (xml.startsWith('<![CDATA[', lt)) return after(xml, ']]>', lt + 9);
  if (xml.startsWith('<?', lt)) return after(xml, '?>', lt + 2);
  if (xml.startsWith('<!', lt)) return after(xml, '>', lt + 2);
  return undefined;
}

/**
 * The end of the tag opened at `lt`: its '>', a stray '<' (malformed: left to the parser to
 * report) or the end of the text; quoted attribute values are stepped over, each handed to
 * `onValue` as [start, end) without its quotes.
 */
function tagEnd(xml: string, lt: number, onValue?: (start: number, end: number) => void): number {
  const n = xml.length;
  let j = lt + 1;
  while (j < n) {
    const c = xml.charCodeAt(j);
    if (c === 62 /* > */ || c === 60 /* < */) return j;
    if (c === 34 /* " */ || c === 39 /* ' */) {
      const q = xml.indexOf(c === 34 ? '"' : "'", j + 1);
      if (q < 0) return n;
      onValue?.(j + 1, q);
      j = q + 1;
      continue;
    }
    j++;
  }
  return n;
}
