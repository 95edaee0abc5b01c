/**
 * Turning `bars validate` arguments (files, folders, globs) into the list of files to check.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { glob } from 'glob';

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

const SKIP = new Set(['node_modules', '.git', 'dist', 'fsh-generated']);

/** Files a folder walk validates. *.request.json are HTTP requests as JSON ({method, url, headers, body}), for --request. */
function isResourceFile(n: string): boolean {
  return /\.(json|xml)$/i.test(n) && n !== 'package.json' && n !== 'package-lock.json' && !n.endsWith('.schema.json') && !n.endsWith('.request.json');
}

function walk(dir: string, out: string[]): void {
  let names: string[];
  try {
    names = readdirSync(dir).sort();
  } catch (e) {
    throw new UsageError(`Cannot read folder ${dir}: ${(e as Error).message}`);
  }
  for (const n of names) {
    if (n.startsWith('.')) continue;
    const p = join(dir, n);
    let st;
    try {
      st = statSync(p);
    } catch {
      continue;
    }
    if (st.isDirectory()) {
      if (!SKIP.has(n)) walk(p, out);
    } else if (isResourceFile(n)) out.push(p);
  }
}

export async function expandInputs(args: string[]): Promise<string[]> {
  const out: string[] = [];
  for (const a of args) {
    let st;
    try {
      st = statSync(a);
    } catch {
      st = undefined;
    }
    if (st?.isDirectory()) walk(a, out);
    else if (st?.isFile()) out.push(a);
    else if (/[*?[{]/.test(a)) {
      const matches = (await glob(a, { nodir: true })).sort();
      if (matches.length === 0) throw new UsageError(`No file matches ${a}`);
      out.push(...matches.filter((m) => /\.(json|xml)$/i.test(m)));
    } else {
      throw new UsageError(`No such file or folder: ${a}`);
    }
  }
  return [...new Set(out)];
}
