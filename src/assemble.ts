/**
 * Assembly, the one place the engine's parts are built: the definition store, the package
 * locator, the snapshot service and the plan compiler around one DefinitionSet, filled by load/
 * (loadDefinitions); then the terminology service and the instance validator on top
 * (assembleValidator). The library, the CLI and `bars packages` all go through here. It sits above
 * load/, snapshot/ and compile/ so that load/ only reads sources and snapshot/ can depend on load/
 * without a cycle. It picks no definitions itself: what is loaded by default is the caller's
 * choice (the BaRS set: bars/default-set.ts).
 */
import { PlanCompiler } from './compile/compiler.js';
import { SnapshotService } from './snapshot/service.js';
import { TerminologyService } from './terminology/index.js';
import { InstanceValidator } from './validate/validator.js';
import { defaultCacheDir, DefinitionStore } from './load/cache/store.js';
import { DefinitionSet } from './load/definitions.js';
import { loadSources, type LoadOptions, type MissingDefault } from './load/load-sources.js';
import { PackageLocator } from './load/sources/package-cache.js';

export type { LoadOptions, MissingDefault } from './load/load-sources.js';
export { toolkitRoot } from './load/toolkit-root.js';

export interface LoadedDefinitions {
  defs: DefinitionSet;
  structures: SnapshotService;
  compiler: PlanCompiler;
  store: DefinitionStore;
  locator: PackageLocator;
  /** Default-set packages that could not be loaded (what could not be checked, and how to fix it). */
  missingDefaults: MissingDefault[];
  timings: { totalMs: number };
}

/** What the engine is assembled from (the loading part of EngineOptions). */
export type AssemblyOptions = Pick<LoadOptions, 'igs' | 'packageCache' | 'registry' | 'offline' | 'cacheDir' | 'strict' | 'defaultPackages' | 'definitionFolders'>;

/** The load options of an engine: its IGs, and the default packages and folders its caller chose. */
export function engineLoadOptions(options: AssemblyOptions): LoadOptions {
  return {
    igs: options.igs,
    packageCache: options.packageCache,
    registry: options.registry,
    offline: options.offline,
    cacheDir: options.cacheDir,
    defaultPackages: options.defaultPackages,
    definitionFolders: options.definitionFolders,
    strict: options.strict,
  };
}

/** How the validator on top of loaded definitions behaves. */
export interface ValidatorAssemblyOptions {
  offline?: boolean;
  tx?: string;
  unknownExtensions?: 'warning' | 'error' | 'ignore';
  maxIssues?: number;
  bestPractice?: boolean;
}

/** The terminology service and the instance validator for loaded definitions. */
export function assembleValidator(loaded: LoadedDefinitions, options: ValidatorAssemblyOptions = {}): { terminology: TerminologyService; validator: InstanceValidator } {
  const terminology = new TerminologyService(loaded.defs, {
    txServer: options.offline ? undefined : options.tx,
    cache: loaded.store,
  });
  const validator = new InstanceValidator(loaded.defs, loaded.compiler, terminology, {
    unknownExtensions: options.unknownExtensions,
    maxIssues: options.maxIssues,
    bestPractice: options.bestPractice === true,
  });
  return { terminology, validator };
}

/** The definitions' parts built around one DefinitionSet, which load/ then fills as `options` say. */
export async function loadDefinitions(options: LoadOptions = {}): Promise<LoadedDefinitions> {
  const t0 = performance.now();
  const defs = new DefinitionSet();
  const store = new DefinitionStore(options.cacheDir === false ? undefined : (options.cacheDir ?? defaultCacheDir()), defs.diagnostics);
  const locator = new PackageLocator({ packageCache: options.packageCache, registry: options.registry, offline: options.offline, offlineReason: options.offlineReason });
  const structures = new SnapshotService(defs, store);
  const compiler = new PlanCompiler(structures);
  const missingDefaults = await loadSources({ defs, store, locator, compiler }, options);
  return { defs, structures, compiler, store, locator, missingDefaults, timings: { totalMs: performance.now() - t0 } };
}
