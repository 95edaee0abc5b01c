/**
 * The fhirpath folder's files import each other without a cycle (issue 12): every module
 * can be read, and loaded, after the ones it builds on.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const FOLDER = import.meta.dirname;

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...sourceFiles(path));
    else if (name.endsWith('.ts') && !name.endsWith('.test.ts')) out.push(path);
  }
  return out;
}

/** Relative imports and re-exports (type-only ones included) of one file, as absolute .ts paths. */
function importsOf(file: string, text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/(?:^|\n)\s*(?:import|export)\b[^'"]*?from\s*['"](\.{1,2}\/[^'"]+)['"]|\bimport\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)/g)) {
    const spec = (m[1] ?? m[2])!;
    out.push(resolve(dirname(file), spec.replace(/\.js$/, '.ts')));
  }
  return out;
}

/** One cycle in the graph (as a list of files), or undefined. */
export function findCycle(graph: Map<string, string[]>): string[] | undefined {
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (f: string): string[] | undefined => {
    if (state.get(f) === 'done') return undefined;
    if (state.get(f) === 'open') return [...stack.slice(stack.indexOf(f)), f];
    state.set(f, 'open');
    stack.push(f);
    for (const g of graph.get(f) ?? []) {
      const cycle = visit(g);
      if (cycle) return cycle;
    }
    stack.pop();
    state.set(f, 'done');
    return undefined;
  };
  for (const f of graph.keys()) {
    const cycle = visit(f);
    if (cycle) return cycle;
  }
  return undefined;
}

describe('fhirpath folder import graph', () => {
  it('finds a cycle when there is one (the check itself works)', () => {
    const graph = new Map([
      ['a', ['b']],
      ['b', ['c']],
      ['c', ['a']],
      ['d', ['a']],
    ]);
    expect(findCycle(graph)).toEqual(['a', 'b', 'c', 'a']);
    expect(findCycle(new Map([['a', ['b']], ['b', []]]))).toBeUndefined();
  });

  it('reads multi-line, type-only and re-export imports', () => {
    const text = "import {\n  a,\n  b,\n} from './x.js';\nimport type { T } from '../y.js';\nexport { c } from './z.js';\nconst m = await import('./w.js');";
    const got = importsOf('/p/q/f.ts', text);
    expect(got).toEqual(['/p/q/x.ts', '/p/y.ts', '/p/q/z.ts', '/p/q/w.ts']);
  });

  it('has no cycle among the folder files', () => {
    const files = sourceFiles(FOLDER);
    expect(files.length).toBeGreaterThan(10);
    const inFolder = new Set(files);
    const graph = new Map<string, string[]>();
    for (const f of files) graph.set(f, importsOf(f, readFileSync(f, 'utf8')).filter((g) => inFolder.has(g)));
    const cycle = findCycle(graph);
    expect(cycle?.map((f) => relative(FOLDER, f)), 'import cycle').toBeUndefined();
  });
});
