/**
 * Default packages named by name#version (no tarball): loaded from the FHIR package cache when a
 * run names no --ig; when they are not there (offline), the run goes on and says what could not
 * be checked. (The toolkit's own default set is embedded: test/embedded-definitions.test.ts.)
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TEST_CACHE } from '../../test/support/engine.js';
import { cleanup, profile, putInCache, tempDir } from '../../test/support/packages.js';
import { loadDefinitions } from '../assemble.js';
import { missingPackageNote } from './missing-packages.js';

/** A set pinned by name#version, as a caller of createValidator({ defaultPackages }) may give. */
const BARS_PACKAGE_SET = [
  { name: 'uk.nhsdigital.bars.r4', version: '1.42.0', why: 'BaRS profiles, MessageDefinitions and CodeSystems' },
  { name: 'fhir.r4.ukcore.stu3.currentbuild', version: 'latest', why: 'UK Core STU3 profiles BaRS derives from' },
];

const tmp = tempDir('bars-defaults-');
afterAll(() => cleanup(tmp));

const [BARS, UKCORE] = BARS_PACKAGE_SET as [(typeof BARS_PACKAGE_SET)[0], (typeof BARS_PACKAGE_SET)[0]];
const UK_PATIENT = 'https://fhir.hl7.org.uk/StructureDefinition/UKCore-Patient';
const BARS_PATIENT = 'https://fhir.nhs.uk/StructureDefinition/BARSPatient-test';

function fillCache(cache: string): void {
  for (const v of ['2.0.0', '2.1.0']) {
    putInCache(cache, { name: UKCORE.name, version: v, resources: [profile({ url: UK_PATIENT, version: v })] });
  }
  putInCache(cache, {
    name: BARS.name,
    version: BARS.version,
    dependencies: { 'hl7.fhir.r4.core': '4.0.1' },
    resources: [profile({ url: BARS_PATIENT, version: BARS.version, base: UK_PATIENT })],
  });
}

describe('default packages by name#version', () => {
  it('is loaded from the package cache when no --ig is given (UK Core: the latest cached)', async () => {
    const cache = join(tmp, 'cache-full');
    fillCache(cache);
    const loaded = await loadDefinitions({ cacheDir: TEST_CACHE, offline: true, packageCache: cache, defaultPackages: BARS_PACKAGE_SET });
    expect(loaded.missingDefaults).toEqual([]);
    expect(loaded.defs.sourceInfos().map((s) => `${s.name}#${s.version}`)).toEqual([
      'hl7.fhir.r4.core#4.0.1',
      `${BARS.name}#${BARS.version}`,
      `${UKCORE.name}#2.1.0`,
    ]);
    expect(loaded.defs.diagnostics).toEqual([]);
    expect(loaded.structures.getStructure(BARS_PATIENT)?.snapshot?.element.length).toBeGreaterThan(40);
  });

  it('is not loaded when the run names its own IGs', async () => {
    const cache = join(tmp, 'cache-full-2');
    fillCache(cache);
    const loaded = await loadDefinitions({ igs: [`${UKCORE.name}#2.0.0`], cacheDir: TEST_CACHE, offline: true, packageCache: cache, defaultPackages: BARS_PACKAGE_SET });
    expect(loaded.defs.sourceInfos().map((s) => `${s.name}#${s.version}`)).toEqual(['hl7.fhir.r4.core#4.0.1', `${UKCORE.name}#2.0.0`]);
  });

  it('offline and not cached: the run goes on, each package is named with how to provide it', async () => {
    const cache = join(tmp, 'cache-empty');
    const loaded = await loadDefinitions({ cacheDir: TEST_CACHE, offline: true, packageCache: cache, defaultPackages: BARS_PACKAGE_SET });
    expect(loaded.missingDefaults.map((m) => `${m.name}#${m.version}`)).toEqual([`${BARS.name}#${BARS.version}`, `${UKCORE.name}#latest`]);
    for (const m of loaded.missingDefaults) {
      expect(m.reason).toContain(cache);
      expect(m.hint).toContain(`bars packages add <path/to/${m.name}-${m.version}.tgz`);
    }
    const diags = loaded.defs.diagnostics.filter((d) => d.code === 'default-package-missing');
    expect(diags.map((d) => d.severity)).toEqual(['warning', 'warning']);
    expect(diags[0]!.message).toContain(`${BARS.name}#${BARS.version} (${BARS.why}) is not loaded, so profiles from it cannot be checked`);

    // after the run: which of the profiles the inputs named could not be checked, and how to provide them
    const issue = (ruleId: string, message: string) => ({ severity: 'warning' as const, code: 'not-found' as const, message, expression: null, line: 1, column: 1, ruleId, source: null });
    const note = missingPackageNote(
      loaded.missingDefaults,
      [
        {
          file: 'a.json',
          resourceType: 'Bundle',
          profiles: [],
          valid: true,
          issues: [
            issue('profile-unknown', 'Profile https://fhir.nhs.uk/StructureDefinition/BARSBundleMessage has not been checked because it could not be found. …'),
            issue('extension-unknown', 'The extension https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-EthnicCategory could not be found, so it was not checked. …'),
            issue('profile-unknown', 'Profile http://example.org/StructureDefinition/other has not been checked because it could not be found.'),
          ],
        },
      ],
      cache,
      'https://packages.fhir.org',
      true,
    )!;
    expect(note).toContain(`${BARS.name}#${BARS.version}, ${UKCORE.name}#latest are not in the FHIR package cache (${cache}) and the run is offline`);
    expect(note).toContain(`from ${BARS.name}#${BARS.version}: https://fhir.nhs.uk/StructureDefinition/BARSBundleMessage`);
    expect(note).toContain(`from ${UKCORE.name}#latest: https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-EthnicCategory`);
    expect(note).not.toContain('example.org');
    expect(note).toContain(`bars packages add <path/to/${BARS.name}-${BARS.version}.tgz | unpacked package folder>`);
    expect(note).toContain('--package-cache <dir> or FHIR_PACKAGE_CACHE');
  });

  it('an embedded tarball that is damaged: the run goes on, the note says to restore or rebuild the set', async () => {
    const bad = join(tmp, 'damaged.tgz');
    writeFileSync(bad, 'not a tarball');
    const loaded = await loadDefinitions({ cacheDir: TEST_CACHE, offline: true, packageCache: join(tmp, 'none'), defaultPackages: [{ name: 'uk.nhsdigital.bars.r4', version: '0.0.0-generated.x', tgz: bad }] });
    expect(loaded.missingDefaults).toMatchObject([{ name: 'uk.nhsdigital.bars.r4', embedded: true }]);
    expect(loaded.missingDefaults[0]!.reason).toContain(`${bad} is damaged`);
    const note = missingPackageNote(loaded.missingDefaults, [], join(tmp, 'none'), 'https://packages.fhir.org', true)!;
    expect(note).toContain('the embedded definition set is not complete: uk.nhsdigital.bars.r4#0.0.0-generated.x (');
    expect(note).toContain('npm run build:definitions');
    expect(note).not.toContain('bars packages add');
  });
});
