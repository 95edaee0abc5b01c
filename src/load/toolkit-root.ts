/** Where the toolkit's own files are (package.json, profiles/, message-definitions/, rules/). */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Found by walking up from this module: the same answer from src/ (tests, tsx) and from dist/. */
export function toolkitRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'rules'))) return dir;
    dir = dirname(dir);
  }
  return dirname(dirname(dirname(fileURLToPath(import.meta.url))));
}
