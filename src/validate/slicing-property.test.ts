/**
 * Property: for generated slicing definitions (discriminators value/pattern on a member, on $this,
 * on a CodeableConcept, on two paths; fixed or pattern; one slice prohibiting the element; one slice
 * not constraining it), an item built to match slice k matches exactly slice k. Each slice allows
 * one item, so two copies of item k must raise exactly one error: slice k's max (and no "matches no
 * slice", no "matches more than one slice").
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { constraintProfile } from '../../test/support/profiles.js';
import { createEngine, type Engine } from '../engine.js';
import { TEST_CACHE } from '../../test/support/engine.js';

type Mode = 'system' | 'this' | 'type' | 'system+type';

interface SlicingGen {
  mode: Mode;
  slices: number;
  kind: 'value' | 'pattern';
  fixed: boolean[];
  rules: 'open' | 'closed' | 'openAtEnd';
  /** mode 'system': slice 0 prohibits system (max = 0) */
  prohibitFirst: boolean;
  /** mode 'system': one more slice that leaves system unconstrained and fixes use = 'temp' */
  unconstrainedLast: boolean;
}

const slicingGen: fc.Arbitrary<SlicingGen> = fc.record({
  mode: fc.constantFrom<Mode>('system', 'this', 'type', 'system+type'),
  slices: fc.integer({ min: 2, max: 4 }),
  kind: fc.constantFrom('value' as const, 'pattern' as const),
  fixed: fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }),
  rules: fc.constantFrom('open' as const, 'closed' as const, 'openAtEnd' as const),
  prohibitFirst: fc.boolean(),
  unconstrainedLast: fc.boolean(),
});

const sys = (k: number, g: SlicingGen) => (g.mode === 'system+type' ? `urn:s${k % 2}` : `urn:s${k}`);
const code = (k: number, g: SlicingGen) => (g.mode === 'system+type' ? `c${Math.floor(k / 2)}` : `c${k}`);
const prohibited = (k: number, g: SlicingGen) => g.mode === 'system' && g.prohibitFirst && k === 0;
const unconstrained = (k: number, g: SlicingGen) => g.mode === 'system' && g.unconstrainedLast && k === g.slices;
const sliceCount = (g: SlicingGen) => g.slices + (g.mode === 'system' && g.unconstrainedLast ? 1 : 0);

function profileOf(url: string, g: SlicingGen) {
  const paths = g.mode === 'system' ? ['system'] : g.mode === 'this' ? ['$this'] : g.mode === 'type' ? ['type'] : ['system', 'type'];
  const els: Record<string, unknown>[] = [
    { id: 'Patient.identifier', path: 'Patient.identifier', slicing: { discriminator: paths.map((path) => ({ type: g.kind, path })), rules: g.rules } },
  ];
  for (let k = 0; k < sliceCount(g); k++) {
    const id = `Patient.identifier:s${k}`;
    const how = g.fixed[k % 4] ? 'fixed' : 'pattern';
    els.push({ id, path: 'Patient.identifier', sliceName: `s${k}`, min: 0, max: '1', ...(g.mode === 'this' ? { patternIdentifier: { system: sys(k, g) } } : {}) });
    if (unconstrained(k, g)) els.push({ id: `${id}.use`, path: 'Patient.identifier.use', fixedCode: 'temp' });
    else if (prohibited(k, g)) els.push({ id: `${id}.system`, path: 'Patient.identifier.system', max: '0' });
    else if (g.mode === 'system' || g.mode === 'system+type') els.push({ id: `${id}.system`, path: 'Patient.identifier.system', [`${how}Uri`]: sys(k, g) });
    if (g.mode === 'type' || g.mode === 'system+type') {
      els.push({ id: `${id}.type`, path: 'Patient.identifier.type', patternCodeableConcept: { coding: [{ system: 'urn:t', code: code(k, g) }] } });
    }
  }
  return constraintProfile(url, 'Patient', els);
}

/** An identifier built to match slice k, with unconstrained noise (value, use, an extra coding). */
function itemFor(k: number, g: SlicingGen, noise: { value: string; use?: 'usual' | 'official'; extraCoding: boolean }) {
  const item: Record<string, unknown> = { value: noise.value };
  if (noise.use) item.use = noise.use;
  if (unconstrained(k, g)) {
    item.use = 'temp';
    item.system = 'urn:unlisted';
  } else if (!prohibited(k, g) && g.mode !== 'type') item.system = sys(k, g);
  if (g.mode === 'type' || g.mode === 'system+type') {
    const coding = [{ system: 'urn:t', code: code(k, g) }];
    if (noise.extraCoding) coding.unshift({ system: 'urn:other', code: 'x' });
    item.type = { coding };
  }
  return item;
}

const POOL = fc.sample(slicingGen, { numRuns: 24, seed: 20241203 });
const URLS = POOL.map((_, i) => `http://example.org/StructureDefinition/sl-prop-${i}`);

let engine: Promise<Engine> | undefined;
function getEngine(): Promise<Engine> {
  if (!engine) {
    const dir = mkdtempSync(join(tmpdir(), 'bars-slicing-prop-'));
    POOL.forEach((g, i) => writeFileSync(join(dir, `StructureDefinition-sl-prop-${i}.json`), JSON.stringify(profileOf(URLS[i]!, g))));
    engine = createEngine({ cacheDir: TEST_CACHE, offline: true, igs: [dir] });
  }
  return engine;
}

describe('slicing property: an item built for slice k matches exactly slice k', () => {
  it('holds for generated slicing definitions', async () => {
    const e = await getEngine();
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: POOL.length - 1 }),
        fc.nat(),
        fc.record({ value: fc.string({ minLength: 1, maxLength: 8 }).filter((s) => s.trim() === s && s.trim() !== ''), use: fc.option(fc.constantFrom('usual' as const, 'official' as const), { nil: undefined }), extraCoding: fc.boolean() }),
        async (i, kSeed, noise) => {
          const g = POOL[i]!;
          const k = kSeed % sliceCount(g);
          const item = itemFor(k, g, noise);
          const r = await e.validate(JSON.stringify({ resourceType: 'Patient', meta: { profile: [URLS[i]] }, identifier: [item, item] }));
          const errs = r.issues.filter((x) => x.severity === 'error' || x.severity === 'fatal');
          expect(errs.map((x) => x.ruleId)).toEqual(['slice-cardinality-max']);
          expect(errs[0]!.message).toContain(`Patient.identifier:s${k}:`);
        },
      ),
      { numRuns: 80, seed: 14 },
    );
  }, 120_000);
});
