/**
 * npx tsx test/support/measure-corpus.ts [out.json]: errors and warnings per rule on the 67 BaRS
 * corpus examples, with the engine the corpus test uses (for issue notes; not a test).
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { barsEngine } from './engine.js';
import { corpusPath, HAS_CORPUS } from './corpus.js';

if (!HAS_CORPUS) {
  console.error('measure-corpus: ../shared/corpus is absent');
  process.exit(2);
}
const dir = corpusPath('bars', 'Examples');
const files: string[] = [];
const walk = (d: string): void => {
  for (const e of readdirSync(d, { withFileTypes: true })) {
    if (e.isDirectory()) walk(join(d, e.name));
    else if (/\.(json|xml)$/i.test(e.name)) files.push(join(d, e.name));
  }
};
walk(dir);
const e = await barsEngine();
const counts: Record<string, { error: number; warning: number }> = {};
const issues: { file: string; severity: string; ruleId: string; expression?: string; message: string }[] = [];
for (const f of files.sort()) {
  const r = await e.validate(readFileSync(f), { name: f });
  for (const i of r.issues) {
    const sev = i.severity === 'fatal' ? 'error' : i.severity;
    if (sev !== 'error' && sev !== 'warning') continue;
    const c = (counts[i.ruleId] ??= { error: 0, warning: 0 });
    c[sev]++;
    issues.push({ file: f.slice(dir.length + 1), severity: sev, ruleId: i.ruleId, expression: i.expression, message: i.message });
  }
}
const total = Object.values(counts).reduce((a, c) => ({ error: a.error + c.error, warning: a.warning + c.warning }), { error: 0, warning: 0 });
console.log(`files ${files.length}: errors ${total.error}, warnings ${total.warning}`);
for (const [id, c] of Object.entries(counts).sort()) console.log(`${id.padEnd(36)} E ${String(c.error).padStart(4)}  W ${String(c.warning).padStart(4)}`);
if (process.argv[2]) writeFileSync(process.argv[2], JSON.stringify({ total, counts, issues }, null, 1));
