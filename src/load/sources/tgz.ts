/**
 * A FHIR package tarball on disk: unpacked once into the toolkit cache (keyed by the
 * tarball's content hash), then read like any unpacked package.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import * as tar from 'tar';

/** Unpack (if not yet) and return the folder that contains `package/`. */
export async function unpackTgz(tgzPath: string, cacheDir: string | undefined): Promise<string> {
  const bytes = readFileSync(tgzPath);
  const hash = createHash('sha256').update(bytes).digest('hex').slice(0, 32);
  const base = cacheDir ? join(cacheDir, 'tgz') : join(tmpdir(), 'bars-toolkit-tgz');
  const target = join(base, hash);
  if (existsSync(join(target, '.complete'))) return target;
  const tmp = `${target}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  try {
    await tar.x({ file: tgzPath, cwd: tmp, strict: true, preservePaths: false });
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw new Error(`${tgzPath} is not a readable .tgz package: ${(e as Error).message}`);
  }
  // some packages put their files at the top level instead of under package/
  if (!existsSync(join(tmp, 'package'))) {
    mkdirSync(join(tmp, 'package'), { recursive: true });
    for (const n of (await import('node:fs')).readdirSync(tmp)) {
      if (n !== 'package') renameSync(join(tmp, n), join(tmp, 'package', n));
    }
  }
  (await import('node:fs')).writeFileSync(join(tmp, '.complete'), '');
  rmSync(target, { recursive: true, force: true });
  renameSync(tmp, target);
  return target;
}
