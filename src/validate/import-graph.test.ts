import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { cycles, fileImports, folderImports } from '../../test/support/import-graph.js';

const here = dirname(fileURLToPath(import.meta.url));

describe('import graph', () => {
  it('has no file-level import cycle inside src/validate (the checks depend on context.ts, not on the validator)', () => {
    expect(cycles(fileImports(here))).toEqual([]);
  });

  it('has no import cycle between the folders of src/', () => {
    expect(cycles(folderImports(join(here, '..')))).toEqual([]);
  });

  it('keeps the generic engine free of BaRS: nothing engine.ts or assemble.ts reaches is under bars/, and assembly reads no source itself', () => {
    const graph = fileImports(join(here, '..'));
    const reached = new Set<string>();
    const visit = (f: string): void => {
      if (reached.has(f)) return;
      reached.add(f);
      for (const t of graph.get(f) ?? []) visit(t);
    };
    visit('engine.ts');
    visit('assemble.ts');
    expect([...reached].filter((f) => f.startsWith(`bars${sep}`))).toEqual([]);
    // it builds the package locator, but reads nothing: the readers of sources are load/'s
    const readers = ['ig-folder', 'package-folder', 'tgz', 'resource-file', 'embedded', 'build'].map((f) => join('load', 'sources', `${f}.ts`));
    expect([...graph.get('assemble.ts')!].filter((f) => readers.includes(f) || f.startsWith(join('load', 'core')))).toEqual([]);
  });

  it('finds a cycle through a type-only import, and one between folders', () => {
    const root = mkdtempSync(join(tmpdir(), 'import-graph-'));
    mkdirSync(join(root, 'a'));
    mkdirSync(join(root, 'b'));
    writeFileSync(join(root, 'a', 'x.ts'), "import type { Y } from './y.js';\nexport const x = 1;\n");
    writeFileSync(join(root, 'a', 'y.ts'), "import { x } from './x.js';\nimport { z } from '../b/z.js';\nexport type Y = typeof x;\n");
    writeFileSync(join(root, 'b', 'z.ts'), "export const z = () => import('../a/x.js');\n");
    writeFileSync(join(root, 'a', 'x.test.ts'), "import '../b/z.js';\n");
    expect(cycles(fileImports(join(root, 'a')))).toEqual([['x.ts', 'y.ts']]);
    expect(cycles(folderImports(root))).toEqual([['a', 'b']]);
  });
});
