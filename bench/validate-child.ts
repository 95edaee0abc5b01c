/**
 * Peak memory while validating, in a process of its own (the main validate bench also holds
 * Medplum's definitions): the engine with R4 core + UK Core STU3 + BaRS and the BaRS layer,
 * every official BaRS message validated `rounds` times.
 */
import { join } from 'node:path';
import { barsPlugins } from '../src/bars/plugin.js';
import { createEngine } from '../src/engine.js';
import { barsDefaultSet } from '../src/bars/default-set.js';
import { barsMessageInputs } from './util.js';

const [corpus, cacheDir, roundsArg] = process.argv.slice(2) as [string, string, string];
const engine = await createEngine({ igs: [join(corpus, 'ukcore-stu3'), join(corpus, 'bars')], cacheDir, offline: true, plugins: await barsPlugins({ messageDefinitions: [] }), ...barsDefaultSet() });
const afterLoadKb = process.resourceUsage().maxRSS;
const inputs = barsMessageInputs(corpus, engine.loaded.compiler).map((i) => i.json);
const rounds = Number(roundsArg ?? 20);
let n = 0;
const t = performance.now();
for (let i = 0; i < rounds; i++) for (const j of inputs) {
  await engine.validate(j);
  n++;
}
const ms = performance.now() - t;
process.stdout.write(JSON.stringify({ validations: n, ms, afterLoadKb, maxRssKb: process.resourceUsage().maxRSS }));
