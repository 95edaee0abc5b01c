/**
 * The load stage end to end: FHIR packages by name#version from a package cache (option and
 * FHIR_PACKAGE_CACHE), from a registry (a local one on 127.0.0.1), .tgz files, unpacked
 * folders, transitive dependencies, canonical resolution with versions side by side, and
 * conflicts.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_CACHE } from '../../test/support/engine.js';
import { cleanup, codeSystem, localRegistry, profile, putInCache, tempDir, tinyTgz, writePackage, type LocalRegistry } from '../../test/support/packages.js';
import { expectNoSlowerThan } from '../../test/support/timing.js';
import { loadDefinitions } from '../assemble.js';
import { LoadError } from './types.js';

const tmp = tempDir('bars-load-');
afterAll(() => cleanup(tmp));

const A_URL = 'http://example.org/a/StructureDefinition/a-patient';
const B_URL = 'http://example.org/b/StructureDefinition/b-patient';

/** B: a Patient profile; A: a profile on B, and A's package depends on B's. */
const pkgB = (version = '1.0.0') => ({
  name: 'example.b',
  version,
  resources: [
    profile({ url: B_URL, version, elements: [{ id: 'Patient.name', path: 'Patient.name', min: 1 }] }),
    codeSystem('http://example.org/b/CodeSystem/colours', version, ['red', 'green']),
  ],
});
const pkgA = {
  name: 'example.a',
  version: '2.0.0',
  dependencies: { 'hl7.fhir.r4.core': '4.0.1', 'example.b': '1.0.0' },
  resources: [profile({ url: A_URL, version: '2.0.0', base: B_URL, elements: [{ id: 'Patient.gender', path: 'Patient.gender', min: 1 }] })],
};

function load(opts: Parameters<typeof loadDefinitions>[0]) {
  return loadDefinitions({ cacheDir: TEST_CACHE, offline: true, ...opts });
}

async function loadError(p: Promise<unknown>): Promise<LoadError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof LoadError) return e;
    throw e;
  }
  throw new Error('expected a LoadError');
}

describe('packages by name#version from the FHIR package cache', () => {
  const cache = join(tmp, 'cache-option');
  beforeAll(() => {
    putInCache(cache, pkgA);
    putInCache(cache, pkgB());
  });

  it('loads a package and its dependencies transitively (A depends on B)', async () => {
    const loaded = await load({ igs: ['example.a#2.0.0'], packageCache: cache });
    expect(loaded.defs.sourceInfos().map((s) => [`${s.name}#${s.version}`, s.kind])).toEqual([
      ['hl7.fhir.r4.core#4.0.1', 'embedded-core'],
      ['example.b#1.0.0', 'package-cache'],
      ['example.a#2.0.0', 'package-cache'],
    ]);
    expect(loaded.defs.diagnostics).toEqual([]);
    // A's base chain runs through B into core
    const a = loaded.structures.getStructure(A_URL)!;
    const el = (id: string) => a.snapshot!.element.find((e) => e.id === id)!;
    expect(el('Patient.gender').min).toBe(1);
    expect(el('Patient.name').min).toBe(1);
    expect(loaded.defs.resolve('http://example.org/b/CodeSystem/colours')?.source.info.name).toBe('example.b');
  });

  it('reads FHIR_PACKAGE_CACHE when no option is given', async () => {
    const old = process.env.FHIR_PACKAGE_CACHE;
    process.env.FHIR_PACKAGE_CACHE = cache;
    try {
      const loaded = await load({ igs: ['example.b#1.0.0'] });
      expect(loaded.locator.cacheDir).toBe(cache);
      expect(loaded.defs.hasSource('example.b', '1.0.0')).toBe(true);
      // the option wins over the variable
      const other = join(tmp, 'cache-other');
      putInCache(other, pkgB('1.1.0'));
      const l2 = await load({ igs: ['example.b#1.1.0'], packageCache: other });
      expect(l2.locator.cacheDir).toBe(other);
      expect(l2.defs.hasSource('example.b', '1.1.0')).toBe(true);
    } finally {
      if (old === undefined) delete process.env.FHIR_PACKAGE_CACHE;
      else process.env.FHIR_PACKAGE_CACHE = old;
    }
  });

  it('resolves `latest` and `1.0.x` from the versions in the cache', async () => {
    const c = join(tmp, 'cache-latest');
    putInCache(c, pkgB('1.0.0'));
    putInCache(c, pkgB('1.0.3'));
    putInCache(c, pkgB('1.2.0'));
    expect((await load({ igs: ['example.b#latest'], packageCache: c })).defs.hasSource('example.b', '1.2.0')).toBe(true);
    expect((await load({ igs: ['example.b#1.0.x'], packageCache: c })).defs.hasSource('example.b', '1.0.3')).toBe(true);
  });

  it('offline and not cached: names the package and the ways to provide it', async () => {
    const e = await loadError(load({ igs: ['example.missing#3.1.0'], packageCache: join(tmp, 'cache-empty') }));
    expect(e.message).toContain('example.missing#3.1.0');
    expect(e.message).toContain(join(tmp, 'cache-empty'));
    expect(e.message).toContain('offline');
    expect(e.hint).toContain('bars packages add');
    expect(e.hint).toContain('--ig');
    expect(e.hint).toContain('--package-cache');
    expect(e.hint).toContain('FHIR_PACKAGE_CACHE');
  });

  it('a missing dependency is a warning naming it, not a failure', async () => {
    const c = join(tmp, 'cache-no-b');
    putInCache(c, pkgA);
    const loaded = await load({ igs: ['example.a#2.0.0'], packageCache: c });
    expect(loaded.defs.hasSource('example.a', '2.0.0')).toBe(true);
    const d = loaded.defs.diagnostics.find((x) => x.code === 'dependency-missing');
    expect(d?.severity).toBe('warning');
    expect(d?.message).toContain('example.b#1.0.0');
    expect(d?.message).toContain('example.a#2.0.0');
  });
});

describe('packages from a registry', () => {
  let registry: LocalRegistry;
  beforeAll(async () => {
    const b = readFileSync(await tinyTgz(tmp, pkgB()));
    const b11 = readFileSync(await tinyTgz(tmp, pkgB('1.1.0')));
    const a = readFileSync(await tinyTgz(tmp, pkgA));
    registry = await localRegistry([
      { name: 'example.b', version: '1.0.0', tgz: b },
      { name: 'example.b', version: '1.1.0', tgz: b11 },
      { name: 'example.a', version: '2.0.0', tgz: a },
    ]);
  });
  afterAll(() => registry.close());

  it('downloads a package and its dependencies into the cache, then uses the cache', async () => {
    const cache = join(tmp, 'cache-registry');
    const loaded = await load({ igs: ['example.a#2.0.0'], packageCache: cache, registry: registry.url, offline: false });
    expect(loaded.defs.sourceInfos().map((s) => [`${s.name}#${s.version}`, s.kind])).toEqual([
      ['hl7.fhir.r4.core#4.0.1', 'embedded-core'],
      ['example.b#1.0.0', 'registry'],
      ['example.a#2.0.0', 'registry'],
    ]);
    expect(registry.requests).toContain('/example.a/2.0.0');
    expect(registry.requests).toContain('/example.b/1.0.0');
    expect(readFileSync(join(cache, 'example.a#2.0.0', 'package', 'package.json'), 'utf8')).toContain('"example.a"');
    expect(loaded.structures.getStructure(A_URL)).toBeDefined();

    registry.requests.length = 0;
    const again = await load({ igs: ['example.a#2.0.0'], packageCache: cache, registry: registry.url, offline: false });
    expect(again.defs.sourceInfos().map((s) => s.kind)).toEqual(['embedded-core', 'package-cache', 'package-cache']);
    expect(registry.requests).toEqual([]);
  });

  it('takes the registry from BARS_FHIR_REGISTRY when no option is given', async () => {
    const old = process.env.BARS_FHIR_REGISTRY;
    process.env.BARS_FHIR_REGISTRY = registry.url;
    try {
      const loaded = await load({ igs: ['example.b#1.1.0'], packageCache: join(tmp, 'cache-registry-env'), offline: false });
      expect(loaded.locator.registry).toBe(registry.url);
      expect(loaded.defs.sources.at(-1)!.info).toMatchObject({ name: 'example.b', version: '1.1.0', kind: 'registry' });
    } finally {
      if (old === undefined) delete process.env.BARS_FHIR_REGISTRY;
      else process.env.BARS_FHIR_REGISTRY = old;
    }
  });

  it('resolves `latest` against the registry', async () => {
    const loaded = await load({ igs: ['example.b#latest'], packageCache: join(tmp, 'cache-registry-latest'), registry: registry.url, offline: false });
    expect(loaded.defs.hasSource('example.b', '1.1.0')).toBe(true);
  });

  it('a package the registry does not have: names the package, the registry and the ways to provide it', async () => {
    const e = await loadError(load({ igs: ['example.nope#1.0.0'], packageCache: join(tmp, 'cache-registry-2'), registry: registry.url, offline: false }));
    expect(e.message).toContain('example.nope#1.0.0');
    expect(e.message).toContain(registry.url);
    expect(e.hint).toContain('bars packages add');
  });

  it('an unreachable registry fails fast with the same advice', async () => {
    let e!: LoadError;
    // as fast as a registry that answers "not found": no retries, no waiting
    await expectNoSlowerThan(
      'an unreachable registry',
      async () => (e = await loadError(load({ igs: ['example.b#1.0.0'], packageCache: join(tmp, 'cache-registry-3'), registry: 'http://127.0.0.1:9', offline: false }))),
      () => loadError(load({ igs: ['example.nope#1.0.0'], packageCache: join(tmp, 'cache-registry-3'), registry: registry.url, offline: false })),
      5,
      1,
    );
    expect(e.message).toContain('example.b#1.0.0');
    expect(e.message).toContain('http://127.0.0.1:9');
    expect(e.hint).toContain('--package-cache');
  });
});

describe('local packages: .tgz and unpacked folders', () => {
  it('loads a .tgz', async () => {
    const tgz = await tinyTgz(tmp, pkgB('1.5.0'));
    const loaded = await load({ igs: [tgz], packageCache: join(tmp, 'cache-empty') });
    const src = loaded.defs.sources.find((s) => s.info.name === 'example.b')!;
    expect(src.info).toMatchObject({ version: '1.5.0', kind: 'tgz' });
    expect(src.entries.map((e) => e.resourceType).sort()).toEqual(['CodeSystem', 'StructureDefinition']);
  });

  it('loads an unpacked package, given its root or its package/ folder, ignoring examples', async () => {
    const dir = writePackage(join(tmp, 'unpacked'), {
      ...pkgB('1.6.0'),
      extraFiles: {
        'example/Patient-example.json': JSON.stringify({ resourceType: 'Patient', id: 'example' }),
        'Patient-instance.json': JSON.stringify({ resourceType: 'Patient', id: 'instance' }),
      },
    });
    for (const ig of [dir, join(dir, 'package')]) {
      const loaded = await load({ igs: [ig], packageCache: join(tmp, 'cache-empty') });
      const src = loaded.defs.sources.find((s) => s.info.name === 'example.b')!;
      expect(src.info).toMatchObject({ version: '1.6.0', kind: 'package-folder' });
      expect(src.entries.map((e) => e.resourceType).sort()).toEqual(['CodeSystem', 'StructureDefinition']);
    }
  });

  it('follows the dependencies of a .tgz through the cache', async () => {
    const cache = join(tmp, 'cache-for-tgz');
    putInCache(cache, pkgB());
    const tgz = await tinyTgz(join(tmp), { ...pkgA, name: 'example.a.tgz' });
    const loaded = await load({ igs: [tgz], packageCache: cache });
    expect(loaded.defs.sourceInfos().map((s) => `${s.name}#${s.version}`)).toEqual(['hl7.fhir.r4.core#4.0.1', 'example.b#1.0.0', 'example.a.tgz#2.0.0']);
  });

  it('a broken .tgz or an unknown argument is a LoadError naming it', async () => {
    const bad = join(tmp, 'broken.tgz');
    (await import('node:fs')).writeFileSync(bad, 'not a tarball');
    const e1 = await loadError(load({ igs: [bad] }));
    expect(e1.message).toContain(bad);
    const e2 = await loadError(load({ igs: [join(tmp, 'no-such-folder')] }));
    expect(e2.message).toContain('no-such-folder');
    expect(e2.hint).toContain('name#version');
  });
});

describe('canonical resolution', () => {
  it('url picks the latest version, url|version picks that one; two versions of a package side by side', async () => {
    const cache = join(tmp, 'cache-side-by-side');
    putInCache(cache, pkgB('1.0.0'));
    putInCache(cache, pkgB('2.1.0'));
    const loaded = await load({ igs: ['example.b#1.0.0', 'example.b#2.1.0'], packageCache: cache });
    expect(loaded.defs.hasSource('example.b', '1.0.0')).toBe(true);
    expect(loaded.defs.hasSource('example.b', '2.1.0')).toBe(true);
    expect(loaded.defs.resolve(B_URL)?.version).toBe('2.1.0');
    expect(loaded.defs.resolve(`${B_URL}|1.0.0`)?.version).toBe('1.0.0');
    expect(loaded.defs.resolve(`${B_URL}|2.1.0`)?.source.info.version).toBe('2.1.0');
    expect(loaded.defs.resolve(`${B_URL}|2.1`)?.version).toBe('2.1.0'); // a partial version: its latest patch
    expect(loaded.defs.resolve(`${B_URL}|3.0.0`)).toBeUndefined();
    expect(loaded.defs.entriesFor(B_URL)).toHaveLength(2);
    // versions side by side are not a conflict
    expect(loaded.defs.conflicts()).toEqual([]);
    expect(loaded.defs.diagnostics.filter((d) => d.code === 'canonical-conflict')).toEqual([]);
    // both versions get their own snapshot
    expect(loaded.structures.getStructure(`${B_URL}|1.0.0`)?.version).toBe('1.0.0');
    expect(loaded.structures.getStructure(`${B_URL}|2.1.0`)?.version).toBe('2.1.0');
  });

  it('the same package reached twice (as a dependency and directly) is loaded once', async () => {
    const cache = join(tmp, 'cache-twice');
    putInCache(cache, pkgA);
    putInCache(cache, pkgB());
    const loaded = await load({ igs: ['example.b#1.0.0', 'example.a#2.0.0'], packageCache: cache });
    expect(loaded.defs.sources.filter((s) => s.info.name === 'example.b')).toHaveLength(1);
    expect(loaded.defs.conflicts()).toEqual([]);
  });

  it('two different definitions claiming one url|version: reported, naming both, and the later one is used', async () => {
    const one = writePackage(join(tmp, 'claim-one'), { name: 'example.one', version: '1.0.0', resources: [profile({ url: 'http://example.org/StructureDefinition/shared', version: '1.0.0', elements: [{ id: 'Patient.birthDate', path: 'Patient.birthDate', min: 1 }] })] });
    const two = writePackage(join(tmp, 'claim-two'), { name: 'example.two', version: '1.0.0', resources: [profile({ url: 'http://example.org/StructureDefinition/shared', version: '1.0.0', elements: [{ id: 'Patient.gender', path: 'Patient.gender', min: 1 }] })] });
    const loaded = await load({ igs: [one, two], packageCache: join(tmp, 'cache-empty') });
    const [c, ...rest] = loaded.defs.conflicts();
    expect(rest).toEqual([]);
    expect(c!.url).toBe('http://example.org/StructureDefinition/shared');
    expect(c!.used.source.info.name).toBe('example.two');
    expect(c!.others.map((o) => o.source.info.name)).toEqual(['example.one']);
    expect(loaded.defs.resolve('http://example.org/StructureDefinition/shared')?.source.info.name).toBe('example.two');
    // and the run says so
    const d = loaded.defs.diagnostics.find((x) => x.code === 'canonical-conflict');
    expect(d?.severity).toBe('warning');
    expect(d?.message).toContain('http://example.org/StructureDefinition/shared|1.0.0');
    expect(d?.message).toContain('example.one#1.0.0');
    expect(d?.message).toContain('example.two#1.0.0');
  });
});
