/**
 * `npm run docs:rules`: regenerate src/model/bars-rules.generated.ts from the BaRS rules JSON,
 * then the rule catalog section of docs/rules.md. test/rules-catalog.test.ts fails when either
 * committed file is not what this writes.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { GENERATED_TS, renderBarsRulesModule, renderRulesSection, withRulesSection } from './rules-catalog.js';

const root = resolve(import.meta.dirname, '..');
writeFileSync(join(root, GENERATED_TS), renderBarsRulesModule(root));
console.log(`wrote ${GENERATED_TS}`);
// imported only now, so the catalog reads the file just written
const { ruleCatalog } = await import('../src/model/rules.js');
const doc = join(root, 'docs', 'rules.md');
writeFileSync(doc, withRulesSection(readFileSync(doc, 'utf8'), renderRulesSection(ruleCatalog())));
console.log('wrote docs/rules.md');
