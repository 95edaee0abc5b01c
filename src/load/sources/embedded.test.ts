/**
 * A package of the embedded set read from its tarball into the toolkit cache: the resources are
 * indexed by scanning and stored as their bytes, so what is read back must be what the tarball
 * holds, and a tarball whose JSON is broken is a load error, never a half-filled cache.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanup, codeSystem, packTgz, profile, tempDir, writePackage } from '../../../test/support/packages.js';
import { DefinitionStore } from '../cache/store.js';
import { metaOf } from '../meta.js';
import { LoadError } from '../types.js';
import { loadEmbeddedPackage } from './embedded.js';

const tmp = tempDir('bars-embedded-pkg-');
afterAll(() => cleanup(tmp));

const resources = [
  profile({ url: 'http://example.org/StructureDefinition/p', version: '1.0.0' }),
  codeSystem('http://example.org/CodeSystem/c', '2.0.0', ['a', 'b “c”', 'd"}]\\']),
  { resourceType: 'ValueSet', id: 'v', url: 'http://example.org/ValueSet/v', status: 'draft', compose: { include: [{ system: 'http://example.org/CodeSystem/c' }] } },
];

async function tarball(name: string, extraFiles: Record<string, string> = {}): Promise<string> {
  const dir = writePackage(join(tmp, name), { name: 'example.embedded', version: '1.0.0', resources, extraFiles });
  return packTgz(dir, join(tmp, `${name}.tgz`));
}

describe('loadEmbeddedPackage', () => {
  it('indexes and stores each resource as the tarball has it; the second run reads the cache', async () => {
    const tgz = await tarball('ok', { 'Patient-example.json': '{"resourceType":"Patient","id":"not a definition"}' });
    const store = new DefinitionStore(join(tmp, 'cache'));
    for (const fromCache of [false, true]) {
      const source = loadEmbeddedPackage(tgz, store);
      expect(source.fromCache).toBe(fromCache);
      expect(source.info).toMatchObject({ name: 'example.embedded', version: '1.0.0', kind: 'embedded' });
      const byUrl = new Map(source.entries.map((e) => [e.url, e]));
      expect(byUrl.size).toBe(resources.length);
      for (const r of resources) {
        const e = byUrl.get(r.url as string)!;
        const { source: _s, ...meta } = e;
        expect(meta).toEqual(metaOf(r, `${String(r.resourceType)}-${String(r.id)}.json`));
        expect(source.read(e)).toEqual(r);
      }
    }
  });

  it('without a writable cache the resources are parsed and kept in memory', async () => {
    const tgz = await tarball('memory');
    const source = loadEmbeddedPackage(tgz, new DefinitionStore(undefined));
    expect(source.fromCache).toBe(false);
    expect(source.entries.map((e) => source.read(e))).toEqual(expect.arrayContaining(resources));
  });

  for (const [what, text] of [
    ['cut short', '{"resourceType":"CodeSystem","url":"http://example.org/x","concept":[{"code":"a"'],
    ['followed by more', '{"resourceType":"CodeSystem","url":"http://example.org/x"} {"more":1}'],
    ['not JSON', 'resourceType: CodeSystem'],
  ] as const) {
    it(`a resource file that is ${what}: a load error naming the tarball, nothing cached`, async () => {
      const tgz = await tarball(`broken-${what.replace(/ /g, '-')}`, { 'CodeSystem-x.json': text });
      const store = new DefinitionStore(join(tmp, `cache-${what}`));
      expect(() => loadEmbeddedPackage(tgz, store)).toThrow(LoadError);
      expect(() => loadEmbeddedPackage(tgz, store)).toThrow(`${tgz} is damaged`);
    });
  }

  it('a tarball that is not one: a load error', () => {
    const bad = join(tmp, 'bad.tgz');
    writeFileSync(bad, 'not a tarball');
    expect(() => loadEmbeddedPackage(bad, new DefinitionStore(join(tmp, 'cache-bad')))).toThrow(`${bad} is damaged`);
  });
});
