/**
 * Profiling aid (not part of npm run bench): validates the official BaRS message examples in a
 * loop so `node --cpu-prof --import tsx bench/profile-validate.ts <corpus>` shows where time goes.
 * BARS=1 adds the BaRS layer; ROUNDS sets the loop count.
 */
import { join, resolve } from 'node:path';
import { createEngine } from '../src/engine.js';
import { barsDefaultSet } from '../src/bars/default-set.js';
import { barsPlugins } from '../src/bars/plugin.js';
import { barsMessageInputs } from './util.js';

const corpus = resolve(process.argv[2] ?? '../shared/corpus');
const engine = await createEngine({
  igs: [join(corpus, 'ukcore-stu3'), join(corpus, 'bars')],
  offline: true,
  plugins: process.env.BARS === '1' ? await barsPlugins({ messageDefinitions: [] }) : undefined,
  ...barsDefaultSet(),
});
const inputs = barsMessageInputs(corpus, engine.loaded.compiler).map((i) => i.json);
const rounds = Number(process.env.ROUNDS ?? 60);
for (let i = 0; i < 3; i++) for (const j of inputs) await engine.validate(j);
// batches of 10 rounds; the fastest batch is the least disturbed by other work on the machine
let best = Infinity;
let total = 0;
for (let done = 0; done < rounds; done += 10) {
  const t = performance.now();
  for (let r = 0; r < 10; r++) for (const j of inputs) await engine.validate(j);
  const dt = (performance.now() - t) / (10 * inputs.length);
  total += dt;
  best = Math.min(best, dt);
}
console.log(`${inputs.length} bundles × ${rounds}: ${best.toFixed(3)} ms per bundle (best batch), ${(total / Math.ceil(rounds / 10)).toFixed(3)} ms mean`);
