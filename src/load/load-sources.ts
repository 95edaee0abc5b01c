/**
 * Loading, and nothing else: R4 core, the folders of definitions, the default packages and the
 * `--ig` arguments into one DefinitionSet, dependencies resolved transitively, every problem a
 * diagnostic that says what to do. The assembly (src/assemble.ts) makes the store, the package
 * locator and the plan compiler, and hands them in; this module builds none of them.
 */
import { existsSync, statSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import type { PlanCompiler } from '../compile/compiler.js';
import type { DefinitionStore } from './cache/store.js';
import { loadCore, R4_CORE } from './core/r4-core.js';
import type { DefinitionSet } from './definitions.js';
import type { DefaultPackage } from './embedded.js';
import { metaOf, DEFINITION_TYPES } from './meta.js';
import { inMemorySource } from './sources/build.js';
import { loadEmbeddedPackage } from './sources/embedded.js';
import { loadIgFolder } from './sources/ig-folder.js';
import { loadPackageFolder, packageContentDir } from './sources/package-folder.js';
import { parsePackageId, type PackageLocator } from './sources/package-cache.js';
import { readResourceFile } from './sources/resource-file.js';
import { unpackTgz } from './sources/tgz.js';
import { LoadError, type DefinitionEntry, type LoadDiagnostic, type LoadedSource, type SourceKind } from './types.js';

export interface LoadOptions {
  /** `--ig` values: `name#version`, a .tgz, an unpacked package, an IG source folder or one resource file. */
  igs?: string[];
  /** FHIR package cache folder (default ~/.fhir/packages, or FHIR_PACKAGE_CACHE). */
  packageCache?: string;
  /** FHIR package registry base URL (default https://packages.fhir.org, or BARS_FHIR_REGISTRY). */
  registry?: string;
  /** Never use the network. */
  offline?: boolean;
  /** The toolkit's own cache folder; false keeps everything in memory. */
  cacheDir?: string | false;
  /**
   * Packages loaded by default (the caller's choice; the CLI and the library pass the embedded
   * BaRS/UK Core set). A package given in `igs` with the same name (or one of its aliases)
   * replaces the default one. Default packages without a tarball are looked up in the package
   * cache, and only when no `igs` are given.
   */
  defaultPackages?: DefaultPackage[];
  /** Folders of definitions always loaded, before any package, so that a package loaded after them wins. */
  definitionFolders?: string[];
  /** Resolve package dependencies transitively (default true). */
  dependencies?: boolean;
  /**
   * An `igs` entry that cannot be loaded throws a LoadError (default true). With false it is
   * reported in the diagnostics (code `package-missing`) and the run validates what it can.
   */
  strict?: boolean;
  /** Why the registry is not used when `offline` is the caller's choice, not the user's (said in "not available" messages). */
  offlineReason?: string;
}

/** A default package that could not be loaded: what could not be checked, and how to fix it. */
export interface MissingDefault {
  name: string;
  version: string;
  why?: string;
  reason: string;
  hint?: string;
  embedded?: boolean;
}

/** Where loaded definitions go and what loading reads through. */
export interface LoadTargets {
  defs: DefinitionSet;
  store: DefinitionStore;
  locator: PackageLocator;
  /** Reads the resources of IG folders and single files (XML needs the FHIR types). */
  compiler: PlanCompiler;
}

/** Load R4 core and everything `options` names into `targets.defs`; returns the default packages that could not be loaded. */
export async function loadSources(targets: LoadTargets, options: LoadOptions = {}): Promise<MissingDefault[]> {
  const { defs, store, locator, compiler } = targets;
  defs.addSource(loadCore(store));
  const loader = new SourceLoader(defs, store, locator, compiler, options.dependencies !== false);

  // the caller's folders come first, so that any package loaded after them wins
  for (const folder of options.definitionFolders ?? []) {
    if (existsSync(folder)) loader.loadFolder(folder, 'project');
  }
  const missingDefaults: MissingDefault[] = [];
  const igs = options.igs ?? [];
  const embedded = new Map<LoadedSource, DefaultPackage>();
  for (const p of options.defaultPackages ?? []) {
    if (!p.tgz && igs.length > 0) continue;
    try {
      if (p.tgz) embedded.set(loader.loadEmbedded(p.tgz), p);
      else await loader.loadPackage(p.name, p.version, 'default set');
    } catch (e) {
      if (!(e instanceof LoadError)) throw e;
      missingDefaults.push({ ...p, reason: e.message, hint: e.hint, ...(p.tgz ? { embedded: true } : {}) });
      defs.diagnostics.push({
        severity: 'warning',
        code: 'default-package-missing',
        message: `${p.name}#${p.version}${p.why ? ` (${p.why})` : ''} is not loaded, so profiles from it cannot be checked: ${e.message}`,
        hint: e.hint,
      });
    }
  }
  for (const ig of igs) {
    try {
      await loader.loadIg(ig);
    } catch (e) {
      if (!(e instanceof LoadError) || options.strict !== false) throw e;
      defs.diagnostics.push({ severity: 'error', code: 'package-missing', message: `${ig} could not be loaded, so profiles from it cannot be checked: ${e.message}`, hint: e.hint });
    }
  }
  replaceEmbedded(defs, embedded);
  reportConflicts(defs);
  return missingDefaults;
}

/** Dependencies that are satisfied without loading anything. */
function isSatisfiedByCore(name: string, version: string): boolean {
  return name === R4_CORE.name && (version === '4.0.1' || version === '4.0' || version.startsWith('4.0.'));
}

/**
 * A package loaded explicitly (--ig, or as a dependency of one) with the name of an embedded
 * package, or the name the embedded package's source declares, is the same package in another
 * version: it replaces the embedded one, and the run says so.
 */
function replaceEmbedded(defs: DefinitionSet, embedded: Map<LoadedSource, DefaultPackage>): void {
  for (const [source, p] of embedded) {
    const names = new Set([p.name, source.info.name, ...(p.aliases ?? [])]);
    const other = defs.sources.find((s) => s.info.kind !== 'embedded' && s.info.kind !== 'embedded-core' && s.info.kind !== 'project' && names.has(s.info.name));
    if (!other) continue;
    defs.removeSource(source);
    defs.diagnostics.push({
      severity: 'information',
      code: 'embedded-package-replaced',
      message: `${other.info.name}#${other.info.version} (${other.info.location}) replaces the embedded ${source.info.name}#${source.info.version}.`,
    });
  }
}

const label = (e: DefinitionEntry): string => `${e.source.info.name}#${e.source.info.version}${e.file ? ` (${e.file})` : ''}`;

/**
 * Two different definitions claiming one canonical url|version: only one can be used, so the
 * run says which and where the other is. The toolkit's own copies (message-definitions/) being
 * superseded by a loaded package is expected, and only noted.
 */
function reportConflicts(defs: DefinitionSet): void {
  for (const c of defs.conflicts()) {
    const all = [c.used, ...c.others];
    const expected = c.others.every((o) => o.source.info.kind === 'project');
    defs.diagnostics.push({
      severity: expected ? 'information' : 'warning',
      code: 'canonical-conflict',
      message:
        `${c.used.resourceType} ${c.url}${c.version ? `|${c.version}` : ''} is defined ${all.length} times: ` +
        `using ${label(c.used)}, ignoring ${c.others.map(label).join(', ')}.`,
      file: c.used.source.info.location,
      hint: 'Load only one of them, or give the definitions different versions (url|version).',
    });
  }
}

class SourceLoader {
  private readonly loadedPackages = new Set<string>();

  constructor(
    private readonly defs: DefinitionSet,
    private readonly store: DefinitionStore,
    private readonly locator: PackageLocator,
    private readonly compiler: PlanCompiler,
    private readonly followDependencies: boolean,
  ) {}

  private diag(d: LoadDiagnostic): void {
    this.defs.diagnostics.push(d);
  }

  private add(source: LoadedSource, diagnostics: LoadDiagnostic[]): void {
    for (const d of diagnostics) this.diag(d);
    this.defs.addSource(source);
    this.loadedPackages.add(`${source.info.name}#${source.info.version}`);
  }

  /** One `--ig` argument. */
  async loadIg(ig: string): Promise<void> {
    const path = resolve(ig);
    if (existsSync(path)) {
      const st = statSync(path);
      if (st.isDirectory()) {
        if (packageContentDir(path)) await this.loadPackageDir(path, 'package-folder', ig);
        else this.loadFolder(path, 'ig-folder', ig);
        return;
      }
      const ext = extname(path).toLowerCase();
      if (ext === '.tgz' || path.endsWith('.tar.gz')) {
        let dir: string;
        try {
          dir = await unpackTgz(path, this.store.dir);
        } catch (e) {
          throw new LoadError(`--ig ${ig}: ${(e as Error).message}`, 'Check that the file is a FHIR package tarball (npm pack format).', ig);
        }
        await this.loadPackageDir(dir, 'tgz', ig);
        return;
      }
      if (ext === '.json' || ext === '.xml') {
        this.loadFile(path, ig);
        return;
      }
      throw new LoadError(
        `--ig ${ig}: unsupported file type "${ext || '(none)'}"`,
        'Give a FHIR package (.tgz), a package or IG source folder, a .json/.xml resource file, or a package id such as uk.nhsdigital.bars.r4#1.42.0.',
        ig,
      );
    }
    const id = parsePackageId(ig);
    if (!id || (!ig.includes('#') && !ig.includes('@') && !ig.includes('.'))) {
      throw new LoadError(
        `--ig ${ig}: no such file or folder, and not a package id`,
        'Use name#version for a FHIR package (e.g. fhir.r4.ukcore.stu2#2.0.2), or a path that exists.',
        ig,
      );
    }
    await this.loadPackage(id.name, id.version, '--ig');
  }

  async loadPackage(name: string, version: string, why: string): Promise<void> {
    if (isSatisfiedByCore(name, version)) return;
    if (this.loadedPackages.has(`${name}#${version}`)) return;
    const found = await this.locator.locate(name, version);
    if (this.loadedPackages.has(`${name}#${found.version}`)) return;
    await this.loadPackageDir(found.path, found.downloaded ? 'registry' : 'package-cache', `${name}#${found.version} (${why})`);
  }

  private async loadPackageDir(dir: string, kind: SourceKind, label: string): Promise<void> {
    const { source, diagnostics } = loadPackageFolder(dir, this.store, kind, dir);
    if (this.loadedPackages.has(`${source.info.name}#${source.info.version}`)) return;
    this.loadedPackages.add(`${source.info.name}#${source.info.version}`);
    await this.loadDependencies(source, label);
    this.add(source, diagnostics);
  }

  /** A package of the embedded set (a tarball generated by npm run build:definitions). */
  loadEmbedded(tgz: string): LoadedSource {
    const source = loadEmbeddedPackage(tgz, this.store);
    this.add(source, []);
    return source;
  }

  loadFolder(folder: string, kind: SourceKind, label = folder): void {
    const { source, diagnostics } = loadIgFolder(folder, this.store, this.compiler, { kind });
    // IG source folders often declare stale dependencies (Simplifier projects): load those
    // present in the cache, and say which are not, without failing.
    void label;
    this.pendingFolderDeps(source);
    this.add(source, diagnostics);
  }

  private pendingFolderDeps(source: LoadedSource): void {
    for (const [name, version] of Object.entries(source.info.dependencies)) {
      if (isSatisfiedByCore(name, version) || this.loadedPackages.has(`${name}#${version}`)) continue;
      const hit = this.followDependencies ? this.locator.findInCache(name, version) : undefined;
      if (hit) {
        const { source: dep, diagnostics } = loadPackageFolder(hit.path, this.store, 'package-cache', hit.path);
        if (!this.loadedPackages.has(`${dep.info.name}#${dep.info.version}`)) this.add(dep, diagnostics);
      } else if (this.followDependencies) {
        this.diag({
          severity: 'information',
          code: 'dependency-missing',
          message: `${source.info.name} (${source.info.location}) declares dependency ${name}#${version}, which is not in the package cache; loaded without it.`,
          hint: `If profiles from ${name} are needed, add it with: bars packages add <${name}.tgz> or --ig ${name}#${version}`,
        });
      }
    }
  }

  private async loadDependencies(source: LoadedSource, label: string): Promise<void> {
    if (!this.followDependencies) return;
    for (const [name, version] of Object.entries(source.info.dependencies)) {
      if (isSatisfiedByCore(name, version)) continue;
      if (this.loadedPackages.has(`${name}#${version}`)) continue;
      try {
        await this.loadPackage(name, version, `dependency of ${label}`);
      } catch (e) {
        if (!(e instanceof LoadError)) throw e;
        this.diag({
          severity: 'warning',
          code: 'dependency-missing',
          message: `Dependency ${name}#${version} of ${source.info.name}#${source.info.version} could not be loaded: ${e.message}`,
          hint: e.hint,
        });
      }
    }
  }

  private loadFile(path: string, label: string): void {
    const { resources, diagnostics } = readResourceFile(path, this.compiler, label);
    for (const d of diagnostics) this.diag(d);
    if (diagnostics.some((d) => d.severity === 'error')) {
      const d = diagnostics.find((x) => x.severity === 'error')!;
      throw new LoadError(`--ig ${label}: ${d.message}`, 'Fix the file or leave it out of --ig.', label);
    }
    const items = resources
      .filter((r) => DEFINITION_TYPES.has(r.resourceType))
      .map((r) => ({ meta: metaOf(r, label), resource: r }));
    if (items.length === 0) {
      this.diag({
        severity: 'warning',
        code: 'no-definitions',
        message: `--ig ${label} contains no conformance resource (StructureDefinition, ValueSet, CodeSystem...); nothing loaded from it.`,
        file: label,
      });
      return;
    }
    this.defs.addSource(
      inMemorySource({ name: label, version: 'file', kind: 'file', location: path, dependencies: {} }, items),
    );
  }
}
