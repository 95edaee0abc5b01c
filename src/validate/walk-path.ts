/**
 * The walk path of a value (Loc): where the validator's walk is in an instance, built as a cheap
 * chain while walking and turned into a FHIRPath string, and through the parser's source
 * positions (parse/locations.ts) into a line/column, only when an issue needs them.
 */
import type { LineColumn, LocationIndex } from '../parse/locations.js';

export class Loc {
  private cached: string | undefined;

  constructor(
    readonly parent: Loc | undefined,
    /** Segment name (JSON member name, or the resource type at the root). */
    readonly name: string,
    /** Index in a repeating element, or -1. */
    readonly index: number,
    /** The object/array holding this value and its key there (for line/column). */
    readonly container: object | undefined,
    readonly key: string | number | undefined,
  ) {}

  static root(resourceType: string): Loc {
    return new Loc(undefined, resourceType, -1, undefined, undefined);
  }

  child(name: string, container: object, key: string | number, index = -1): Loc {
    return new Loc(this, name, index, container, key);
  }

  /** FHIRPath of the value, e.g. `Bundle.entry[2].resource.subject.reference`. */
  toString(): string {
    if (this.cached !== undefined) return this.cached;
    const seg = this.index >= 0 ? `${this.name}[${this.index}]` : this.name;
    this.cached = this.parent ? `${this.parent.toString()}.${seg}` : seg;
    return this.cached;
  }

  position(locations: LocationIndex | undefined): LineColumn | undefined {
    if (!locations) return undefined;
    for (let l: Loc | undefined = this; l; l = l.parent) {
      if (l.container !== undefined && l.key !== undefined) {
        const p = locations.positionOf(l.container, l.key);
        if (p) return p;
      }
    }
    return locations.lineColumn(locations.rootOffset);
  }
}

/** A location below `loc` given as keys and indexes from `root` (e.g. ['item', 0, 'answer', 1]). */
export function locAt(loc: Loc, root: unknown, path: (string | number)[]): Loc {
  let cur: unknown = root;
  let l = loc;
  for (let i = 0; i < path.length; i++) {
    const k = path[i]!;
    if (cur === null || typeof cur !== 'object') break;
    const next = (cur as Record<string | number, unknown>)[k];
    if (typeof k === 'string' && Array.isArray(next) && typeof path[i + 1] === 'number') {
      const idx = path[i + 1] as number;
      l = l.child(k, next, idx, idx);
      cur = next[idx];
      i++;
    } else {
      l = l.child(String(k), cur as object, k);
      cur = next;
    }
  }
  return l;
}
