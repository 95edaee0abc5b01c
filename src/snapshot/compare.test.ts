import { describe, expect, it } from 'vitest';
import { loadDefinitions } from '../assemble.js';
import { comparePackage } from './compare-package.js';
import { summarise } from './compare.js';
import { corpusPath, HAS_CORPUS } from '../../test/support/corpus.js';

describe.skipIf(!HAS_CORPUS)('snapshot generation against UK Core STU2 2.0.2 published snapshots', () => {
  it('regenerates all 78 snapshots with 100% ids and cardinalities and >= 99% of compared properties', async () => {
    const r = comparePackage(await loadDefinitions({ igs: [corpusPath('packages', 'fhir.r4.ukcore.stu2-2.0.2.tgz')], cacheDir: false, offline: true, dependencies: false }));
    const s = summarise(r);
    expect(r.profiles).toBe(78);
    expect(r.failures).toEqual([]);
    expect(s.idAgreement).toBe(1);
    expect(s.cardinality).toBe(1);
    expect(s.overall).toBeGreaterThanOrEqual(0.99);
    // today every compared property agrees; pin it so a regression is seen at once
    expect(r.differences).toEqual([]);
  });
});
