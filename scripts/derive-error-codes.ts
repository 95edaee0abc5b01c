/**
 * npm run rules:error-codes [-- <guide folder> [<booking-and-referral.yaml>]]
 * Reads the BaRS error codes and their HTTP statuses from the guide's error tables and the
 * OpenAPI's error table, and writes rules/core/error-codes.json.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { deriveErrorCodes } from '../src/bars/rules/error-codes.js';
import { rulesDir } from '../src/bars/rules/necessity.js';

const corpus = join(import.meta.dirname, '..', '..', 'shared', 'corpus');
const guide = resolve(process.argv[2] ?? join(corpus, 'bars-guide'));
const openapi = resolve(process.argv[3] ?? join(corpus, 'bars-api', 'booking-and-referral.yaml'));
if (!existsSync(guide)) {
  console.error(`rules:error-codes: guide folder ${guide} not found`);
  process.exit(2);
}
const table = deriveErrorCodes(guide, existsSync(openapi) ? openapi : undefined);
table.$comment = 'Derived from the BaRS guide pages (error tables and text) and the BaRS OpenAPI error table by npm run rules:error-codes (scripts/derive-error-codes.ts); do not edit by hand.';
const out = join(rulesDir(), 'core', 'error-codes.json');
writeFileSync(out, JSON.stringify({ $comment: table.$comment, system: table.system, codes: table.codes }, null, 2) + '\n');
for (const c of table.codes) console.log(`${c.code.padEnd(28)} ${c.statuses.join(', ')}`);
console.log(`${table.codes.length} codes written to ${out}`);
