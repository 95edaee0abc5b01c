/**
 * A FHIR package tarball on disk: unpacked once into the toolkit cache (keyed by the
 * tarball's content hash), then read like any unpacked package.
 *
 * Tarballs come from other people (a registry, a supplier, a pull request), so unpacking
 * streams under limits: total unpacked bytes, number of entries and size of one entry
 * (checked from each entry's header, before its data is written), and only files and folders
 * are written (no links or devices). Past a limit the unpacking stops with a clear error and
 * leaves nothing behind.
 */
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type * as Tar from 'tar';
import { LoadError } from '../types.js';

export interface UnpackLimits {
  /** Sum of the sizes of all entries. */
  maxTotalBytes: number;
  /** Number of entries (files and folders). */
  maxEntries: number;
  /** Size of any one file. */
  maxEntryBytes: number;
}

const MB = 1024 * 1024;

/** Generous for real packages (hl7.fhir.r4.core unpacks to ~150 MB in ~5 000 files); env vars raise them. */
export function unpackLimits(env: NodeJS.ProcessEnv = process.env): UnpackLimits {
  const num = (name: string, fallback: number): number => {
    const v = Number(env[name]);
    return Number.isFinite(v) && v > 0 ? v : fallback;
  };
  return {
    maxTotalBytes: num('BARS_PACKAGE_MAX_MB', 512) * MB,
    maxEntries: num('BARS_PACKAGE_MAX_ENTRIES', 100_000),
    maxEntryBytes: num('BARS_PACKAGE_MAX_FILE_MB', 256) * MB,
  };
}

const LIMIT_HINT =
  'A FHIR package is far smaller than this; check where the tarball came from. If it is genuine, raise the limits with BARS_PACKAGE_MAX_MB, BARS_PACKAGE_MAX_ENTRIES or BARS_PACKAGE_MAX_FILE_MB.';

const WRITTEN_TYPES = new Set(['File', 'OldFile', 'ContiguousFile', 'Directory']);

/**
 * Unpack a gzipped tarball (a file path or a stream) into `dir` under the limits. Throws a
 * LoadError naming `label` when the data is not a tarball or passes a limit.
 */
export async function extractTgz(data: string | Readable, dir: string, label: string, limits: UnpackLimits = unpackLimits()): Promise<void> {
  const source = typeof data === 'string' ? createReadStream(data) : data;
  let entries = 0;
  let total = 0;
  let stopped: LoadError | undefined;
  const stop = (message: string): false => {
    stopped ??= new LoadError(`${label}: ${message}; unpacking stopped.`, LIMIT_HINT, label);
    source.destroy(stopped);
    return false;
  };
  // tar is loaded when a tarball is unpacked, not by every run that only reads the cache
  const tar: typeof Tar = await import('tar');
  const unpack = tar.x({
    cwd: dir,
    strict: true,
    preservePaths: false,
    filter: (path, entry) => {
      if (stopped) return false;
      const e = entry as Tar.ReadEntry;
      entries++;
      if (entries > limits.maxEntries) return stop(`more than ${limits.maxEntries} entries`);
      const size = e.size ?? 0;
      if (size > limits.maxEntryBytes) return stop(`entry ${path} is ${size} bytes, more than the ${limits.maxEntryBytes}-byte limit for one file`);
      total += size;
      if (total > limits.maxTotalBytes) return stop(`more than ${limits.maxTotalBytes} bytes unpacked`);
      return WRITTEN_TYPES.has(e.type);
    },
  });
  try {
    await pipeline(source, unpack);
  } catch (e) {
    if (stopped) throw stopped;
    throw new LoadError(`${label} is not a readable .tgz package: ${(e as Error)?.message ?? String(e)}`, 'Check that the file is a FHIR package tarball (npm pack format).', label);
  }
  if (stopped) throw stopped;
}

/** Some packages put their files at the top level instead of under package/: move them there. */
export function normalisePackageLayout(dir: string): void {
  if (existsSync(join(dir, 'package'))) return;
  mkdirSync(join(dir, 'package'), { recursive: true });
  for (const n of readdirSync(dir)) if (n !== 'package') renameSync(join(dir, n), join(dir, 'package', n));
}

/** Unpack (if not yet) and return the folder that contains `package/`. */
export async function unpackTgz(tgzPath: string, cacheDir: string | undefined, limits: UnpackLimits = unpackLimits()): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(tgzPath), hash);
  const base = cacheDir ? join(cacheDir, 'tgz') : join(tmpdir(), 'bars-toolkit-tgz');
  const target = join(base, hash.digest('hex').slice(0, 32));
  if (existsSync(join(target, '.complete'))) return target;
  const tmp = `${target}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  try {
    await extractTgz(tgzPath, tmp, tgzPath, limits);
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
  normalisePackageLayout(tmp);
  writeFileSync(join(tmp, '.complete'), '');
  rmSync(target, { recursive: true, force: true });
  renameSync(tmp, target);
  return target;
}
