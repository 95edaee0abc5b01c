/** Entry point of the bundled GitHub Action. */
import { escData } from './commands.js';
import { runAction } from './main.js';

runAction().then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stdout.write(`::error::bars-toolkit action failed: ${escData((e as Error)?.message ?? String(e))}\n`);
    process.exitCode = 2;
  },
);
