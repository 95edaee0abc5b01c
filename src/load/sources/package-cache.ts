/**
 * FHIR packages by `name#version`, from the standard FHIR package cache
 * (~/.fhir/packages) and, when reachable, the FHIR package registry. Talking to the registry
 * is fhir-package-loader's job; unpacking into the cache (under limits, ids checked) and reading are ours.
 */
import { cpSync, existsSync, lstatSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { compareVersions } from '../definitions.js';
import { LoadError } from '../types.js';
import { ID_HINT, packageFolderIn, packageIdProblem } from './package-id.js';
import { extractTgz, normalisePackageLayout } from './tgz.js';

export const DEFAULT_REGISTRY = 'https://packages.fhir.org';

export function defaultPackageCacheDir(): string {
  if (process.env.FHIR_PACKAGE_CACHE) return resolve(process.env.FHIR_PACKAGE_CACHE);
  return join(homedir(), '.fhir', 'packages');
}

export interface PackageLocatorOptions {
  packageCache?: string;
  registry?: string;
  offline?: boolean;
  /** Why the registry is not used, when `offline` is set by the caller rather than asked for by the user. */
  offlineReason?: string;
  /** Max time for one registry request. */
  timeoutMs?: number;
}

/** Parse `name#version` (also `name@version`, `name` alone meaning latest). */
export function parsePackageId(id: string): { name: string; version: string } | undefined {
  const m = /^([^#@]+)(?:[#@]([^#@]+))?$/.exec(id.trim());
  if (!m) return undefined;
  const parsed = { name: m[1]!, version: m[2] ?? 'latest' };
  return packageIdProblem(parsed.name, parsed.version, id) ? undefined : parsed;
}

export function isPackageId(s: string): boolean {
  return /^[A-Za-z0-9][A-Za-z0-9._-]*\.[A-Za-z0-9._-]+[#@][A-Za-z0-9._+-]+$/.test(s);
}

export class PackageLocator {
  readonly cacheDir: string;
  readonly registry: string;
  readonly offline: boolean;
  private readonly offlineReason: string;
  private readonly timeoutMs: number;

  constructor(opts: PackageLocatorOptions = {}) {
    this.cacheDir = opts.packageCache ? resolve(opts.packageCache) : defaultPackageCacheDir();
    this.registry = (opts.registry ?? process.env.BARS_FHIR_REGISTRY ?? DEFAULT_REGISTRY).replace(/\/$/, '');
    this.offline = opts.offline ?? process.env.BARS_OFFLINE === '1';
    this.offlineReason = opts.offlineReason ?? 'offline mode is on (--offline / BARS_OFFLINE=1)';
    this.timeoutMs = opts.timeoutMs ?? 20_000;
  }

  /** Versions of a package present in the cache. */
  cachedVersions(name: string): string[] {
    if (!existsSync(this.cacheDir) || packageIdProblem(name, 'latest', name)) return [];
    return readdirSync(this.cacheDir)
      .filter((d) => d.startsWith(name + '#'))
      .map((d) => d.slice(name.length + 1))
      .filter((v) => existsSync(join(this.cacheDir, `${name}#${v}`, 'package', 'package.json')))
      .sort(compareVersions);
  }

  /** Path of a cached package (the folder containing package/), resolving `latest`/`x` wildcards from the cache. */
  findInCache(name: string, version: string): { path: string; version: string } | undefined {
    // an id from someone's package.json that cannot be a cache folder is not in the cache
    if (packageIdProblem(name, version, name)) return undefined;
    if (version === 'latest' || version === 'current' || version.endsWith('.x')) {
      const prefix = version.endsWith('.x') ? version.slice(0, -1) : '';
      const versions = this.cachedVersions(name).filter((v) => v.startsWith(prefix) && !/-(cibuild|snapshot)/.test(v));
      const best = versions[versions.length - 1];
      return best ? { path: join(this.cacheDir, `${name}#${best}`), version: best } : undefined;
    }
    const p = join(this.cacheDir, `${name}#${version}`);
    return existsSync(join(p, 'package', 'package.json')) ? { path: p, version } : undefined;
  }

  /** Cached path of a package, downloading it into the cache when missing and the registry is reachable. */
  async locate(name: string, version: string): Promise<{ path: string; version: string; downloaded: boolean }> {
    const hit = this.findInCache(name, version);
    if (hit) return { ...hit, downloaded: false };
    const problem = packageIdProblem(name, version, `${name}#${version}`);
    if (problem) throw new LoadError(problem, ID_HINT);
    if (this.offline) throw this.notAvailable(name, version, this.offlineReason);
    try {
      const fpl = await import('fhir-package-loader');
      const client = new fpl.FHIRRegistryClient(this.registry, {});
      const resolved = await this.withTimeout(client.resolveVersion(name, version));
      const stream = await this.withTimeout(client.download(name, resolved));
      const path = await this.withTimeout(this.addTarball(name, resolved, stream as Readable, `${name}#${resolved} from ${this.registry}`));
      return { path, version: resolved, downloaded: true };
    } catch (e) {
      if (e instanceof LoadError) throw e;
      const why = (e as Error)?.message ?? String(e);
      throw this.notAvailable(name, version, `the registry ${this.registry} could not provide it (${why.slice(0, 160)})`);
    }
  }

  /** Unpack a tarball (under the unpacking limits) into the cache as `<name>#<version>`. */
  async addTarball(name: string, version: string, data: string | Readable, label = typeof data === 'string' ? data : `${name}#${version}`): Promise<string> {
    return placePackage(this.cacheDir, name, version, async (dir) => {
      await extractTgz(data, dir, label);
      normalisePackageLayout(dir);
    });
  }

  /** Copy an unpacked package's content folder (the one holding package.json) into the cache as `<name>#<version>`. */
  async addFolder(name: string, version: string, content: string, after?: (packageDir: string) => void): Promise<string> {
    return placePackage(this.cacheDir, name, version, (dir) => {
      // links are left out (a link could name any file on the machine), and so are tool folders
      cpSync(content, join(dir, 'package'), { recursive: true, filter: (src) => (src === content || !lstatSync(src).isSymbolicLink()) && !/[\\/](node_modules|\.git)$/.test(src) });
      after?.(join(dir, 'package'));
    });
  }

  notAvailable(name: string, version: string, why: string): LoadError {
    return new LoadError(
      `FHIR package ${name}#${version} is not in the package cache (${this.cacheDir}) and ${why}.`,
      [
        `Provide it in one of these ways:`,
        `  • bars packages add <path/to/${name}-${version}.tgz | unpacked folder>   (copies it into the cache)`,
        `  • --ig <path/to/${name}-${version}.tgz | folder>   (for one run)`,
        `  • run once with network access to ${this.registry} (it is then cached)`,
        `  • point --package-cache / FHIR_PACKAGE_CACHE at a cache that has it`,
      ].join('\n'),
    );
  }

  private withTimeout<T>(p: Promise<T>): Promise<T> {
    return new Promise<T>((res, rej) => {
      const t = setTimeout(() => rej(new Error(`no answer within ${this.timeoutMs / 1000}s`)), this.timeoutMs);
      t.unref?.();
      p.then(
        (v) => {
          clearTimeout(t);
          res(v);
        },
        (e) => {
          clearTimeout(t);
          rej(e);
        },
      );
    });
  }
}

/**
 * Write a package into `<cache>/<name>#<version>` through a temporary folder beside it, so that
 * a package added again replaces the old one completely and a failure leaves nothing half-written.
 * `fill` receives the folder that becomes `<name>#<version>` (it holds `package/`). The id is
 * checked first and the target must be a direct child of the cache folder: nothing outside the
 * cache is written or deleted.
 */
export async function placePackage(cacheDir: string, name: string, version: string, fill: (dir: string) => void | Promise<void>): Promise<string> {
  const target = packageFolderIn(cacheDir, name, version);
  const tmp = `${target}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  try {
    await fill(tmp);
    rmSync(target, { recursive: true, force: true });
    renameSync(tmp, target);
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
  return target;
}
