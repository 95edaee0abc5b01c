/**
 * Walking a folder someone else filled (a pull request's payloads, an IG source folder):
 * every file once, whatever links point where; a link that loops back (`a -> .`) is not walked
 * again; and a link whose target lies outside the folder is left out unless the caller allows
 * it (a link to `/etc/passwd` in a pull request must not put that file's content in a report).
 */
import { lstatSync, readdirSync, realpathSync, statSync, type Stats } from 'node:fs';
import { join, relative, isAbsolute, sep } from 'node:path';

export interface WalkOptions {
  /** Follow links whose target is outside the folder given (links inside it are always followed). */
  followSymlinks?: boolean;
  /** Folder names never entered. */
  skipDirs?: ReadonlySet<string>;
  /** Which files to list, by name. */
  include(name: string): boolean;
  /** Deepest folder level entered (default 64). */
  maxDepth?: number;
}

export interface WalkResult {
  /** Files in walk order (names sorted per folder), each real file once. */
  files: { path: string; stats: Stats }[];
  /** Links not followed because their target lies outside the folder. */
  linksOutside: string[];
  /** Links that could not be resolved (dangling) or folders that could not be read. */
  unreadable: string[];
}

/** `real` is `root` or lies under it (both real paths). */
export const isInside = (root: string, real: string): boolean => {
  const rel = relative(root, real);
  return rel === '' || (!rel.startsWith('..' + sep) && rel !== '..' && !isAbsolute(rel));
};

export function walkFolder(folder: string, opts: WalkOptions): WalkResult {
  const result: WalkResult = { files: [], linksOutside: [], unreadable: [] };
  let root: string;
  try {
    root = realpathSync(folder);
  } catch {
    result.unreadable.push(folder);
    return result;
  }
  const seenDirs = new Set<string>([root]);
  const seenFiles = new Set<string>();
  const maxDepth = opts.maxDepth ?? 64;
  const visit = (dir: string, depth: number): void => {
    let names: string[];
    try {
      names = readdirSync(dir).sort();
    } catch {
      result.unreadable.push(dir);
      return;
    }
    for (const n of names) {
      if (n.startsWith('.')) continue;
      const p = join(dir, n);
      let st: Stats;
      let real = p;
      try {
        const l = lstatSync(p);
        if (l.isSymbolicLink()) {
          real = realpathSync(p);
          if (!opts.followSymlinks && !isInside(root, real)) {
            result.linksOutside.push(p);
            continue;
          }
          st = statSync(real);
        } else {
          st = l;
          real = realpathSync(p);
        }
      } catch {
        result.unreadable.push(p);
        continue;
      }
      if (st.isDirectory()) {
        if (opts.skipDirs?.has(n) || depth >= maxDepth || seenDirs.has(real)) continue;
        seenDirs.add(real);
        visit(p, depth + 1);
      } else if (st.isFile() && opts.include(n) && !seenFiles.has(real)) {
        seenFiles.add(real);
        result.files.push({ path: p, stats: st });
      }
    }
  };
  visit(folder, 0);
  return result;
}
