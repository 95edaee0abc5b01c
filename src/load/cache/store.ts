/**
 * The toolkit's disk cache of loaded definition sources.
 *
 * A source (R4 core, a package, an IG folder) is stored once as an index of metadata plus
 * one file of concatenated resource JSON; resources are read back by offset only when a
 * validation needs them. Getting a ready definition set is then a matter of reading a few
 * small index files, not parsing tens of megabytes of definitions.
 *
 * Several processes may share one cache (parallel CI jobs, worker threads): a source is written
 * to a temporary folder and renamed into place, the first complete one stays, and a reader
 * keeps the data file it opened. A damaged entry (cut short, overwritten, unparsable) is found
 * when it is opened or read, removed, and built again from its source, with a warning.
 */
import { closeSync, existsSync, fstatSync, mkdirSync, openSync, readFileSync, readSync, renameSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LoadDiagnostic, ResourceMeta, SourceInfo } from '../types.js';

/** Bump when the stored layout or the meaning of its content changes. */
export const STORE_FORMAT = 4;

export function defaultCacheDir(): string {
  if (process.env.BARS_CACHE_DIR) return process.env.BARS_CACHE_DIR;
  const xdg = process.env.XDG_CACHE_HOME;
  const home = homedir();
  if (xdg) return join(xdg, 'bars-toolkit');
  if (home) return join(home, '.cache', 'bars-toolkit');
  return join(tmpdir(), 'bars-toolkit-cache');
}

export function hashKey(...parts: (string | number)[]): string {
  const h = createHash('sha256');
  for (const p of parts) h.update(String(p)).update('\0');
  return h.digest('hex').slice(0, 32);
}

interface StoredIndex {
  format: number;
  key: string;
  info: SourceInfo;
  /** metadata, byte offset, byte length */
  entries: [ResourceMeta, number, number][];
  /** Size of the data file: a file cut short is seen when the source is opened. */
  bytes: number;
  extra?: unknown;
}

/** A cached resource could not be read back as the index describes it (the entry is removed). */
export class CacheDamagedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CacheDamagedError';
  }
}

/** Writes one source into the cache (see DefinitionStore.writer). */
export interface SourceWriter {
  /** Throws when the disk refuses the write (full, gone): then abort(). */
  add(meta: ResourceMeta, resource: unknown): void;
  /**
   * Add a resource already serialised as JSON: bytes [start, end) of `bytes`, written as they are
   * (no parse and re-serialise). The caller vouches that they are one JSON object.
   */
  addRaw(meta: ResourceMeta, bytes: Uint8Array, start: number, end: number): void;
  /** Write the index and make the source visible; false when that failed (nothing is left behind). */
  commit(extra?: unknown): boolean;
  abort(): void;
}

export interface StoredSource {
  key: string;
  info: SourceInfo;
  metas: ResourceMeta[];
  read(i: number): Record<string, any>;
  extra?: unknown;
}

/** A cache folder; all methods fail soft (a cache that cannot be written is simply not used). */
export class DefinitionStore {
  /** @param diagnostics where a damaged cache entry is reported (a warning; the entry is rebuilt) */
  constructor(
    readonly dir: string | undefined,
    readonly diagnostics: LoadDiagnostic[] = [],
  ) {}

  private folder(key: string): string | undefined {
    return this.dir ? join(this.dir, 'sources', key) : undefined;
  }

  /** Remove a damaged entry and say so; the caller builds it again. */
  private damaged(folder: string, why: string): undefined {
    removeQuietly(folder);
    this.diagnostics.push({
      severity: 'warning',
      code: 'cache-damaged',
      message: `The toolkit cache entry ${folder} was damaged (${why}); it has been removed and is built again from its source.`,
      hint: 'Nothing to do if this does not come back. If it does, check the disk, or run with --no-cache.',
    });
    return undefined;
  }

  open(key: string): StoredSource | undefined {
    const folder = this.folder(key);
    if (!folder) return undefined;
    const indexPath = join(folder, 'index.json');
    const dataPath = join(folder, 'resources.json');
    let text: string;
    try {
      text = readFileSync(indexPath, 'utf8');
    } catch {
      return undefined; // not built yet
    }
    let index: StoredIndex;
    try {
      index = JSON.parse(text) as StoredIndex;
    } catch {
      return this.damaged(folder, 'its index is not valid JSON');
    }
    if (index?.format !== STORE_FORMAT) {
      removeQuietly(folder); // written by another version of the toolkit: built again, nothing wrong
      return undefined;
    }
    if (index.key !== key || !Array.isArray(index.entries) || typeof index.bytes !== 'number') return this.damaged(folder, 'its index is incomplete');
    // opened now and kept: a process replacing the entry later cannot pull the file from under us
    let fd: number;
    try {
      fd = openSync(dataPath, 'r');
    } catch {
      return this.damaged(folder, 'its data file is missing');
    }
    const size = fstatSync(fd).size;
    if (size !== index.bytes) {
      closeQuietly(fd);
      return this.damaged(folder, `its data file has ${size} bytes, not ${index.bytes}`);
    }
    const entries = index.entries;
    const store = this;
    return {
      key,
      info: index.info,
      extra: index.extra,
      metas: entries.map((e) => e[0]),
      read(i: number) {
        const [meta, offset, length] = entries[i]!;
        let r: Record<string, any> | undefined;
        try {
          const buf = Buffer.allocUnsafe(length);
          if (readSync(fd, buf, 0, length, offset) === length) r = JSON.parse(buf.toString('utf8')) as Record<string, any>;
        } catch {
          r = undefined;
        }
        // the index fields must be the resource's: a shifted or overwritten range shows here
        if (r?.resourceType !== meta.resourceType || (meta.url !== undefined && r?.url !== meta.url) || (meta.id !== undefined && r?.id !== meta.id)) {
          store.damaged(folder, `${meta.resourceType} ${meta.url ?? meta.id ?? ''} could not be read back`);
          throw new CacheDamagedError(`The toolkit cache entry ${folder} is damaged`);
        }
        return r!;
      },
    };
  }

  /** Write a source; returns false when the cache is not writable. */
  write(key: string, info: SourceInfo, items: { meta: ResourceMeta; resource: unknown }[], extra?: unknown): boolean {
    const w = this.writer(key, info);
    if (!w) return false;
    try {
      for (const { meta, resource } of items) w.add(meta, resource);
    } catch {
      w.abort();
      return false;
    }
    return w.commit(extra);
  }

  /**
   * Write a source one resource at a time: each is serialised and written as it comes, so a
   * large source (R4 core: 70 MB of JSON) never has to be held in memory twice. Undefined when
   * the cache is not writable.
   */
  writer(key: string, info: SourceInfo): SourceWriter | undefined {
    const folder = this.folder(key);
    if (!folder) return undefined;
    const tmp = `${folder}.tmp-${process.pid}-${Date.now()}`;
    let fd: number | undefined;
    try {
      mkdirSync(tmp, { recursive: true });
      fd = openSync(join(tmp, 'resources.json'), 'w');
    } catch {
      closeQuietly(fd);
      removeQuietly(tmp);
      return undefined;
    }
    const entries: [ResourceMeta, number, number][] = [];
    let offset = 0;
    let done = false;
    const finish = (): void => {
      done = true;
      closeQuietly(fd);
      fd = undefined;
    };
    return {
      add(meta, resource) {
        const b = Buffer.from(JSON.stringify(resource), 'utf8');
        this.addRaw(meta, b, 0, b.length);
      },
      addRaw(meta, bytes, start, end) {
        if (done) throw new Error('source writer already closed');
        writeAll(fd!, bytes, start, end);
        entries.push([meta, offset, end - start]);
        offset += end - start;
      },
      commit(extra) {
        if (done) return false;
        try {
          finish();
          const index: StoredIndex = { format: STORE_FORMAT, key, info, entries, bytes: offset, extra };
          writeFileSync(join(tmp, 'index.json'), JSON.stringify(index));
          try {
            renameSync(tmp, folder);
          } catch (e) {
            // another process put the same source in place first: keep theirs (same key, same content)
            removeQuietly(tmp);
            if (!existsSync(join(folder, 'index.json'))) throw e;
          }
          return true;
        } catch {
          removeQuietly(tmp);
          return false;
        }
      },
      abort() {
        finish();
        removeQuietly(tmp);
      },
    };
  }

  /** Small JSON blobs (generated snapshots, expansions) keyed by content hash. */
  readBlob<T>(kind: string, key: string): T | undefined {
    if (!this.dir) return undefined;
    const p = join(this.dir, kind, `${key}.json`);
    try {
      return JSON.parse(readFileSync(p, 'utf8')) as T;
    } catch {
      return undefined;
    }
  }

  writeBlob(kind: string, key: string, value: unknown): void {
    if (!this.dir) return;
    const folder = join(this.dir, kind);
    try {
      mkdirSync(folder, { recursive: true });
      const tmp = join(folder, `${key}.json.tmp-${process.pid}`);
      writeFileSync(tmp, JSON.stringify(value));
      renameSync(tmp, join(folder, `${key}.json`));
    } catch {
      /* a read-only cache just means slower next time */
    }
  }
}

function writeAll(fd: number, b: Uint8Array, start: number, end: number): void {
  for (let at = start; at < end; ) at += writeSync(fd, b, at, end - at);
}

function removeQuietly(dir: string): void {
  try {
    rmSync(dir, { recursive: true, force: true });
  } catch {
    /* ignore */
  }
}

export function closeQuietly(fd: number | undefined): void {
  if (fd !== undefined) {
    try {
      closeSync(fd);
    } catch {
      /* ignore */
    }
  }
}
