/**
 * The embedded definition set (profiles/packages): what a fresh clone checks with no network,
 * no FHIR package cache and an empty HOME; that it is what the build script makes from the
 * public sources, byte for byte; how an explicit package replaces an embedded one.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { BUILD_SKIP_REASON, HAS_BUILD, ROOT, bars } from './support/cli-home.js';
import { HAS_CORPUS, corpusPath } from './support/corpus.js';
import { TEST_CACHE } from './support/engine.js';
import { cleanup, profile, tempDir, writePackage } from './support/packages.js';
import { EMBEDDED_FOLDER, embeddedPackages, type EmbeddedManifest } from '../src/load/embedded.js';
import { loadDefinitions } from '../src/assemble.js';
import { createEngine } from '../src/engine.js';
import { barsDefaultSet } from '../src/bars/default-set.js';
import { barsPlugins } from '../src/bars/plugin.js';
import type { RunResult } from '../src/report/result.js';

const tmp = tempDir('bars-embedded-');
afterAll(() => cleanup(tmp));

const folder = join(ROOT, EMBEDDED_FOLDER);
const manifest = JSON.parse(readFileSync(join(folder, 'index.json'), 'utf8')) as EmbeddedManifest;

/** Canonical urls a source folder of FHIR XML defines (examples left out). */
function sourceUrls(dir: string, out = new Set<string>()): Set<string> {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) {
      if (!/^examples?$/i.test(e.name)) sourceUrls(p, out);
    } else if (e.name.endsWith('.xml')) {
      const m = /<url value="([^"]+)"/.exec(readFileSync(p, 'utf8'));
      if (m) out.add(m[1]!);
    }
  }
  return out;
}

/** Canonical urls in the embedded tarballs (their .index.json), for when the corpus is absent. */
function embeddedUrls(): Set<string> {
  const out = new Set<string>();
  for (const p of manifest.packages) {
    const text = gunzipSync(readFileSync(join(folder, p.file))).toString('latin1');
    for (const m of text.matchAll(/"url":"(https:\/\/fhir\.(?:nhs\.uk|hl7\.org\.uk)\/[^"]+)"/g)) out.add(m[1]!);
  }
  return out;
}

describe('the embedded definition set', () => {
  it('is what index.json says: files, hashes, names and generated versions, within the size budget', () => {
    expect(manifest.packages.map((p) => p.name)).toEqual(['fhir.r4.ukcore.stu3.currentbuild', 'uk.nhsdigital.bars.r4']);
    let total = 0;
    for (const p of manifest.packages) {
      const bytes = readFileSync(join(folder, p.file));
      total += bytes.length;
      expect(createHash('sha256').update(bytes).digest('hex'), p.file).toBe(p.sha256);
      expect(p.version).toMatch(/^0\.0\.0-generated\.[0-9a-f]{12}$/);
      expect(p.provenance.generated).toBe(true);
      expect(p.provenance.repository).toMatch(/^https:\/\/github\.com\/NHSDigital\//);
    }
    expect(readdirSync(folder).filter((f) => f.endsWith('.tgz')).sort()).toEqual(manifest.packages.map((p) => p.file).sort());
    expect(total).toBeLessThan(15 * 1024 * 1024);
    const barsPkg = manifest.packages.find((p) => p.name === 'uk.nhsdigital.bars.r4')!;
    expect(barsPkg.provenance).toMatchObject({ guideRelease: '1.12.0', coreRelease: '1.5.0', licence: { spdx: null, licenceFile: false } });
    expect(barsPkg.provenance.licence.statement).toContain('Copyright NHS Digital');
    expect(manifest.packages[0]!.provenance.licence.spdx).toBe('Apache-2.0');
  });

  it('the rules (rules/**) and the embedded BaRS package come from the same guide release', () => {
    const barsPkg = manifest.packages.find((p) => p.name === 'uk.nhsdigital.bars.r4')!;
    for (const file of ['necessity/index.json', 'core/core-rules.json', 'tkw/tkw-checks.json']) {
      const { release } = JSON.parse(readFileSync(join(ROOT, 'rules', file), 'utf8')) as { release?: { guideRelease: string; coreRelease: string; guideCommit?: string } };
      expect(release, file).toMatchObject({ guideRelease: barsPkg.provenance.guideRelease, coreRelease: barsPkg.provenance.coreRelease, guideCommit: barsPkg.provenance.commit });
    }
  });

  it('a package given explicitly under the name the embedded one\'s source declares replaces it, with a note', async () => {
    const dir = join(tmp, 'ukcore-source');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'UKCore.R4.STU.02.00.00', version: '2.0.0' }));
    writeFileSync(join(dir, 'p.json'), JSON.stringify(profile({ url: 'https://fhir.hl7.org.uk/StructureDefinition/UKCore-Patient', version: '9.9.9' })));
    const loaded = await loadDefinitions({ igs: [dir], cacheDir: TEST_CACHE, offline: true, packageCache: join(tmp, 'no-cache'), defaultPackages: embeddedPackages(ROOT) });
    const names = loaded.defs.sourceInfos().map((s) => `${s.name}#${s.kind}`);
    expect(names).toEqual(['hl7.fhir.r4.core#embedded-core', 'uk.nhsdigital.bars.r4#embedded', 'UKCore.R4.STU.02.00.00#ig-folder']);
    const note = loaded.defs.diagnostics.find((d) => d.code === 'embedded-package-replaced')!;
    expect(note.severity).toBe('information');
    expect(note.message).toMatch(/^UKCore\.R4\.STU\.02\.00\.00#2\.0\.0 \(.*\) replaces the embedded fhir\.r4\.ukcore\.stu3\.currentbuild#0\.0\.0-generated\./);
    expect(loaded.defs.resolve('https://fhir.hl7.org.uk/StructureDefinition/UKCore-Patient')?.version).toBe('9.9.9');
    expect(loaded.defs.resolve('https://fhir.hl7.org.uk/StructureDefinition/UKCore-Bundle')).toBeUndefined();
  });
});

describe('a message naming a version that is not loaded', () => {
  const engine = async () => createEngine({ cacheDir: TEST_CACHE, offline: true, plugins: await barsPlugins({ messageDefinitions: [] }), ...barsDefaultSet() });

  it('meta.profile url|version: checked against the loaded version, said once per input', async () => {
    const url = 'https://fhir.hl7.org.uk/StructureDefinition/UKCore-Patient';
    const patient = { resourceType: 'Patient', id: 'p', meta: { profile: [`${url}|9.9.9`] }, gender: 'nonsense' };
    const r = await (await engine()).validate(JSON.stringify(patient));
    const notes = r.issues.filter((i) => i.ruleId === 'profile-version-substituted');
    expect(notes).toHaveLength(1);
    expect(notes[0]!.severity).toBe('information');
    expect(notes[0]!.message).toMatch(new RegExp(`^Profile ${url.replace(/[.]/g, '\\.')}\\|9\\.9\\.9 names version 9\\.9\\.9, which is not loaded: checked against version \\S+ from fhir\\.r4\\.ukcore\\.stu3\\.currentbuild#0\\.0\\.0-generated\\.`));
    expect(r.issues.map((i) => i.ruleId)).not.toContain('profile-unknown');
    // the profile was applied: its required binding on gender reports the bad code
    expect(r.valid).toBe(false);
  });

  it('MessageHeader.definition url|version and the entries\' profiles: one note each, content negotiation still checked', async () => {
    const msg = JSON.parse(readFileSync(join(ROOT, 'fixtures', 'bars', 'valid', 'APP1-referral-request.json'), 'utf8'));
    const header = msg.entry[0].resource;
    header.definition = `${header.definition}|9.9.9`;
    // every entry's profile, versioned (the Bundle's own is FIXED by the guide's payload table)
    for (const e of msg.entry) if (e.resource.meta?.profile) e.resource.meta.profile = e.resource.meta.profile.map((p: string) => `${p}|9.9.9`);
    const r = await (await engine()).validate(JSON.stringify(msg));
    expect(r.valid).toBe(true);
    const md = r.issues.filter((i) => i.ruleId === 'bars-md-version-substituted');
    expect(md).toHaveLength(1);
    expect(md[0]!.message).toMatch(/^MessageHeader\.definition https:\/\/fhir\.nhs\.uk\/MessageDefinition\/bars-message-servicerequest-request-referral\|9\.9\.9 names version 9\.9\.9, which is not loaded: content negotiation was checked against version \S+ \(uk\.nhsdigital\.bars\.r4#0\.0\.0-generated\./);
    const profiles = r.issues.filter((i) => i.ruleId === 'profile-version-substituted');
    expect(profiles.length).toBeGreaterThan(1);
    expect(new Set(profiles.map((i) => i.message)).size).toBe(profiles.length);
    expect(r.issues.map((i) => i.ruleId)).not.toContain('bars-md-not-found');
  });
});

describe.skipIf(!HAS_BUILD)('a fresh clone: empty HOME, no FHIR_PACKAGE_CACHE, offline', () => {
  if (!HAS_BUILD) it.skip(BUILD_SKIP_REASON, () => {});

  it('checks the BaRS fixtures against BaRS and UK Core: nothing defined in the sources is left unchecked', { timeout: 180_000 }, async () => {
    const home = join(tmp, 'home');
    mkdirSync(home, { recursive: true });
    const r = await bars(['validate', join(ROOT, 'fixtures', 'bars', 'valid'), '--offline', '--format', 'json'], {
      home,
      env: { FHIR_PACKAGE_CACHE: undefined, BARS_CACHE_DIR: undefined, XDG_CACHE_HOME: undefined },
    });
    expect(r.stderr).not.toMatch(/not complete|not in the FHIR package cache/);
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout) as RunResult;
    expect(result.results.length).toBeGreaterThan(20);
    for (const f of result.results) expect(f.valid, f.file).toBe(true);
    const defined = HAS_CORPUS ? new Set([...sourceUrls(corpusPath('bars')), ...sourceUrls(corpusPath('ukcore-stu3'))]) : embeddedUrls();
    expect(defined.has('https://fhir.nhs.uk/StructureDefinition/BARSBundleMessage')).toBe(true);
    const unchecked: string[] = [];
    for (const f of result.results) {
      for (const i of f.issues) {
        if (!['profile-unknown', 'profile-required-unknown', 'extension-unknown', 'code-system-unknown'].includes(i.ruleId)) continue;
        const url = /(https:\/\/fhir\.(?:nhs\.uk|hl7\.org\.uk)\/[^\s'"|,]+)/.exec(i.message)?.[1];
        if (url && (i.ruleId !== 'code-system-unknown' || defined.has(url))) unchecked.push(`${f.file}: ${i.ruleId} ${url}`);
      }
    }
    expect(unchecked).toEqual([]);
    // the run names what it checked against, and where that comes from
    const used = result.run!.packages.filter((p) => p.kind === 'embedded');
    expect(used.map((p) => p.name)).toEqual(['fhir.r4.ukcore.stu3.currentbuild', 'uk.nhsdigital.bars.r4']);
  });
});

describe.skipIf(!HAS_BUILD)('bars validate --ig <a package named like an embedded one>', () => {
  if (!HAS_BUILD) it.skip(BUILD_SKIP_REASON, () => {});

  it('uses it instead of the embedded one, and says so on stderr and in the JSON result', async () => {
    const home = join(tmp, 'home-ig');
    mkdirSync(home, { recursive: true });
    const pkgDir = writePackage(join(tmp, 'bars-1.42.0'), { name: 'uk.nhsdigital.bars.r4', version: '1.42.0', resources: [profile({ url: 'https://fhir.nhs.uk/StructureDefinition/BARS-test-patient' })] });
    const input = join(tmp, 'patient.json');
    writeFileSync(input, JSON.stringify({ resourceType: 'Patient', id: 'p', meta: { profile: ['https://fhir.nhs.uk/StructureDefinition/BARS-test-patient'] } }));
    const r = await bars(['validate', input, '--ig', pkgDir, '--offline', '--format', 'json'], { home });
    expect(r.code).toBe(0);
    const embeddedBars = manifest.packages.find((p) => p.name === 'uk.nhsdigital.bars.r4')!;
    expect(r.stderr).toContain(`bars: note: uk.nhsdigital.bars.r4#1.42.0 (${pkgDir}) replaces the embedded uk.nhsdigital.bars.r4#${embeddedBars.version}.`);
    const result = JSON.parse(r.stdout) as RunResult;
    expect(result.run!.packages.map((p) => `${p.name}#${p.version}`)).toContain('uk.nhsdigital.bars.r4#1.42.0');
    expect(result.run!.packages.map((p) => `${p.name}#${p.version}`)).not.toContain(`uk.nhsdigital.bars.r4#${embeddedBars.version}`);
    expect(result.results[0]!.issues.map((i) => i.ruleId)).not.toContain('profile-unknown');
  });
});

describe.skipIf(!HAS_CORPUS)('npm run build:definitions', () => {

  it('regenerates the committed set byte for byte from the corpus sources', { timeout: 300_000 }, async () => {
    const { buildDefinitions } = await import('../scripts/build-definitions.js');
    const out = join(tmp, 'rebuilt');
    await buildDefinitions({ bars: corpusPath('bars'), ukcore: corpusPath('ukcore-stu3') }, out);
    const built = readdirSync(out).filter((f) => f !== 'sources.json').sort();
    expect(built).toEqual(readdirSync(folder).filter((f) => f !== 'sources.json').sort());
    for (const f of built) {
      const same = readFileSync(join(out, f)).equals(readFileSync(join(folder, f)));
      expect(same, `${f} differs from a regeneration: run npm run build:definitions -- ../shared/corpus/bars ../shared/corpus/ukcore-stu3 and commit the result (${statSync(join(out, f)).size} vs ${statSync(join(folder, f)).size} bytes)`).toBe(true);
    }
  });
});
