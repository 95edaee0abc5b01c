/**
 * FHIR packages by `name#version`, from the standard FHIR package cache
 * (~/.fhir/packages) and, when reachable, the FHIR package registry. Locating, downloading
 * and placing packages in the cache is fhir-package-loader's job; reading them is ours.
 */
import { existsSync, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { compareVersions } from '../definitions.js';
import { LoadError } from '../types.js';

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
  const m = /^([A-Za-z0-9][A-Za-z0-9._-]*)(?:[#@]([A-Za-z0-9._+-]+|latest|current|dev))?$/.exec(id.trim());
  if (!m) return undefined;
  return { name: m[1]!, version: m[2] ?? 'latest' };
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
  private fplCache: import('fhir-package-loader').DiskBasedPackageCache | undefined;

  constructor(opts: PackageLocatorOptions = {}) {
    this.cacheDir = opts.packageCache ? resolve(opts.packageCache) : defaultPackageCacheDir();
    this.registry = (opts.registry ?? process.env.BARS_FHIR_REGISTRY ?? DEFAULT_REGISTRY).replace(/\/$/, '');
    this.offline = opts.offline ?? process.env.BARS_OFFLINE === '1';
    this.offlineReason = opts.offlineReason ?? 'offline mode is on (--offline / BARS_OFFLINE=1)';
    this.timeoutMs = opts.timeoutMs ?? 20_000;
  }

  private async cache(): Promise<import('fhir-package-loader').DiskBasedPackageCache> {
    if (!this.fplCache) {
      const fpl = await import('fhir-package-loader');
      this.fplCache = new fpl.DiskBasedPackageCache(this.cacheDir);
    }
    return this.fplCache;
  }

  /** Versions of a package present in the cache. */
  cachedVersions(name: string): string[] {
    if (!existsSync(this.cacheDir)) return [];
    return readdirSync(this.cacheDir)
      .filter((d) => d.startsWith(name + '#'))
      .map((d) => d.slice(name.length + 1))
      .filter((v) => existsSync(join(this.cacheDir, `${name}#${v}`, 'package', 'package.json')))
      .sort(compareVersions);
  }

  /** Path of a cached package (the folder containing package/), resolving `latest`/`x` wildcards from the cache. */
  findInCache(name: string, version: string): { path: string; version: string } | undefined {
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
    if (this.offline) throw this.notAvailable(name, version, this.offlineReason);
    try {
      const fpl = await import('fhir-package-loader');
      const client = new fpl.FHIRRegistryClient(this.registry, {});
      const resolved = await this.withTimeout(client.resolveVersion(name, version));
      const stream = await this.withTimeout(client.download(name, resolved));
      const cache = await this.cache();
      const path = await this.withTimeout(cache.cachePackageTarball(name, resolved, stream as Readable));
      return { path, version: resolved, downloaded: true };
    } catch (e) {
      if (e instanceof LoadError) throw e;
      const why = (e as Error)?.message ?? String(e);
      throw this.notAvailable(name, version, `the registry ${this.registry} could not provide it (${why.slice(0, 160)})`);
    }
  }

  /** Copy a tarball into the FHIR package cache (for `bars packages add`). */
  async addTarball(name: string, version: string, data: Readable): Promise<string> {
    const cache = await this.cache();
    return cache.cachePackageTarball(name, version, data);
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
