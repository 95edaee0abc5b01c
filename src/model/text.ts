/** At most `n` characters: a longer text is cut and ends with an ellipsis. */
export function truncate(s: string, n: number): string {
  return s.length > n ? s.slice(0, n - 1) + '…' : s;
}

/**
 * Characters from data that must not reach a terminal or a log as they are: C0 and C1 control
 * characters (ESC and CSI start terminal escape sequences, BEL rings, CR rewrites the line),
 * DEL, the Unicode line and paragraph separators, and the bidirectional overrides that make
 * text read differently from what it is ("Trojan Source").
 */
const UNSAFE_INLINE = /[\u0000-\u0008\u000A-\u001F\u007F-\u009F\u2028\u2029\u202A-\u202E\u2066-\u2069]/g;
/** The same, but line feeds and tabs kept (for formats where a value may span lines); CR is shown. */
const UNSAFE_BLOCK = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u2028\u2029\u202A-\u202E\u2066-\u2069]/g;

const visible = (c: string): string => {
  if (c === '\n') return '\\n';
  if (c === '\r') return '\\r';
  const code = c.charCodeAt(0);
  // C0 as \xHH (short); the rest as \uHHHH, which is also a valid escape inside a JSON string
  return code < 0x20 ? `\\x${code.toString(16).padStart(2, '0').toUpperCase()}` : `\\u${code.toString(16).padStart(4, '0').toUpperCase()}`;
};

/** A value from data, on one line, with every unsafe character written as a visible escape (`\n`, `\x1B`, `\u202E`). */
export function oneLine(s: unknown): string {
  return String(s ?? '').replace(UNSAFE_INLINE, visible);
}

/** A value from data that may span lines: line breaks and tabs kept, other unsafe characters made visible. */
export function safeBlock(s: unknown): string {
  return String(s ?? '').replace(UNSAFE_BLOCK, visible);
}

/**
 * GitHub Actions (and Azure Pipelines) read a log line starting with `::` (or `##[`/`##vso[`)
 * as a command to the runner. Output that puts data at the start of a line passes through
 * this: such a line gets a leading space's worth of harmless text so that it is shown, not run.
 */
export function neutraliseRunnerCommands(text: string): string {
  return text.replace(/^(\s*)(::|##\[|##vso\[)/gm, (_m, ws: string, cmd: string) => `${ws}${cmd[0]}\u200B${cmd.slice(1)}`);
}

/** Levenshtein distance between two strings, or `cap` as soon as it is sure to be at least that (near-miss suggestions). */
export function editDistance(a: string, b: string, cap: number): number {
  if (Math.abs(a.length - b.length) >= cap) return cap;
  const prev = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    let rowMin = prev[0];
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j]!;
      prev[j] = Math.min(prev[j]! + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
      if (prev[j]! < rowMin) rowMin = prev[j]!;
    }
    if (rowMin >= cap) return cap;
  }
  return prev[b.length]!;
}
