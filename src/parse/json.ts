/**
 * A strict JSON parser that keeps the position of every member.
 *
 * JSON.parse alone silently keeps the last of duplicate keys, loses the position of
 * everything and throws on the first error with a character offset only. Suppliers need
 * `file:line:col` for each problem, so:
 * - well-formed JSON (nearly every payload) takes the fast path: JSON.parse builds the value
 *   natively, then one scan of the text guided by that value records where each member is
 *   and notices anything JSON.parse hides (a duplicate key, a number it would reformat, deep
 *   nesting); on any surprise it gives up and the full parser below runs instead;
 * - everything else goes through our own parser: one pass, every problem located, recovery
 *   where the HL7 validator recovers, depth capped and reported, `__proto__` kept as data.
 */
import type { ValidationIssue } from '../model/issue.js';
import { LocationIndex, lineColumnOf } from './locations.js';
import type { RuleId } from '../model/rules.js';

export interface JsonParseResult {
  /** The parsed value; undefined when the text is not JSON at all. */
  value: unknown;
  locations: LocationIndex;
  issues: ValidationIssue[];
}

export interface JsonParseOptions {
  /** Deepest nesting accepted (FHIR resources rarely go beyond 40). */
  maxDepth?: number;
}

class JsonSyntaxError extends Error {
  constructor(
    message: string,
    readonly offset: number,
    readonly ruleId: RuleId = 'json-syntax',
  ) {
    super(message);
  }
}

const DEFAULT_MAX_DEPTH = 500;

/** Property names seen lately, by a hash of their length and three characters (see parseKey). */
const KEY_CACHE_MASK = 1023;
const keyCache: (string | undefined)[] = new Array(KEY_CACHE_MASK + 1).fill(undefined);

export function parseJson(text: string, options: JsonParseOptions = {}): JsonParseResult {
  return parseWellFormed(text, options.maxDepth ?? DEFAULT_MAX_DEPTH) ?? parseJsonFully(text, options);
}

/**
 * The fast path: JSON.parse, then member positions from a scan of the text that follows the
 * parsed value. Undefined when the text is not plain well-formed JSON (the full parser then
 * reports what is wrong), has a duplicate key, a key JSON.parse reorders (integer-like names),
 * an escaped key, or nests deeper than allowed.
 */
export function parseWellFormed(text: string, maxDepth = DEFAULT_MAX_DEPTH): JsonParseResult | undefined {
  const start = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let value: unknown;
  try {
    value = JSON.parse(start ? text.slice(start) : text);
  } catch {
    return undefined;
  }
  const locations = new LocationIndex(text);
  const len = text.length;
  let pos = start;

  const skipWs = (): void => {
    while (pos < len) {
      const c = text.charCodeAt(pos);
      if (c === 32 || c === 10 || c === 13 || c === 9) pos++;
      else return;
    }
  };
  // pos at the opening quote; the text is valid JSON, so the closing quote is the first one
  // not escaped (preceded by an even number of backslashes)
  const skipString = (): void => {
    let from = pos + 1;
    for (;;) {
      const q = text.indexOf('"', from);
      let b = q - 1;
      while (text.charCodeAt(b) === 92) b--;
      if (((q - 1 - b) & 1) === 0) {
        pos = q + 1;
        return;
      }
      from = q + 1;
    }
  };

  /** Follow `v` through the text from pos; false at the first thing the full parser must see to. */
  const follow = (v: unknown, parent: object, key: string | number, depth: number): boolean => {
    const c = text.charCodeAt(pos);
    if (c === 123) {
      if (depth >= maxDepth || v === null || typeof v !== 'object' || Array.isArray(v)) return false;
      const obj = v as Record<string, unknown>;
      // for-in, not Object.keys: JSON.parse's objects have no inherited enumerable names, and
      // walking V8's enumeration cache makes no array per object
      let n = 0;
      for (const k in obj) if (Object.prototype.hasOwnProperty.call(obj, k)) n++;
      const offsets: (string | number)[] = new Array(n * 2);
      pos++;
      let i = 0;
      for (const k in obj) {
        if (!Object.prototype.hasOwnProperty.call(obj, k)) continue;
        skipWs();
        if (i > 0) {
          if (text.charCodeAt(pos) !== 44) return false;
          pos++;
          skipWs();
        }
        // the name as written must be exactly this key, unescaped (else: duplicate, reordered or escaped)
        if (text.charCodeAt(pos) !== 34 || text.charCodeAt(pos + 1 + k.length) !== 34 || !text.startsWith(k, pos + 1)) return false;
        offsets[i * 2] = k;
        offsets[i * 2 + 1] = pos;
        i++;
        pos += k.length + 2;
        skipWs();
        pos++; // the colon
        skipWs();
        if (!follow(obj[k], obj, k, depth + 1)) return false;
      }
      skipWs();
      if (text.charCodeAt(pos) !== 125) return false; // more members than keys: a duplicate
      pos++;
      locations.trackMembers(obj, offsets);
      return true;
    }
    if (c === 91) {
      if (depth >= maxDepth || !Array.isArray(v)) return false;
      const offsets: number[] = new Array(v.length);
      pos++;
      for (let i = 0; i < v.length; i++) {
        skipWs();
        if (i > 0) {
          pos++; // the comma
          skipWs();
        }
        offsets[i] = pos;
        if (!follow(v[i], v, i, depth + 1)) return false;
      }
      skipWs();
      pos++; // the closing bracket
      locations.trackMembers(v, offsets);
      return true;
    }
    if (c === 34) {
      skipString();
      return true;
    }
    if (c === 116 || c === 110) {
      pos += 4;
      return true;
    }
    if (c === 102) {
      pos += 5;
      return true;
    }
    // a number: keep its text when JavaScript would write it differently (1.50, 1e2, -0, 2^53+)
    const from = pos;
    let plain = c !== 45;
    while (pos < len) {
      const d = text.charCodeAt(pos);
      if (d >= 48 && d <= 57) pos++;
      else if (d === 45 || d === 43 || d === 46 || d === 101 || d === 69) {
        plain = false;
        pos++;
      } else break;
    }
    if (!plain || pos - from > 15) {
      const raw = text.slice(from, pos);
      if (String(v) !== raw) locations.setRawNumber(parent, key, raw);
    }
    return true;
  };

  skipWs();
  locations.rootOffset = pos;
  return follow(value, { root: undefined }, 'root', 0) ? { value, locations, issues: [] } : undefined;
}

/** The full parser: every problem reported and located, recovering where it can. */
export function parseJsonFully(text: string, options: JsonParseOptions = {}): JsonParseResult {
  const maxDepth = options.maxDepth ?? DEFAULT_MAX_DEPTH;
  const locations = new LocationIndex(text);
  const issues: ValidationIssue[] = [];
  let pos = 0;
  const len = text.length;
  // where the parser is, for locating problems the way FHIRPath does (Patient.name[0])
  const path: (string | number)[] = [];
  let rootType: string | undefined;
  let pendingComment: number | undefined;

  const expression = (extra?: string): string => {
    let e = rootType ?? '';
    for (const seg of path) e += typeof seg === 'number' ? `[${seg}]` : e ? `.${seg}` : seg;
    if (extra) e += e ? `.${extra}` : extra;
    return e;
  };

  /** A problem the parser can step over: report it (located) and carry on, as the HL7 validator does. */
  const recoverable = (message: string, offset: number, where?: string): void => {
    const lc = locations.lineColumn(offset);
    issues.push({
      severity: 'error',
      code: 'structure',
      message,
      expression: where ?? (expression() || undefined),
      line: lc.line,
      column: lc.column,
      ruleId: 'json-syntax',
    });
  };

  const fail = (message: string, offset = pos, ruleId?: RuleId): never => {
    throw new JsonSyntaxError(message, offset, ruleId);
  };

  const skipWs = (): void => {
    while (pos < len) {
      const c = text.charCodeAt(pos);
      if (c === 32 || c === 10 || c === 13 || c === 9) pos++;
      else if (c === 47 /* / */ && (text.charCodeAt(pos + 1) === 47 || text.charCodeAt(pos + 1) === 42)) {
        // comments are not JSON: note it (reported with the property that follows) and skip it
        pendingComment ??= pos;
        if (text.charCodeAt(pos + 1) === 47) {
          while (pos < len && text.charCodeAt(pos) !== 10) pos++;
        } else {
          const end = text.indexOf('*/', pos + 2);
          if (end < 0) fail('Unterminated /* comment');
          pos = end + 2;
        }
      } else break;
    }
  };

  const flushComment = (key?: string): void => {
    if (pendingComment === undefined) return;
    recoverable('Comments are not allowed in JSON: remove them (FHIR JSON is strict JSON)', pendingComment, expression(key) || undefined);
    pendingComment = undefined;
  };

  const describe = (offset: number): string => {
    if (offset >= len) return 'the end of the file';
    const ch = text[offset]!;
    return JSON.stringify(ch);
  };

  const parseString = (): string => {
    // pos is at the opening quote
    const start = ++pos;
    // fast path: no escapes
    while (pos < len) {
      const c = text.charCodeAt(pos);
      if (c === 34) {
        const s = text.slice(start, pos);
        pos++;
        return s;
      }
      if (c === 92) break;
      if (c < 32) fail('Control character in string (escape it, e.g. \\n)');
      pos++;
    }
    let out = text.slice(start, pos);
    while (pos < len) {
      const c = text.charCodeAt(pos);
      if (c === 34) {
        pos++;
        return out;
      }
      if (c < 32) fail('Control character in string (escape it, e.g. \\n)');
      if (c === 92) {
        const e = text.charCodeAt(pos + 1);
        switch (e) {
          case 34:
            out += '"';
            break;
          case 92:
            out += '\\';
            break;
          case 47:
            out += '/';
            break;
          case 98:
            out += '\b';
            break;
          case 102:
            out += '\f';
            break;
          case 110:
            out += '\n';
            break;
          case 114:
            out += '\r';
            break;
          case 116:
            out += '\t';
            break;
          case 117: {
            const hex = text.slice(pos + 2, pos + 6);
            if (!/^[0-9a-fA-F]{4}$/.test(hex)) fail('Invalid \\u escape in string', pos);
            out += String.fromCharCode(parseInt(hex, 16));
            pos += 4;
            break;
          }
          default:
            fail(`Invalid escape sequence \\${text[pos + 1] ?? ''} in string`, pos);
        }
        pos += 2;
        continue;
      }
      // copy a run of ordinary characters
      const runStart = pos;
      while (pos < len) {
        const d = text.charCodeAt(pos);
        if (d === 34 || d === 92 || d < 32) break;
        pos++;
      }
      out += text.slice(runStart, pos);
    }
    return fail('Unterminated string', start - 1);
  };

  /**
   * A property name. FHIR JSON repeats a few hundred names (system, code, reference...): a small
   * cache hands back the same string for each, so no new string is cut per member and every
   * property store meets a name V8 has already internalised.
   */
  const parseKey = (): string => {
    const start = pos + 1;
    let end = start;
    while (end < len) {
      const c = text.charCodeAt(end);
      if (c === 34) break;
      if (c === 92 || c < 32) return parseString();
      end++;
    }
    if (end >= len) return parseString();
    const n = end - start;
    const h = (n * 31 + text.charCodeAt(start) * 7 + text.charCodeAt(end - 1) * 3 + text.charCodeAt(start + (n >> 1))) & KEY_CACHE_MASK;
    const hit = keyCache[h];
    pos = end + 1;
    if (hit !== undefined && hit.length === n && text.startsWith(hit, start)) return hit;
    const key = text.slice(start, end);
    keyCache[h] = key;
    return key;
  };

  const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
  // an unquoted value runs to the next separator or line end (at most 1000 characters)
  const UNQUOTED = /[^,}\]\r\n"]{1,1000}/y;

  const parseNumber = (parent: object, key: string | number): number => {
    NUMBER.lastIndex = pos;
    const m = NUMBER.exec(text);
    if (!m || m[0].length === 0 || m[0] === '-') fail(`Unexpected ${describe(pos)}: expected a value`);
    const raw = m![0];
    pos += raw.length;
    const n = Number(raw);
    if (String(n) !== raw) locations.setRawNumber(parent, key, raw);
    return n;
  };

  const literal = (word: string, value: unknown): unknown => {
    if (text.startsWith(word, pos) && !/[A-Za-z0-9_$]/.test(text[pos + word.length] ?? '')) {
      pos += word.length;
      return value;
    }
    return unquotedValue();
  };

  const setProp = (obj: Record<string, unknown>, key: string, value: unknown): void => {
    if (key === '__proto__') {
      // keep it as plain data; never let input reach the prototype chain
      Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
    } else {
      obj[key] = value;
    }
  };

  /**
   * A container is complete: keep where its members are. The list is copied to its exact size,
   * since a list grown by push keeps room for 17 or more entries, and one such list per object
   * made the positions of a 50 MB Bundle cost more memory than the Bundle.
   */
  const closed = <T extends object>(container: T, offsets: (string | number)[]): T => {
    locations.trackMembers(container, offsets.slice());
    return container;
  };

  const parseValue = (parent: object, key: string | number, depth: number): unknown => {
    const c = text.charCodeAt(pos);
    switch (c) {
      case 123:
        return parseObject(depth + 1);
      case 91:
        return parseArray(depth + 1);
      case 34:
        return parseString();
      case 116:
        return literal('true', true);
      case 102:
        return literal('false', false);
      case 110:
        return literal('null', null);
      default:
        if (c === 45 || (c >= 48 && c <= 57)) return parseNumber(parent, key);
        if (pos >= len) return fail('Unexpected end of file: expected a value');
        return unquotedValue();
    }
  };

  /**
   * A value without quotes (`"family": Smith`): as with an unquoted name, report it, take its
   * text up to the next ",", "}", "]" or line end as a string, and go on, so one slip does not
   * hide every later finding. Anything else that cannot start a value still ends the parse.
   */
  const unquotedValue = (): string => {
    const start = pos;
    UNQUOTED.lastIndex = pos;
    const m = UNQUOTED.exec(text);
    const raw = m ? m[0].trimEnd() : '';
    if (!/^[A-Za-z_$]/.test(raw)) return fail(`Unexpected ${describe(pos)}: expected a value (string, number, object, array, true, false or null)`);
    pos = start + raw.length;
    recoverable(`The JSON value ${raw} has no quotes around it: write "${raw.replace(/["\\]/g, '\\$&')}" (or true, false, null or a number, if that was meant)`, start);
    return raw;
  };

  const parseObject = (depth: number): Record<string, unknown> => {
    if (depth > maxDepth) fail(`JSON is nested more than ${maxDepth} levels deep: no FHIR resource needs that; flatten the content`, pos, 'json-depth');
    const obj: Record<string, unknown> = {};
    pos++;
    skipWs();
    if (text.charCodeAt(pos) === 125) {
      pos++;
      return obj;
    }
    const offsets: (string | number)[] = [];
    let seen: Set<string> | undefined;
    let count = 0;
    for (;;) {
      const keyOffset = pos;
      let key: string;
      if (text.charCodeAt(pos) === 34) key = parseKey();
      else {
        // an unquoted property name: report it, read it, go on
        const m = /^[A-Za-z_$][A-Za-z0-9_$]*/.exec(text.slice(pos, pos + 200));
        if (!m) {
          fail(
            pos >= len
              ? 'Unexpected end of file inside an object: a "}" is missing'
              : `Unexpected ${describe(pos)}: expected a property name in double quotes`,
          );
        }
        key = m![0];
        pos += key.length;
        recoverable(`The JSON property '${key}' has no quotes around its name: write "${key}"`, keyOffset);
      }
      flushComment(key);
      // duplicates: a small object is checked with hasOwnProperty, a big one with a set
      if (count > 16 && !seen) seen = new Set(Object.keys(obj));
      const dup = seen ? seen.has(key) : Object.prototype.hasOwnProperty.call(obj, key);
      if (dup) {
        const lc = locations.lineColumn(keyOffset);
        issues.push({
          severity: 'error',
          code: 'structure',
          message: `Duplicate JSON property "${key}": only one is allowed (the later one was used)`,
          line: lc.line,
          column: lc.column,
          ruleId: 'json-duplicate-key',
        });
      }
      seen?.add(key);
      count++;
      skipWs();
      if (text.charCodeAt(pos) !== 58) fail(`Unexpected ${describe(pos)}: expected ":" after property name "${key}"`);
      pos++;
      skipWs();
      offsets.push(key, keyOffset);
      path.push(key);
      const value = parseValue(obj, key, depth);
      path.pop();
      setProp(obj, key, value);
      if (depth === 1 && path.length === 0 && key === 'resourceType' && typeof value === 'string') rootType = value;
      skipWs();
      const c = text.charCodeAt(pos);
      if (c === 44) {
        const comma = pos++;
        skipWs();
        if (text.charCodeAt(pos) === 125) {
          recoverable('Trailing comma before "}" is not allowed in JSON: remove it', comma);
          pos++;
          if (path.length === 0) flushComment();
          return closed(obj, offsets);
        }
        continue;
      }
      if (c === 125) {
        pos++;
        // a comment before a closing brace goes with the next property read, wherever it is (as
        // the HL7 validator locates it); the root's closing brace takes any left over
        if (path.length === 0) flushComment();
        return closed(obj, offsets);
      }
      if (c === 34) {
        recoverable(`A comma is missing in the JSON after the value of "${key}"`, pos);
        continue;
      }
      fail(
        pos >= len
          ? 'Unexpected end of file inside an object: a "}" is missing'
          : `Unexpected ${describe(pos)}: expected "," or "}" after the value of "${key}"`,
      );
    }
  };

  const parseArray = (depth: number): unknown[] => {
    if (depth > maxDepth) fail(`JSON is nested more than ${maxDepth} levels deep: no FHIR resource needs that; flatten the content`, pos, 'json-depth');
    const arr: unknown[] = [];
    pos++;
    skipWs();
    if (text.charCodeAt(pos) === 93) {
      pos++;
      return arr;
    }
    const offsets: number[] = [];
    for (;;) {
      const i = arr.length;
      offsets.push(pos);
      path.push(i);
      arr.push(parseValue(arr, i, depth));
      path.pop();
      skipWs();
      const c = text.charCodeAt(pos);
      if (c === 44) {
        const comma = pos++;
        skipWs();
        if (text.charCodeAt(pos) === 93) {
          recoverable('Trailing comma before "]" is not allowed in JSON: remove it', comma);
          pos++;
          return closed(arr, offsets);
        }
        continue;
      }
      if (c === 93) {
        pos++;
        return closed(arr, offsets);
      }
      if (c === 34 || c === 123 || c === 91 || c === 45 || (c >= 48 && c <= 57) || c === 116 || c === 102 || c === 110) {
        recoverable('A comma is missing in the JSON between two items of an array', pos);
        continue;
      }
      fail(
        pos >= len
          ? 'Unexpected end of file inside an array: a "]" is missing'
          : `Unexpected ${describe(pos)}: expected "," or "]" in an array`,
      );
    }
  };

  let value: unknown;
  try {
    if (text.charCodeAt(0) === 0xfeff) pos = 1;
    skipWs();
    locations.rootOffset = pos;
    if (pos >= len) fail('The file is empty: expected a JSON object');
    const holder = { root: undefined as unknown };
    value = parseValue(holder, 'root', 0);
    skipWs();
    flushComment();
    if (pos < len) fail(`Unexpected ${describe(pos)} after the end of the JSON value`);
    // a slip in the root object before "resourceType" was read (an unquoted "resourceType" itself)
    // belongs to the resource, as every later one at that level does
    if (rootType) for (const i of issues) if (i.severity === 'error' && i.ruleId === 'json-syntax' && i.expression === undefined) i.expression = rootType;
  } catch (e) {
    if (!(e instanceof JsonSyntaxError)) throw e;
    const lc = lineColumnOf(text, e.offset);
    // the file does not parse, so there is no element to point at: the line and column locate
    // it (as in the HL7 validator); where the parser was is told in the message
    // deep nesting makes the path as long as the file: keep its two ends
    let near = expression();
    if (near.length > 200) near = `${near.slice(0, 80)} … ${near.slice(-80)}`;
    issues.push({
      severity: 'fatal',
      code: 'structure',
      message: `Invalid JSON: ${e.message}${near ? ` (in ${near})` : ''}`,
      line: lc.line,
      column: lc.column,
      ruleId: e.ruleId,
    });
    value = undefined;
  }
  return { value, locations, issues };
}
