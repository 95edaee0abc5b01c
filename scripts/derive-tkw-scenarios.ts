/**
 * npm run rules:tkw-scenarios [-- <TKW.page.md>]
 * Derives rules/tkw/scenarios.json (the TKW sentinel scenarios and the stateful 111→ED
 * transition table) from the BaRS guide's TKW page, recording where it came from. The page
 * itself is not committed.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { rulesDir } from '../src/bars/rules/necessity.js';
import { deriveTkwTable, TKW_TABLE_FILE } from '../src/serve/tkw-table.js';

const corpus = resolve(import.meta.dirname, '..', '..', 'shared', 'corpus');
const page = resolve(process.argv[2] ?? join(corpus, 'bars-guide', 'Build', 'Testing-and-Environments', 'TKW.page.md'));
if (!existsSync(page)) {
  console.error(`rules:tkw-scenarios: ${page} not found (give the path of the guide's TKW.page.md)`);
  process.exit(2);
}
const table = deriveTkwTable(readFileSync(page, 'utf8'), page.startsWith(corpus) ? relative(corpus, page) : page, provenance(page));
table.$comment = 'Derived from the BaRS guide TKW page by npm run rules:tkw-scenarios (scripts/derive-tkw-scenarios.ts); do not edit by hand. Test: src/serve/scenarios.test.ts walks every row.';
const out = join(rulesDir(), TKW_TABLE_FILE);
writeFileSync(out, JSON.stringify({ $comment: table.$comment, ...table }, null, 2) + '\n');
console.log(`${relative(process.cwd(), out)}: ${table.scenarios.length} scenarios, ${table.stateful.transitions.length} state transitions, ${table.notes.length} notes`);

/** The corpus README names the repository and commit the guide pages were taken from. */
function provenance(file: string): { repository?: string; commit?: string } {
  const readme = join(corpus, 'README.md');
  if (!file.startsWith(corpus) || !existsSync(readme)) return {};
  const row = readFileSync(readme, 'utf8').split('\n').find((l) => l.startsWith('| `bars/`'));
  const cells = row?.split('|').map((c) => c.trim());
  const repo = cells?.find((c) => /^[\w.-]+\/[\w.-]+(,|$)/.test(c))?.split(',')[0];
  const commit = cells?.find((c) => /^[0-9a-f]{7,40}$/.test(c));
  return { ...(repo ? { repository: repo, path: 'guides/Live-ImplementationGuide-BaRS/Home' } : {}), ...(commit ? { commit } : {}) };
}
