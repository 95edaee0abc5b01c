/**
 * Where each part of a parsed instance came from in its source text.
 *
 * The instance itself stays a plain JSON value (what FHIRPath engines and users expect);
 * positions live beside it, keyed by the parent object or array, so that a valid payload
 * pays for nothing but a few map entries and a location is only turned into line/column
 * when an issue needs one.
 */
export interface LineColumn {
  line: number;
  column: number;
}

export class LocationIndex {
  /**
   * parent → where its members start in the text: for an array, the offset of each item by
   * index; for an object, flat [key, offset, key, offset...] pairs (a later pair for the same
   * key wins). One small array per container: no map per object, searched only to report.
   * A Map rather than a WeakMap: the index lives exactly as long as the parsed value, and
   * millions of weak keys (a 50 MB Bundle) made insertion and garbage collection several
   * seconds slower.
   */
  private readonly members = new Map<object, (string | number)[]>();
  /** parent → key → original number text, kept where JSON numbers would lose precision (1.50, 1e2). */
  private readonly numbers = new WeakMap<object, Map<string | number, string>>();
  private readonly big = new WeakMap<object, Map<string, number>>();
  private lineStarts: number[] | undefined;

  constructor(
    readonly text: string,
    /** Offset of the root value. */
    public rootOffset = 0,
  ) {}

  setMember(parent: object, key: string | number, offset: number): void {
    let m = this.members.get(parent);
    if (!m) {
      m = [];
      this.members.set(parent, m);
    }
    if (Array.isArray(parent)) m[key as number] = offset;
    else {
      m.push(key, offset);
      this.big.get(parent)?.set(key as string, offset);
    }
  }

  /**
   * Hand over the member list of a finished container: item offsets by index for an array,
   * [key, offset] pairs for an object (see `members`).
   */
  trackMembers(parent: object, list: (string | number)[]): void {
    this.members.set(parent, list);
  }

  setRawNumber(parent: object, key: string | number, raw: string): void {
    let m = this.numbers.get(parent);
    if (!m) {
      m = new Map();
      this.numbers.set(parent, m);
    }
    m.set(key, raw);
  }

  /** Offset of `parent[key]`, or undefined when unknown (e.g. a value built in code). */
  offsetOf(parent: object, key: string | number): number | undefined {
    const m = this.members.get(parent);
    if (!m) return undefined;
    if (Array.isArray(parent)) return typeof key === 'number' ? (m[key] as number | undefined) : undefined;
    if (m.length > 64) return this.bigObject(parent, m).get(key as string);
    for (let i = m.length - 2; i >= 0; i -= 2) if (m[i] === key) return m[i + 1] as number;
    return undefined;
  }

  /** An object with many members gets a map on its first lookup (a scan per lookup is quadratic when each member has an issue). */
  private bigObject(parent: object, m: (string | number)[]): Map<string, number> {
    let map = this.big.get(parent);
    if (!map) {
      map = new Map();
      // a later pair for the same key wins
      for (let i = 0; i < m.length; i += 2) map.set(m[i] as string, m[i + 1] as number);
      this.big.set(parent, map);
    }
    return map;
  }

  /** The number as written in the source, when it differs from JavaScript's rendering. */
  rawNumber(parent: object, key: string | number): string | undefined {
    return this.numbers.get(parent)?.get(key);
  }

  /** Line/column (1-based) of `parent[key]`, falling back to the parent's own position. */
  positionOf(parent: object, key: string | number): LineColumn | undefined {
    const off = this.offsetOf(parent, key);
    return off === undefined ? undefined : this.lineColumn(off);
  }

  lineColumn(offset: number): LineColumn {
    const starts = this.getLineStarts();
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - starts[lo]! + 1 };
  }

  private getLineStarts(): number[] {
    if (!this.lineStarts) {
      const starts = [0];
      const t = this.text;
      for (let i = t.indexOf('\n'); i >= 0; i = t.indexOf('\n', i + 1)) starts.push(i + 1);
      this.lineStarts = starts;
    }
    return this.lineStarts;
  }
}

/** Line/column of an offset in a text, for parsers that fail before building an index. */
export function lineColumnOf(text: string, offset: number): LineColumn {
  let line = 1;
  let last = -1;
  const end = Math.min(offset, text.length);
  for (let i = 0; i < end; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      last = i;
    }
  }
  return { line, column: end - last };
}
