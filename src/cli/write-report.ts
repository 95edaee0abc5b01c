/**
 * Writing a report where the user said (--output, --output-dir): a path that cannot be written
 * is the user's to fix, said plainly, never an internal error.
 */
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { UsageError } from './inputs.js';

/** Write a report file, its folder made first. */
export function writeReport(file: string, text: string, option: string): void {
  const path = resolve(file);
  if (existsSync(path) && statSync(path).isDirectory()) {
    throw new UsageError(`${option}: ${file} is a folder; give a file name`);
  }
  try {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new UsageError(`${option}: cannot write ${file}: ${err.code === 'ENOTDIR' || err.code === 'EEXIST' ? 'a part of the path is a file, not a folder' : err.code === 'EACCES' || err.code === 'EPERM' ? 'permission denied' : err.message}`);
  }
}
