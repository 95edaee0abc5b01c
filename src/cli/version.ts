import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { toolkitRoot } from '../load/toolkit-root.js';

let cached: string | undefined;

export function toolVersion(): string {
  if (!cached) {
    try {
      cached = (JSON.parse(readFileSync(join(toolkitRoot(), 'package.json'), 'utf8')) as { version: string }).version;
    } catch {
      cached = '0.0.0';
    }
  }
  return cached;
}
