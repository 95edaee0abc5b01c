/**
 * The toolkit's disk cache of loaded definition sources.
 *
 * A source (R4 core, a package, an IG folder) is stored once as an index of metadata plus
 * one file of concatenated resource JSON; resources are read back by offset only when a
 * validation needs them. Getting a ready definition set is then a matter of reading a few
 * small index files, not parsing tens of megabytes of definitions.
 */
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readSync, renameSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ResourceMeta, SourceInfo } from '../types.js';

/** Bump when the stored layout or the meaning of its content changes. */
export const STORE_FORMAT = 3;

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
  extra?: unknown;
}

/** Writes one source into the cache (see DefinitionStore.writer). */
export interface SourceWriter {
  /** Throws when the disk refuses the write (full, gone): then abort(). */
  add(meta: ResourceMeta, resource: unknown): void;
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
  constructor(readonly dir: string | undefined) {}

  private folder(key: string): string | undefined {
    return this.dir ? join(this.dir, 'sources', key) : undefined;
  }

  open(key: string): StoredSource | undefined {
    const folder = this.folder(key);
    if (!folder) return undefined;
    const indexPath = join(folder, 'index.json');
    const dataPath = join(folder, 'resources.json');
    if (!existsSync(indexPath) || !existsSync(dataPath)) return undefined;
    let index: StoredIndex;
    try {
      index = JSON.parse(readFileSync(indexPath, 'utf8')) as StoredIndex;
    } catch {
      return undefined;
    }
    if (index.format !== STORE_FORMAT || index.key !== key) return undefined;
    let fd: number | undefined;
    const entries = index.entries;
    return {
      key,
      info: index.info,
      extra: index.extra,
      metas: entries.map((e) => e[0]),
      read(i: number) {
        const [, offset, length] = entries[i]!;
        if (fd === undefined) fd = openSync(dataPath, 'r');
        const buf = Buffer.allocUnsafe(length);
        readSync(fd, buf, 0, length, offset);
        return JSON.parse(buf.toString('utf8')) as Record<string, any>;
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
        if (done) throw new Error('source writer already closed');
        const b = Buffer.from(JSON.stringify(resource) + '\n', 'utf8');
        for (let at = 0; at < b.length; ) at += writeSync(fd!, b, at, b.length - at);
        entries.push([meta, offset, b.length - 1]);
        offset += b.length;
      },
      commit(extra) {
        if (done) return false;
        try {
          finish();
          const index: StoredIndex = { format: STORE_FORMAT, key, info, entries, extra };
          writeFileSync(join(tmp, 'index.json'), JSON.stringify(index));
          rmSync(folder, { recursive: true, force: true });
          renameSync(tmp, folder);
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
