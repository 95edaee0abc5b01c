/**
 * npm run rules:extract [-- <guide folder>]
 * Reads the BaRS guide's payload tables and writes rules/necessity/*.json and index.json.
 */
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { conditionsOf, extractGuide, guideRelease } from './rules/extract.js';
import { checkNecessityRulesFiles, rulesDir, type RulesIndex } from '../src/bars/rules/necessity.js';

const guide = resolve(process.argv[2] ?? join(import.meta.dirname, '..', '..', 'shared', 'corpus', 'bars-guide'));
if (!existsSync(guide)) {
  console.error(`rules:extract: guide folder ${guide} not found`);
  process.exit(2);
}
const out = join(rulesDir(), 'necessity');
mkdirSync(out, { recursive: true });
for (const f of readdirSync(out)) if (f.endsWith('.json') && f !== 'errata.json') rmSync(join(out, f));
const { payloads, unreadable } = extractGuide(guide);
const release = guideRelease(guide);
if (!release) console.warn(`rules:extract: cannot tell which guide release ${guide} is (no release links under Applications/, or no Core/<x-y-z> folder)`);
const index: RulesIndex = { ...(release ? { release } : {}), files: [], countsByApplication: {}, unreadable };
for (const p of payloads) {
  const file = `${p.application}-${p.payload}.json`;
  writeFileSync(join(out, file), JSON.stringify(p, null, 2) + '\n');
  const n = p.resources.reduce((a, r) => a + r.rules.length, 0);
  index.files.push({ file, application: p.application, payload: p.payload, rules: n });
  index.countsByApplication[p.application] = (index.countsByApplication[p.application] ?? 0) + n;
}
index.conditions = conditionsOf(payloads);
writeFileSync(join(out, 'index.json'), JSON.stringify(index, null, 2) + '\n');
// The CLI reads the shipped rules without a schema check, so they are checked here as written.
checkNecessityRulesFiles(out);
for (const f of index.files) console.log(`${f.file.padEnd(48)} ${f.rules} rules`);
console.log(`unreadable rows: ${unreadable.length} (listed in rules/necessity/index.json)`);
console.log(`conditional rows: ${index.conditions.parsed} read into rule data, ${index.conditions.unparsed.length} not (listed in rules/necessity/index.json)`);
