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
  /** parent object/array → member key (property name or array index) → offset in the text. */
  private readonly members = new WeakMap<object, Map<string | number, number>>();
  /** parent → key → original number text, kept where JSON numbers would lose precision (1.50, 1e2). */
  private readonly numbers = new WeakMap<object, Map<string | number, string>>();
  private lineStarts: number[] | undefined;

  constructor(
    readonly text: string,
    /** Offset of the root value. */
    public rootOffset = 0,
  ) {}

  setMember(parent: object, key: string | number, offset: number): void {
    let m = this.members.get(parent);
    if (!m) {
      m = new Map();
      this.members.set(parent, m);
    }
    m.set(key, offset);
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
    return this.members.get(parent)?.get(key);
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
      for (let i = 0; i < t.length; i++) {
        if (t.charCodeAt(i) === 10) starts.push(i + 1);
      }
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
