/**
 * `npm run docs:cli`: write docs/cli.md from the CLI's one option table (src/cli/reference.ts).
 * test/cli-reference.test.ts fails when the committed file is not what this writes.
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { renderCliMarkdown } from '../src/cli/reference.js';

const out = resolve(import.meta.dirname, '..', 'docs', 'cli.md');
writeFileSync(out, renderCliMarkdown());
console.log(`wrote ${out}`);
