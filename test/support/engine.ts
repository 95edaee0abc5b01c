/**
 * Engines for tests, created once per test file and shared by its tests. The toolkit's disk
 * cache goes to a folder under the OS temp dir, so repeated runs load in milliseconds.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEngine, type Engine, type EngineOptions } from '../../src/engine.js';
import { barsPlugins } from '../../src/bars/plugin.js';
import { barsDefaultSet, type DefaultSetOptions } from '../../src/bars/default-set.js';
import { corpusPath, HAS_CORPUS } from './corpus.js';

export const TEST_CACHE = join(tmpdir(), 'bars-toolkit-test-cache');

const engines = new Map<string, Promise<Engine>>();

/** An engine loading what `bars validate` loads by default (the BaRS set), unless `options` say otherwise. */
export function engine(options: Omit<EngineOptions, 'defaultPackages' | 'definitionFolders'> & DefaultSetOptions = {}): Promise<Engine> {
  const key = JSON.stringify(options);
  let e = engines.get(key);
  if (!e) {
    const { barsDefaults, defaultPackages, projectDefinitions, ...rest } = options;
    e = createEngine({ cacheDir: TEST_CACHE, offline: true, ...rest, ...barsDefaultSet({ barsDefaults, defaultPackages, projectDefinitions }) });
    engines.set(key, e);
  }
  return e;
}

/**
 * R4 core + the toolkit's own definitions, without the embedded BaRS/UK Core set: the engine
 * unit tests and the R4 fixtures are about FHIR itself, and build their own profiles.
 */
export function plainEngine(): Promise<Engine> {
  return engine({ barsDefaults: false });
}

/** With UK Core STU3 and BaRS from the corpus (when present) and the BaRS layer. */
export async function barsEngine(messageDefinitions: string[] = []): Promise<Engine> {
  const key = `bars:${messageDefinitions.join(',')}`;
  let e = engines.get(key);
  if (!e) {
    e = (async () =>
      createEngine({
        cacheDir: TEST_CACHE,
        offline: true,
        igs: HAS_CORPUS ? [corpusPath('ukcore-stu3'), corpusPath('bars')] : [],
        plugins: await barsPlugins({ messageDefinitions }),
        ...barsDefaultSet(),
      }))();
    engines.set(key, e);
  }
  return e;
}
