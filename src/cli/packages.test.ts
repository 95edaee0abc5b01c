/**
 * `bars packages list` and `bars packages add`, run as a user runs them (the built CLI), against
 * throw-away package caches and a local registry.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUILD_SKIP_REASON, HAS_BUILD, bars, looksLikeStackTrace } from '../../test/support/cli-home.js';
import { CORPUS_SKIP_REASON, HAS_CORPUS, corpusPath } from '../../test/support/corpus.js';
import { cleanup, codeSystem, localRegistry, profile, putInCache, tempDir, tinyTgz, writePackage, type LocalRegistry } from '../../test/support/packages.js';
import { BARS_PACKAGE_SET } from '../bars/package-set.js';

const tmp = tempDir('bars-cli-packages-');
const home = join(tmp, 'home');
mkdirSync(home, { recursive: true });
afterAll(() => cleanup(tmp));

const pkg = (name: string, version: string, extra: Partial<Parameters<typeof writePackage>[1]> = {}) => ({
  name,
  version,
  resources: [
    profile({ url: `http://example.org/${name}/StructureDefinition/p`, version }),
    codeSystem(`http://example.org/${name}/CodeSystem/c`, version, ['a']),
    codeSystem(`http://example.org/${name}/CodeSystem/d`, version, ['b']),
  ],
  ...extra,
});

describe.skipIf(!HAS_BUILD)('bars packages', () => {
  if (!HAS_BUILD) it.skip(BUILD_SKIP_REASON, () => {});

  it('list: the BaRS set from the cache, with name, version, source and counts by resource type', async () => {
    const cache = join(tmp, 'cache-list');
    const [b, u] = BARS_PACKAGE_SET;
    putInCache(cache, pkg(b!.name, b!.version));
    putInCache(cache, pkg(u!.name, '2.0.1'));
    const r = await bars(['packages', 'list', '--package-cache', cache], { home });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^hl7\.fhir\.r4\.core#4\.0\.1 {2}\[embedded-core\] .*\n {4}1378 SearchParameter, 1317 ValueSet, 1063 CodeSystem, \d+ StructureDefinition/m);
    expect(r.stdout).toContain(`${b!.name}#${b!.version}  [package-cache]  ${join(cache, `${b!.name}#${b!.version}`)}\n    2 CodeSystem, 1 StructureDefinition\n`);
    expect(r.stdout).toContain(`${u!.name}#2.0.1  [package-cache]`);
    expect(r.stdout).not.toContain('not loaded');

    const json = await bars(['packages', 'list', '--package-cache', cache, '--json'], { home });
    const data = JSON.parse(json.stdout) as { packages: { name: string; version: string; source: string; counts: Record<string, number> }[]; missing: unknown[] };
    expect(data.packages.find((p) => p.name === b!.name)).toMatchObject({ version: b!.version, source: 'package-cache', counts: { StructureDefinition: 1, CodeSystem: 2 } });
    expect(data.missing).toEqual([]);
  });

  it('list: an empty cache offline says which packages are not loaded and how to provide them', async () => {
    const r = await bars(['packages', 'list', '--package-cache', join(tmp, 'cache-none')], { home });
    expect(r.code).toBe(0);
    for (const p of BARS_PACKAGE_SET) {
      expect(r.stdout).toContain(`not loaded: ${p.name}#${p.version} (${p.why})`);
      expect(r.stdout).toContain(`bars packages add <path/to/${p.name}-${p.version}.tgz`);
    }
    expect(looksLikeStackTrace(r.stdout + r.stderr)).toBe(false);
  });

  it('list --ig: the given IGs instead of the BaRS set', async () => {
    const dir = writePackage(join(tmp, 'list-ig'), pkg('example.listed', '0.3.0'));
    const r = await bars(['packages', 'list', '--ig', dir, '--package-cache', join(tmp, 'cache-none')], { home });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('example.listed#0.3.0  [package-folder]');
    expect(r.stdout).not.toContain('uk.nhsdigital.bars.r4');
  });

  it('add <tgz>: into the cache named by --package-cache, then loadable by name#version', async () => {
    const cache = join(tmp, 'cache-add-tgz');
    const tgz = await tinyTgz(tmp, pkg('example.tgz', '1.2.3'));
    const r = await bars(['packages', 'add', tgz, '--package-cache', cache], { home });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`added example.tgz#1.2.3 to ${join(cache, 'example.tgz#1.2.3')}`);
    expect(JSON.parse(readFileSync(join(cache, 'example.tgz#1.2.3', 'package', 'package.json'), 'utf8')).name).toBe('example.tgz');
    const l = await bars(['packages', 'list', '--ig', 'example.tgz#1.2.3', '--package-cache', cache], { home });
    expect(l.stdout).toContain('example.tgz#1.2.3  [package-cache]');
  });

  it('add <tgz>: FHIR_PACKAGE_CACHE when no option is given; --as renames', async () => {
    const cache = join(tmp, 'cache-env');
    const tgz = await tinyTgz(tmp, pkg('example.env', '0.0.1'));
    const r = await bars(['packages', 'add', tgz, '--as', 'example.renamed#9.9.9'], { home, env: { FHIR_PACKAGE_CACHE: cache } });
    expect(r.code).toBe(0);
    expect(existsSync(join(cache, 'example.renamed#9.9.9', 'package', 'package.json'))).toBe(true);
  });

  it('add <unpacked package folder>: with package/ or with package.json at its root', async () => {
    const cache = join(tmp, 'cache-add-folder');
    const withPackage = writePackage(join(tmp, 'folder-a'), pkg('example.foldera', '1.0.0'));
    const r1 = await bars(['packages', 'add', withPackage, '--package-cache', cache], { home });
    expect(r1.code).toBe(0);
    expect(readdirSync(join(cache, 'example.foldera#1.0.0', 'package')).sort()).toEqual([
      'CodeSystem-c.json',
      'CodeSystem-d.json',
      'StructureDefinition-p.json',
      'package.json',
    ]);
    // package.json and resources at the folder's root (no package/): only that folder is copied
    const parent = join(tmp, 'parent-of-b');
    const rootStyle = join(parent, 'b-content');
    mkdirSync(parent, { recursive: true });
    writePackage(join(tmp, 'b-staging'), pkg('example.folderb', '1.0.0'));
    (await import('node:fs')).renameSync(join(tmp, 'b-staging', 'package'), rootStyle);
    writeFileSync(join(parent, 'unrelated.txt'), 'not part of the package');
    const r2 = await bars(['packages', 'add', rootStyle, '--package-cache', cache], { home });
    expect(r2.code).toBe(0);
    expect(readdirSync(join(cache, 'example.folderb#1.0.0'))).toEqual(['package']);
    expect(readdirSync(join(cache, 'example.folderb#1.0.0', 'package')).sort()).toEqual([
      'CodeSystem-c.json',
      'CodeSystem-d.json',
      'StructureDefinition-p.json',
      'package.json',
    ]);
    const l = await bars(['packages', 'list', '--ig', 'example.folderb#1.0.0', '--package-cache', cache], { home });
    expect(l.stdout).toContain('example.folderb#1.0.0  [package-cache]');
    expect(l.stdout).toContain('2 CodeSystem, 1 StructureDefinition');
  });

  it('add <IG source folder>: XML and JSON converted into a package of JSON resources (re-adding replaces it)', async () => {
    const cache = join(tmp, 'cache-add-source');
    const src = join(tmp, 'ig-source');
    mkdirSync(join(src, 'profiles', 'deep'), { recursive: true });
    writeFileSync(join(src, 'package.json'), JSON.stringify({ name: 'example.source', version: '0.9.0', dependencies: { 'hl7.fhir.r4.core': '4.0.1' } }));
    writeFileSync(
      join(src, 'profiles', 'deep', 'SourcePatient.xml'),
      '<StructureDefinition xmlns="http://hl7.org/fhir"><id value="SourcePatient"/><url value="http://example.org/StructureDefinition/SourcePatient"/><name value="SourcePatient"/><status value="draft"/><kind value="resource"/><abstract value="false"/><type value="Patient"/><baseDefinition value="http://hl7.org/fhir/StructureDefinition/Patient"/><derivation value="constraint"/><differential><element id="Patient.name"><path value="Patient.name"/><min value="1"/></element></differential></StructureDefinition>',
    );
    writeFileSync(join(src, 'cs.json'), JSON.stringify(codeSystem('http://example.org/CodeSystem/src', '0.9.0', ['x'], 'src')));
    const r = await bars(['packages', 'add', src, '--package-cache', cache], { home });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('added example.source#0.9.0');
    const dir = join(cache, 'example.source#0.9.0', 'package');
    expect(JSON.parse(readFileSync(join(dir, 'StructureDefinition-SourcePatient.json'), 'utf8'))).toMatchObject({ resourceType: 'StructureDefinition', differential: { element: [{ path: 'Patient.name', min: 1 }] } });
    expect(JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'))).toMatchObject({ name: 'example.source', version: '0.9.0', dependencies: { 'hl7.fhir.r4.core': '4.0.1' } });
    const index = JSON.parse(readFileSync(join(dir, '.index.json'), 'utf8')) as { files: { filename: string; resourceType: string; url?: string }[] };
    expect(index.files.map((f) => f.filename).sort()).toEqual(['CodeSystem-src.json', 'StructureDefinition-SourcePatient.json']);

    // a definition removed from the source is gone from the cache after adding it again
    (await import('node:fs')).rmSync(join(src, 'cs.json'));
    expect((await bars(['packages', 'add', src, '--package-cache', cache], { home })).code).toBe(0);
    expect(readdirSync(dir).filter((n) => !n.startsWith('.')).sort()).toEqual(['StructureDefinition-SourcePatient.json', 'package.json']);

    const s = await bars(['snapshot', 'http://example.org/StructureDefinition/SourcePatient', '--ig', 'example.source#0.9.0', '--package-cache', cache], { home });
    expect(s.code).toBe(0);
    expect(JSON.parse(s.stdout).snapshot.element.find((e: { id: string }) => e.id === 'Patient.name').min).toBe(1);
  });

  describe('add name#version', () => {
    let registry: LocalRegistry;
    beforeAll(async () => {
      registry = await localRegistry([{ name: 'example.remote', version: '4.0.0', tgz: readFileSync(await tinyTgz(tmp, pkg('example.remote', '4.0.0'))) }]);
    });
    afterAll(() => registry.close());

    it('offline and not cached: exit code 2, the package named and the ways to provide it, no stack trace', async () => {
      const r = await bars(['packages', 'add', 'example.remote#4.0.0', '--offline', '--package-cache', join(tmp, 'cache-offline')], { home });
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toContain('example.remote#4.0.0');
      expect(r.stderr).toContain('bars packages add <path/to/example.remote-4.0.0.tgz');
      expect(r.stderr).toContain('FHIR_PACKAGE_CACHE');
      expect(looksLikeStackTrace(r.stderr)).toBe(false);
    });

    it('downloads from the registry given with --registry, then says it is cached', async () => {
      const cache = join(tmp, 'cache-remote');
      const r = await bars(['packages', 'add', 'example.remote#4.0.0', '--registry', registry.url, '--package-cache', cache], { home });
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(`downloaded: example.remote#4.0.0 in ${join(cache, 'example.remote#4.0.0')}`);
      expect(existsSync(join(cache, 'example.remote#4.0.0', 'package', 'StructureDefinition-p.json'))).toBe(true);
      const again = await bars(['packages', 'add', 'example.remote#4.0.0', '--registry', registry.url, '--package-cache', cache], { home });
      expect(again.stdout).toContain('already cached: example.remote#4.0.0');
    });

    it('a package the registry does not have: exit code 2 naming the registry', async () => {
      const r = await bars(['packages', 'add', 'example.absent#1.0.0', '--registry', registry.url, '--package-cache', join(tmp, 'cache-absent')], { home });
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('example.absent#1.0.0');
      expect(r.stderr).toContain(registry.url);
      expect(looksLikeStackTrace(r.stderr)).toBe(false);
    });
  });

  describe('a hostile package.json cannot steer paths (names and versions are checked as FHIR package ids)', () => {
    /** A package whose package.json says what the test wants, as a .tgz and as a folder, next to a victim folder. */
    async function hostile(label: string, packageJson: Record<string, unknown>) {
      const root = join(tmp, `hostile-${label}`);
      const cache = join(root, 'a', 'b', 'cache');
      const victim = join(root, 'victim');
      mkdirSync(cache, { recursive: true });
      mkdirSync(victim, { recursive: true });
      writeFileSync(join(victim, 'keep.txt'), 'precious');
      const src = writePackage(join(root, 'src'), pkg('example.hostile', '1.0.0'));
      writeFileSync(join(src, 'package', 'package.json'), JSON.stringify(packageJson));
      const tgz = join(root, 'hostile.tgz');
      await (await import('../../test/support/packages.js')).packTgz(src, tgz);
      return { root, cache, victim, src, tgz };
    }
    const listAll = (dir: string): string[] => readdirSync(dir, { recursive: true }).map(String).sort();

    it.each([
      ['name ".." with version "/../../victim"', { name: '..', version: '/../../victim' }],
      ['name "../../x"', { name: '../../x', version: '1.0.0' }],
      ['version with a backslash', { name: 'example.ok', version: '1.0\\..\\..' }],
      ['a dependency named "../../dep"', { name: 'example.ok', version: '1.0.0', dependencies: { '../../dep': '1.0.0' } }],
      ['a dependency version "../.."', { name: 'example.ok', version: '1.0.0', dependencies: { 'example.dep': '../..' } }],
    ])('%s: refused (exit 2, clear message) for a .tgz and a folder; nothing written or deleted outside the cache', async (label, json) => {
      const h = await hostile(label.replace(/[^a-z]/gi, ''), json);
      const before = listAll(h.root);
      for (const what of [h.tgz, h.src]) {
        const r = await bars(['packages', 'add', what, '--package-cache', h.cache], { home });
        expect(r.code, r.stdout + r.stderr).toBe(2);
        expect(r.stderr).toMatch(/not a valid FHIR package (name|version)/);
        expect(looksLikeStackTrace(r.stderr)).toBe(false);
        expect(readFileSync(join(h.victim, 'keep.txt'), 'utf8')).toBe('precious');
        expect(listAll(h.root)).toEqual(before);
      }
    });

    it('--as gives a usable identity to a package whose own package.json name is unusable', async () => {
      const h = await hostile('as', { name: '../../x', version: '1.0.0' });
      const r = await bars(['packages', 'add', h.tgz, '--as', 'example.renamed#1.0.0', '--package-cache', h.cache], { home });
      expect(r.code, r.stderr).toBe(0);
      expect(readdirSync(h.cache)).toEqual(['example.renamed#1.0.0']);
    });

    it('a package folder holding a link to a file outside it: the link is not copied into the cache', async () => {
      const h = await hostile('link', { name: 'example.linked', version: '1.0.0' });
      (await import('node:fs')).symlinkSync(join(h.victim, 'keep.txt'), join(h.src, 'package', 'Outside.json'));
      const r = await bars(['packages', 'add', h.src, '--package-cache', h.cache], { home });
      expect(r.code, r.stderr).toBe(0);
      expect(readdirSync(join(h.cache, 'example.linked#1.0.0', 'package'))).not.toContain('Outside.json');
    });

    it('a file that is not a tarball, and a truncated tarball: a clear message, not an internal error', async () => {
      const h = await hostile('broken', { name: 'example.broken', version: '1.0.0' });
      const garbage = join(h.root, 'garbage.tgz');
      writeFileSync(garbage, 'this is not gzip data at all');
      const truncated = join(h.root, 'truncated.tgz');
      writeFileSync(truncated, readFileSync(h.tgz).subarray(0, 60));
      for (const f of [garbage, truncated]) {
        const r = await bars(['packages', 'add', f, '--package-cache', h.cache], { home });
        expect(r.code).toBe(2);
        expect(r.stderr).toContain(`${f} is not a readable .tgz package`);
        expect(looksLikeStackTrace(r.stderr)).toBe(false);
      }
    });
  });

  it('bad arguments are usage errors (exit code 2), not crashes', async () => {
    for (const args of [['packages'], ['packages', 'add'], ['packages', 'add', 'not a package id'], ['packages', 'add', 'x#1', '--as', 'bad id'], ['packages', 'list', '--bogus']]) {
      const r = await bars(args, { home });
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toMatch(/^bars: /);
      expect(looksLikeStackTrace(r.stderr), args.join(' ')).toBe(false);
    }
  });
});

describe.skipIf(!HAS_BUILD || !HAS_CORPUS)('bars packages with the corpus', () => {
  if (!HAS_CORPUS) it.skip(CORPUS_SKIP_REASON, () => {});

  it('list --ig with the UK Core STU3 and BaRS source folders', async () => {
    const r = await bars(['packages', 'list', '--ig', corpusPath('ukcore-stu3'), '--ig', corpusPath('bars'), '--package-cache', join(tmp, 'cache-none')], { home });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`UKCore.R4.STU.02.00.00#2.0.0  [ig-folder]  ${corpusPath('ukcore-stu3')}\n    153 StructureDefinition, 134 ValueSet, 88 CodeSystem, 3 ConceptMap, 3 Questionnaire\n`);
    expect(r.stdout).toContain(`uk.nhsdigital.bars.r4#1.20.0-alpha  [ig-folder]  ${corpusPath('bars')}\n    22 CodeSystem, 21 Questionnaire, 10 StructureDefinition, 9 MessageDefinition, 1 CapabilityStatement\n`);
  });
});
