/**
 * The library's public types as a supplier's project sees them: every TypeScript snippet of the
 * README and docs/library.md compiles against the built package (dist/*.d.ts, as installed) under
 * "moduleResolution": "NodeNext" and "Bundler".
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..');

/** The ```ts blocks of a Markdown file. */
function snippets(file: string): string[] {
  return [...readFileSync(join(ROOT, file), 'utf8').matchAll(/^```ts\n([\s\S]*?)^```$/gm)].map((m) => m[1]!);
}

/** A consumer project: bars-toolkit and @types linked into its node_modules, one file per snippet. */
function consumer(): { dir: string; files: string[] } {
  const dir = mkdtempSync(join(tmpdir(), 'bars-types-'));
  mkdirSync(join(dir, 'node_modules'), { recursive: true });
  symlinkSync(ROOT, join(dir, 'node_modules', 'bars-toolkit'), 'dir');
  symlinkSync(join(ROOT, 'node_modules', '@types'), join(dir, 'node_modules', '@types'), 'dir');
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'supplier-app', type: 'module', private: true }));
  const files: string[] = [];
  for (const doc of ['README.md', 'docs/library.md']) {
    snippets(doc).forEach((code, i) => {
      const f = `${doc.replace(/\W/g, '_')}_${i}.ts`;
      // each snippet is a module of its own (top-level await, no clashes between snippets)
      writeFileSync(join(dir, f), code.includes('export ') || code.includes('import ') ? code : `${code}\nexport {};\n`);
      files.push(f);
    });
  }
  return { dir, files };
}

const TSC = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');

describe('the README and docs/library.md snippets compile against the built package', () => {
  const { dir, files } = consumer();

  it('there are snippets to compile (the README shows the library)', () => {
    expect(snippets('README.md').length).toBeGreaterThan(0);
    expect(files.length).toBeGreaterThan(2);
  });

  it.each([
    ['NodeNext', { module: 'NodeNext', moduleResolution: 'NodeNext' }],
    ['Bundler', { module: 'ESNext', moduleResolution: 'Bundler' }],
  ])('under "moduleResolution": "%s"', (name, options) => {
    const tsconfig = `tsconfig.${name}.json`;
    writeFileSync(
      join(dir, tsconfig),
      JSON.stringify({ compilerOptions: { ...options, target: 'ES2022', strict: true, noEmit: true, types: ['node'], lib: ['ES2023'], skipLibCheck: true }, files }),
    );
    const r = spawnSync(process.execPath, [TSC, '-p', tsconfig], { cwd: dir, encoding: 'utf8', timeout: 120_000 });
    expect(`${r.stdout}${r.stderr}`).toBe('');
    expect(r.status).toBe(0);
  }, 150_000);
});
