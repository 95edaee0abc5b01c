/**
 * npm run rules:bars-api [-- <booking-and-referral.yaml>]
 * Derives rules/http/bars-api.json (paths, methods, parameters, media types) from the BaRS
 * OpenAPI specification, recording where it came from. The spec itself is not committed.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { deriveApiTable, DERIVED_TABLE_FILE } from '../src/bars/http/openapi.js';
import { rulesDir } from '../src/bars/rules/necessity.js';

const corpus = resolve(import.meta.dirname, '..', '..', 'shared', 'corpus');
const spec = resolve(process.argv[2] ?? join(corpus, 'bars-api', 'booking-and-referral.yaml'));
if (!existsSync(spec)) {
  console.error(`rules:bars-api: ${spec} not found (give the path of booking-and-referral.yaml)`);
  process.exit(2);
}
const table = deriveApiTable(readFileSync(spec, 'utf8'), spec.startsWith(corpus) ? relative(corpus, spec) : spec, provenance(spec));
table.$comment = 'Derived from the BaRS OpenAPI specification by npm run rules:bars-api (scripts/derive-bars-api.ts); do not edit by hand.';
const out = join(rulesDir(), DERIVED_TABLE_FILE);
writeFileSync(out, JSON.stringify({ $comment: table.$comment, ...table }, null, 2) + '\n');
console.log(`${relative(process.cwd(), out)}: ${table.paths.length} paths, ${table.paths.reduce((n, p) => n + p.operations.length, 0)} operations (spec ${table.source.version ?? '?'}, sha256 ${table.source.sha256.slice(0, 12)})`);

/** The corpus README names the repository and commit each folder was taken from. */
function provenance(file: string): { repository?: string; commit?: string } {
  const readme = join(corpus, 'README.md');
  if (!file.startsWith(corpus) || !existsSync(readme)) return {};
  const row = readFileSync(readme, 'utf8').split('\n').find((l) => l.includes('`bars-api/'));
  const cells = row?.split('|').map((c) => c.trim());
  const repo = cells?.find((c) => /^[\w.-]+\/[\w.-]+(,|$)/.test(c))?.split(',')[0];
  const commit = cells?.find((c) => /^[0-9a-f]{7,40}$/.test(c));
  return { ...(repo ? { repository: repo } : {}), ...(commit ? { commit } : {}) };
}
