/**
 * A short hash of a module's own code, so that caches built by one version of the toolkit
 * (or one edit of it, during development) are never read by another.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export function codeVersion(...moduleUrls: string[]): string {
  const h = createHash('sha256');
  for (const u of moduleUrls) {
    try {
      h.update(readFileSync(fileURLToPath(u)));
    } catch {
      h.update(u);
    }
  }
  return h.digest('hex').slice(0, 16);
}
