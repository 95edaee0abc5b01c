/**
 * Unpacking a package tarball from someone else: streamed under limits (entries, one entry's
 * size, total size), stopped with a clear error past them, nothing left behind.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tar from 'tar';
import { afterAll, describe, expect, it } from 'vitest';
import { LoadError } from '../types.js';
import { unpackLimits, unpackTgz } from './tgz.js';

const tmp = mkdtempSync(join(tmpdir(), 'bars-tgz-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function tgz(name: string, files: Record<string, string | number>): Promise<string> {
  const src = join(tmp, `${name}-src`);
  for (const [rel, content] of Object.entries(files)) {
    mkdirSync(join(src, rel, '..'), { recursive: true });
    writeFileSync(join(src, rel), typeof content === 'number' ? Buffer.alloc(content) : content);
  }
  const file = join(tmp, `${name}.tgz`);
  await tar.c({ gzip: true, cwd: src, file, portable: true }, readdirSync(src));
  return file;
}

const small = { maxTotalBytes: 1_000_000, maxEntries: 50, maxEntryBytes: 200_000 };

describe('package tarball unpacking limits', () => {
  it('defaults are generous for real packages and can be raised by environment variables', () => {
    expect(unpackLimits({})).toEqual({ maxTotalBytes: 512 * 1024 * 1024, maxEntries: 100_000, maxEntryBytes: 256 * 1024 * 1024 });
    expect(unpackLimits({ BARS_PACKAGE_MAX_MB: '1024', BARS_PACKAGE_MAX_ENTRIES: '5', BARS_PACKAGE_MAX_FILE_MB: 'x' })).toEqual({
      maxTotalBytes: 1024 * 1024 * 1024,
      maxEntries: 5,
      maxEntryBytes: 256 * 1024 * 1024,
    });
  });

  it('a package within the limits unpacks', async () => {
    const file = await tgz('ok', { 'package/package.json': '{"name":"a.b","version":"1.0.0"}', 'package/x.json': '{}' });
    const dir = await unpackTgz(file, join(tmp, 'cache-ok'), small);
    expect(readdirSync(join(dir, 'package')).sort()).toEqual(['package.json', 'x.json']);
  });

  it.each([
    ['too many entries', Object.fromEntries(Array.from({ length: 80 }, (_, i) => [`package/f${i}.json`, '{}'])), /more than 50 entries/],
    ['one entry too large (2 GiB of zeros compress to almost nothing)', { 'package/big.json': 300_000 }, /big\.json is 300000 bytes, more than the 200000-byte limit/],
    ['too many bytes in all', Object.fromEntries(Array.from({ length: 8 }, (_, i) => [`package/f${i}.json`, 150_000])), /more than 1000000 bytes unpacked/],
  ])('%s: stopped with a clear LoadError, nothing left in the cache', async (label, files, message) => {
    const file = await tgz(label.replace(/\W/g, ''), files);
    const cache = join(tmp, `cache-${label.replace(/\W/g, '')}`);
    const err = await unpackTgz(file, cache, small).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(LoadError);
    expect((err as LoadError).message).toMatch(message);
    expect((err as LoadError).message).toContain(file);
    expect((err as LoadError).hint).toMatch(/BARS_PACKAGE_MAX_MB/);
    expect(existsSync(join(cache, 'tgz')) ? readdirSync(join(cache, 'tgz')) : []).toEqual([]);
  });

  it('links and other special entries are not written', async () => {
    const src = join(tmp, 'links-src');
    mkdirSync(join(src, 'package'), { recursive: true });
    writeFileSync(join(src, 'package', 'package.json'), '{}');
    (await import('node:fs')).symlinkSync('/etc/passwd', join(src, 'package', 'passwd.json'));
    const file = join(tmp, 'links.tgz');
    await tar.c({ gzip: true, cwd: src, file, portable: true }, ['package']);
    const dir = await unpackTgz(file, join(tmp, 'cache-links'), small);
    expect(readdirSync(join(dir, 'package'))).toEqual(['package.json']);
  });
});
