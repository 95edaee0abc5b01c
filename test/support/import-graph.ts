/**
 * The import graph of a TypeScript source tree (tests left out), read from its import/export
 * statements, including type-only imports and dynamic import(): what the import-cycle tests
 * check. A cycle is a strongly connected component of more than one node.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, extname, join, relative, resolve, sep } from 'node:path';

const IMPORT = /(?:import|export)\s[^'"]*?from\s*['"](\.[^'"]+)['"]|import\(\s*['"](\.[^'"]+)['"]\s*\)/g;

/** Source files below `root` (no tests, no declaration files). */
function sourceFiles(root: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(root, { withFileTypes: true })) {
    const p = join(root, e.name);
    if (e.isDirectory()) out.push(...sourceFiles(p));
    else if (e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') && !e.name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

/** File → the files it imports (relative imports inside `root` only), paths relative to `root`. */
export function fileImports(root: string): Map<string, Set<string>> {
  root = resolve(root);
  const edges = new Map<string, Set<string>>();
  for (const file of sourceFiles(root)) {
    const from = relative(root, file);
    const to = new Set<string>();
    for (const m of readFileSync(file, 'utf8').matchAll(IMPORT)) {
      const spec = (m[1] ?? m[2])!;
      let target = resolve(dirname(file), spec);
      // ESM imports name the emitted .js file; the source is the .ts beside it
      target = extname(target) === '.js' ? target.slice(0, -3) + '.ts' : extname(target) ? target : target + '.ts';
      if (!target.startsWith(root + sep)) continue;
      to.add(relative(root, target));
    }
    edges.set(from, to);
  }
  return edges;
}

/** The same graph between the first-level folders of `root` (a file directly in `root` is a node of its own). */
export function folderImports(root: string): Map<string, Set<string>> {
  const unit = (f: string): string => (f.includes(sep) ? f.split(sep)[0]! : `(${f})`);
  const out = new Map<string, Set<string>>();
  for (const [from, tos] of fileImports(root)) {
    const u = unit(from);
    const set = out.get(u) ?? new Set<string>();
    for (const t of tos) if (unit(t) !== u) set.add(unit(t));
    out.set(u, set);
  }
  return out;
}

/** Every cycle: the strongly connected components with more than one node, each sorted (Tarjan). */
export function cycles(edges: Map<string, Set<string>>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  let n = 0;
  const strong = (v: string): void => {
    index.set(v, n);
    low.set(v, n);
    n++;
    stack.push(v);
    onStack.add(v);
    for (const w of edges.get(v) ?? []) {
      if (!index.has(w)) {
        strong(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const comp: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        comp.push(w);
      } while (w !== v);
      if (comp.length > 1) out.push(comp.sort());
    }
  };
  for (const v of edges.keys()) if (!index.has(v)) strong(v);
  return out;
}
