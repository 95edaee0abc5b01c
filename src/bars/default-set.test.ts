import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { engineLoadOptions, loadDefinitions } from '../assemble.js';
import { embeddedPackages } from '../load/embedded.js';
import { toolkitRoot } from '../load/toolkit-root.js';
import { TEST_CACHE } from '../../test/support/engine.js';
import { barsDefaultSet } from './default-set.js';

describe('the BaRS default set, chosen by the caller of the engine', () => {
  const root = toolkitRoot();

  it('is the embedded packages and the toolkit\'s own profiles and MessageDefinitions', () => {
    const set = barsDefaultSet();
    expect(set.defaultPackages).toEqual(embeddedPackages(root));
    expect(set.defaultPackages!.length).toBeGreaterThan(0);
    expect(set.definitionFolders).toEqual([join(root, 'profiles', 'fsh-generated', 'resources'), join(root, 'message-definitions')]);
  });

  it('follows the options: barsDefaults false drops the packages, projectDefinitions false the folders, defaultPackages replaces the embedded set', () => {
    expect(barsDefaultSet({ barsDefaults: false }).defaultPackages).toBeUndefined();
    expect(barsDefaultSet({ barsDefaults: false, defaultPackages: [{ name: 'x', version: '1' }] }).defaultPackages).toBeUndefined();
    expect(barsDefaultSet({ projectDefinitions: false }).definitionFolders).toEqual([]);
    expect(barsDefaultSet({ defaultPackages: [{ name: 'x', version: '1' }] }).defaultPackages).toEqual([{ name: 'x', version: '1' }]);
  });

  it('is not loaded by the engine unless passed: without it only R4 core is there', async () => {
    const loaded = await loadDefinitions({ ...engineLoadOptions({ cacheDir: TEST_CACHE, offline: true }) });
    expect(loaded.defs.sourceInfos().map((s) => s.kind)).toEqual(['embedded-core']);
    const withSet = await loadDefinitions({ ...engineLoadOptions({ cacheDir: TEST_CACHE, offline: true, ...barsDefaultSet() }) });
    const kinds = withSet.defs.sourceInfos().map((s) => `${s.kind} ${s.name}`);
    for (const p of embeddedPackages(root)) expect(kinds).toContain(`embedded ${p.name}`);
    expect(kinds.filter((k) => k.startsWith('project '))).toHaveLength(2);
  });
});
