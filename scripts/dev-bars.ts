/**
 * Run the CLI from the TypeScript sources (no build): tsx scripts/dev-bars.ts validate …
 * Used while developing and to score the HL7 test suite against the working tree.
 */
import { main } from '../src/cli/main.js';

process.exitCode = await main(process.argv.slice(2));
