/**
 * Turning `bars validate` arguments (files, folders, globs) into the list of files to check.
 */
import { statSync } from 'node:fs';
import { walkFolder } from '../model/folder-walk.js';

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

const SKIP = new Set(['node_modules', '.git', 'dist', 'fsh-generated']);

/** Files a folder walk validates. *.request.json are HTTP requests as JSON ({method, url, headers, body}), for --request. */
function isResourceFile(n: string): boolean {
  return /\.(json|xml|ndjson)$/i.test(n) && n !== 'package.json' && n !== 'package-lock.json' && !n.endsWith('.schema.json') && !n.endsWith('.request.json');
}

export interface ExpandedInputs {
  files: string[];
  /** Links inside the given folders that were not followed, because they lead out of them. */
  linksOutside: string[];
}

/**
 * Files to validate from the arguments. Folder walks see each file once (links looping back
 * are not walked again) and, unless `followSymlinks`, leave out links that lead outside the
 * folder given.
 */
export async function expandInputs(args: string[], opts: { followSymlinks?: boolean } = {}): Promise<ExpandedInputs> {
  const out: string[] = [];
  const linksOutside: string[] = [];
  const walk = (dir: string): void => {
    const w = walkFolder(dir, { followSymlinks: opts.followSymlinks, skipDirs: SKIP, include: isResourceFile });
    if (w.unreadable.includes(dir)) throw new UsageError(`Cannot read folder ${dir}`);
    out.push(...w.files.map((f) => f.path));
    linksOutside.push(...w.linksOutside);
  };
  for (const a of args) {
    let st;
    try {
      st = statSync(a);
    } catch {
      st = undefined;
    }
    if (st?.isDirectory()) walk(a);
    else if (st?.isFile()) out.push(a);
    else if (/[*?[{]/.test(a)) {
      // loaded here: glob and minimatch are ~200 kB of code that a run on named files or folders never uses
      const { glob } = await import('glob');
      const matches = (await glob(a, { nodir: true })).sort();
      if (matches.length === 0) throw new UsageError(`No file matches ${a}`);
      out.push(...matches.filter((m) => /\.(json|xml|ndjson)$/i.test(m)));
    } else {
      throw new UsageError(`No such file or folder: ${a}`);
    }
  }
  return { files: [...new Set(out)], linksOutside };
}
