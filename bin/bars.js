#!/usr/bin/env node
// Thin launcher: the CLI lives in dist/ (built by `npm ci` via the prepare script).
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const entry = join(root, 'dist', 'cli', 'main.js');
if (!existsSync(entry)) {
  process.stderr.write(
    'bars: the compiled CLI is missing (dist/cli/main.js).\n' +
      `Run "npm run build" in ${root} (npm ci does this automatically).\n`,
  );
  process.exit(2);
}
const { main } = await import(pathToFileURL(entry).href);
// 0: the process's start, so the reported run time includes loading the code
process.exitCode = await main(process.argv.slice(2), 0);
