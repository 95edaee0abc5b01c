/** Small helpers shared by the benchmarks. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PlanCompiler } from '../src/compile/compiler.js';
import { parseFhirXml } from '../src/parse/xml.js';

export interface BenchInput {
  name: string;
  /** The Bundle as JSON text (what a supplier's system sends). */
  json: string;
  entries: number;
}

/** The official BaRS message examples (published as XML), as JSON text: the benchmarks' inputs. */
export function barsMessageInputs(corpus: string, compiler: PlanCompiler): BenchInput[] {
  const dir = join(corpus, 'bars', 'Examples');
  const inputs: BenchInput[] = [];
  for (const f of readdirSync(dir).sort()) {
    if (!f.endsWith('.xml')) continue;
    const r = parseFhirXml(readFileSync(join(dir, f), 'utf8'), compiler).value as { resourceType?: string; type?: string; entry?: unknown[] } | undefined;
    if (r?.resourceType === 'Bundle' && r.type === 'message') inputs.push({ name: f, json: JSON.stringify(r), entries: r.entry?.length ?? 0 });
  }
  return inputs;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.round(p * (sorted.length - 1))));
  return sorted[i]!;
}

/** One line per measurement: easy to paste into a closing note. */
export function report(what: string, value: string): void {
  console.log(`BENCH ${what}: ${value}`);
}

/** The lines `npm run bench` repeats at its end, whatever else it printed in between. */
export const headlines: string[] = [];

export function headline(what: string, value: string): void {
  report(what, value);
  headlines.push(`BENCH ${what}: ${value}`);
}

export function mb(bytes: number): string {
  return `${(bytes / 1048576).toFixed(0)} MB`;
}
