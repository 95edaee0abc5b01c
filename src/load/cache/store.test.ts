/**
 * The definition cache under damage and contention: an entry cut short, overwritten or with a
 * broken index is found, removed and built again with a warning (never a crash or a wrong
 * definition), and processes that build the same entry at once leave one complete copy.
 */
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanup, codeSystem, profile, tempDir, writePackage } from '../../../test/support/packages.js';
import { loadPackageFolder } from '../sources/package-folder.js';
import type { LoadDiagnostic } from '../types.js';
import { CacheDamagedError, DefinitionStore } from './store.js';

const tmp = tempDir('bars-store-');
afterAll(() => cleanup(tmp));

const resources = [
  profile({ url: 'http://example.org/StructureDefinition/p', version: '1.0.0' }),
  codeSystem('http://example.org/CodeSystem/c', '1.0.0', ['a', 'b']),
  codeSystem('http://example.org/CodeSystem/d', '1.0.0', ['x'.repeat(200)]),
];
const info = { name: 'example.store', version: '1.0.0', kind: 'package-folder' as const, location: 'x', dependencies: {} };
const items = resources.map((r) => ({ meta: { resourceType: String(r.resourceType), url: r.url as string, id: r.id as string }, resource: r }));

function filled(name: string): { store: DefinitionStore; diagnostics: LoadDiagnostic[]; folder: string } {
  const diagnostics: LoadDiagnostic[] = [];
  const store = new DefinitionStore(join(tmp, name), diagnostics);
  expect(store.write('k', info, items)).toBe(true);
  return { store, diagnostics, folder: join(tmp, name, 'sources', 'k') };
}

describe('DefinitionStore', () => {
  it('reads back what was written, by offset', () => {
    const { store, diagnostics } = filled('plain');
    const s = store.open('k')!;
    expect(s.metas.map((m) => m.url)).toEqual(resources.map((r) => r.url));
    expect([2, 0, 1].map((i) => s.read(i))).toEqual([resources[2], resources[0], resources[1]]);
    expect(diagnostics).toEqual([]);
  });

  it('a data file cut short: seen on open, removed, with a warning', () => {
    const { store, diagnostics, folder } = filled('short');
    truncateSync(join(folder, 'resources.json'), 100);
    expect(store.open('k')).toBeUndefined();
    expect(existsSync(folder)).toBe(false);
    expect(diagnostics).toMatchObject([{ severity: 'warning', code: 'cache-damaged' }]);
    expect(diagnostics[0]!.message).toContain('has 100 bytes');
    // and it can be written again
    expect(store.write('k', info, items)).toBe(true);
    expect(store.open('k')!.read(2)).toEqual(resources[2]);
  });

  it('an index that is not JSON, or not a complete index: removed, with a warning', () => {
    for (const [name, text] of [
      ['garbled', '{"format":4,"key":"k",'],
      ['incomplete', '{"format":4,"key":"k","info":{}}'],
    ]) {
      const { store, diagnostics, folder } = filled(name!);
      writeFileSync(join(folder, 'index.json'), text!);
      expect(store.open('k')).toBeUndefined();
      expect(existsSync(folder)).toBe(false);
      expect(diagnostics.map((d) => d.code)).toEqual(['cache-damaged']);
    }
  });

  it('an index from another version of the toolkit: rebuilt quietly (nothing is wrong)', () => {
    const { store, diagnostics, folder } = filled('old');
    const index = JSON.parse(readFileSync(join(folder, 'index.json'), 'utf8')) as Record<string, unknown>;
    writeFileSync(join(folder, 'index.json'), JSON.stringify({ ...index, format: 3 }));
    expect(store.open('k')).toBeUndefined();
    expect(existsSync(folder)).toBe(false);
    expect(diagnostics).toEqual([]);
  });

  it('bytes overwritten in place (same size): the read fails as damaged, the entry is removed', () => {
    const { store, diagnostics, folder } = filled('overwritten');
    const data = join(folder, 'resources.json');
    const text = readFileSync(data, 'utf8');
    // the second resource's url changes, and the third one's JSON breaks
    writeFileSync(data, text.replace('CodeSystem/c', 'CodeSystem/z').replace('"concept":[{"code":"xxx', '"concept":[{"code" "xxx'));
    const s = store.open('k')!;
    expect(s.read(0)).toEqual(resources[0]);
    expect(() => s.read(1)).toThrow(CacheDamagedError);
    expect(existsSync(folder)).toBe(false);
    expect(() => s.read(2)).toThrow(CacheDamagedError);
    expect(diagnostics[0]).toMatchObject({ code: 'cache-damaged' });
    expect(diagnostics[0]!.message).toContain('CodeSystem http://example.org/CodeSystem/c could not be read back');
  });
});

describe('a loaded source whose cache entry turns out damaged during the run', () => {
  it('is rebuilt from its origin and the run goes on, with one warning', () => {
    const dir = writePackage(join(tmp, 'pkg'), { name: 'example.damaged', version: '1.0.0', resources });
    const diagnostics: LoadDiagnostic[] = [];
    const store = new DefinitionStore(join(tmp, 'rebuild-cache'), diagnostics);
    loadPackageFolder(dir, store, 'package-folder'); // fills the cache
    const { source } = loadPackageFolder(dir, store, 'package-folder');
    expect(source.fromCache).toBe(true);
    const [folder] = readdirSync(join(tmp, 'rebuild-cache', 'sources'));
    const data = join(tmp, 'rebuild-cache', 'sources', folder!, 'resources.json');
    writeFileSync(data, readFileSync(data, 'utf8').replace(/"resourceType":"CodeSystem"/g, '"resourceType":"CodeSystex"'));
    const cs = source.entries.find((e) => e.url === 'http://example.org/CodeSystem/c')!;
    expect(source.read(cs)).toEqual(resources[1]);
    expect(source.read(source.entries.find((e) => e.url === 'http://example.org/CodeSystem/d')!)).toEqual(resources[2]);
    expect(diagnostics.map((d) => d.code)).toEqual(['cache-damaged']);
    // the entry was built again on disk: the next run reads it from the cache
    const next = loadPackageFolder(dir, new DefinitionStore(join(tmp, 'rebuild-cache')), 'package-folder').source;
    expect(next.fromCache).toBe(true);
    expect(next.read(next.entries.find((e) => e.url === 'http://example.org/CodeSystem/c')!)).toEqual(resources[1]);
  });
});

describe('processes building the same entry at once', () => {
  it('leave one complete entry, and each reads its definitions', async () => {
    const cache = join(tmp, 'concurrent');
    const script = `
      import { DefinitionStore } from ${JSON.stringify(new URL('./store.ts', import.meta.url).pathname)};
      const items = JSON.parse(process.argv[1]);
      const store = new DefinitionStore(${JSON.stringify(cache)});
      for (let round = 0; round < 20; round++) {
        store.write('same', ${JSON.stringify(info)}, items);
        const s = store.open('same');
        if (!s) throw new Error('not readable after write');
        for (let i = 0; i < items.length; i++) if (JSON.stringify(s.read(i)) !== JSON.stringify(items[i].resource)) throw new Error('wrong content');
      }`;
    const run = promisify(execFile);
    const tsx = join(process.cwd(), 'node_modules', '.bin', 'tsx');
    await Promise.all([1, 2].map(() => run(tsx, ['--eval', script, JSON.stringify(items)], { timeout: 60_000 })));
    expect(readdirSync(join(cache, 'sources'))).toEqual(['same']);
    const diagnostics: LoadDiagnostic[] = [];
    expect(new DefinitionStore(cache, diagnostics).open('same')!.read(1)).toEqual(resources[1]);
    expect(diagnostics).toEqual([]);
  }, 90_000);
});
