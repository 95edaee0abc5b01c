/**
 * Regular expressions written by someone else (FHIRPath `matches()`/`replaceMatches()` in a
 * profile, the Questionnaire `regex` extension, a ValueSet `regex` filter) run on RE2's
 * linear-time engine (re2js, pure JavaScript): JavaScript's backtracking engine takes seconds
 * to years on patterns such as `(a+)+$`, so a hostile profile could stall a validation run.
 *
 * FHIR's patterns are written in the common Perl/Java/XML Schema dialect. RE2 reads nearly all
 * of it; the few spellings it lacks are mapped here (`\uXXXX`, XML Schema's `\i` and `\c`).
 * What RE2 cannot run at all (backreferences, lookaround, possessive quantifiers) gives an
 * `UnsupportedRegex` with a message saying so, for the caller to report.
 */
import { createRequire } from 'node:module';
import type { RE2JS as RE2JSClass } from 're2js';

// re2js (~260 kB) is loaded on the first pattern: most runs compile none (the Action bundle
// turns this require into a bundled one: scripts/build-action.ts)
const require = createRequire(import.meta.url);
let re2: typeof RE2JSClass | undefined;
const engine = (): typeof RE2JSClass => (re2 ??= (require('re2js') as typeof import('re2js')).RE2JS);

export interface SafeRegex {
  /** The pattern matches somewhere in `s`. */
  find(s: string): boolean;
  /** The pattern matches the whole of `s`. */
  matchesWhole(s: string): boolean;
  /** Every match replaced (`$1`… name groups, as in FHIRPath and JavaScript). */
  replaceAll(s: string, replacement: string): string;
}

export class UnsupportedRegex extends Error {
  constructor(
    readonly pattern: string,
    why: string,
  ) {
    super(`The regular expression ${JSON.stringify(pattern.length > 120 ? pattern.slice(0, 119) + '…' : pattern)} cannot be used: ${why}`);
    this.name = 'UnsupportedRegex';
  }
}

// XML Schema's name-start and name characters (\i, \c), as classes RE2 reads
const XML_NAME_START = 'A-Z_a-z:\\x{C0}-\\x{D6}\\x{D8}-\\x{F6}\\x{F8}-\\x{2FF}\\x{370}-\\x{37D}\\x{37F}-\\x{1FFF}\\x{200C}-\\x{200D}\\x{2070}-\\x{218F}\\x{2C00}-\\x{2FEF}\\x{3001}-\\x{D7FF}\\x{F900}-\\x{FDCF}\\x{FDF0}-\\x{FFFD}';
const XML_NAME = `${XML_NAME_START}\\-.0-9\\x{B7}\\x{300}-\\x{36F}\\x{203F}-\\x{2040}`;

/** FHIR's dialect onto RE2's: a single left-to-right pass that leaves everything else as written. */
export function toRe2Syntax(pattern: string): string {
  let out = '';
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!;
    if (ch === '\\' && i + 1 < pattern.length) {
      const next = pattern[i + 1]!;
      const hex = /^u([0-9A-Fa-f]{4})/.exec(pattern.slice(i + 1, i + 6));
      if (hex) {
        out += `\\x{${hex[1]}}`;
        i += 5;
        continue;
      }
      if (next === 'i' || next === 'c') {
        const set = next === 'i' ? XML_NAME_START : XML_NAME;
        out += inClass ? set : `[${set}]`;
        i++;
        continue;
      }
      out += ch + next;
      i++;
      continue;
    }
    if (ch === '[' && !inClass) inClass = true;
    else if (ch === ']' && inClass && !out.endsWith('[') && !out.endsWith('[^')) inClass = false;
    out += ch;
  }
  return out;
}

function why(e: unknown): string {
  const m = (e as Error)?.message ?? String(e);
  if (/invalid escape sequence: `\\[1-9]/.test(m)) return 'backreferences (\\1…) are not supported (patterns run on a linear-time engine)';
  if (/\(\?[=!<]/.test(m)) return 'lookahead and lookbehind are not supported (patterns run on a linear-time engine)';
  if (/invalid nested repetition|bad repetition operator: `[*+?]\+`/.test(m)) return 'possessive quantifiers are not supported (patterns run on a linear-time engine)';
  return m.replace(/^error parsing regexp: /, 'it is not a valid regular expression: ');
}

const cache = new Map<string, SafeRegex | UnsupportedRegex>();

/**
 * A pattern ready to run, or an `UnsupportedRegex` explaining why it cannot be. `dotAll`: `.`
 * also matches line breaks (FHIRPath's single-line mode); `ignoreCase` and `multiline` are
 * FHIRPath's `i` and `m` flags.
 */
export function compileRegex(pattern: string, opts: { dotAll?: boolean; ignoreCase?: boolean; multiline?: boolean } = {}): SafeRegex | UnsupportedRegex {
  const RE2JS = engine();
  const flags = (opts.dotAll ? RE2JS.DOTALL : 0) | (opts.ignoreCase ? RE2JS.CASE_INSENSITIVE : 0) | (opts.multiline ? RE2JS.MULTILINE : 0);
  const key = `${flags}:${pattern}`;
  const hit = cache.get(key);
  if (hit) return hit;
  let made: SafeRegex | UnsupportedRegex;
  try {
    const re = RE2JS.compile(toRe2Syntax(pattern), flags);
    made = {
      find: (s) => re.test(s),
      matchesWhole: (s) => re.matches(s),
      replaceAll: (s, replacement) => re.matcher(s).replaceAll(replacement),
    };
  } catch (e) {
    made = new UnsupportedRegex(pattern, why(e));
  }
  if (cache.size > 1000) cache.clear();
  cache.set(key, made);
  return made;
}
