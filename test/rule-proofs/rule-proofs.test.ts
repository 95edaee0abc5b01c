/**
 * Every rule proved (issue 19): for each rule id of the catalog, an input the spec or guide makes
 * invalid that raises it at a pinned location, and its valid neighbour (the smallest change that
 * fixes it) that does not. The inputs are built here from the FHIR R4 spec text (fhir-proofs.ts,
 * questionnaire-proofs.ts, http-proofs.ts), or for BaRS rules from the toolkit's own valid BaRS messages changed in one place (bars-proofs.ts),
 * never copied from example files. Rules that need more than one input (headers checked with UK
 * Core, a receiver answering bars probe, loading packages, the run's limits) are scenarios run
 * broken and as they should be (scenario-proofs.ts, load-proofs.ts). Rules not proved yet are listed in PENDING_PROOFS, which the
 * coverage test prints: a rule id that is neither proved nor pending fails it.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { ruleCatalog, ruleInfo } from '../../src/model/rules.js';
import type { Engine } from '../../src/engine.js';
import type { ValidationIssue } from '../../src/model/issue.js';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { barsEngine, engine as testEngine } from '../support/engine.js';
import { FHIR_PROOFS, PROOF_PROFILES, type RuleProof } from './fhir-proofs.js';
import { QUESTIONNAIRE_PROOFS } from './questionnaire-proofs.js';
import { MEASURE_PROOFS } from './measure-proofs.js';
import { CONFORMANCE_PROOFS, CONFORMANCE_PROOF_PROFILES } from './conformance-proofs.js';
import { HTTP_PROOFS } from './http-proofs.js';
import { SD_PROOF_PROFILES, SD_PROOFS } from './sd-proofs.js';
import { BARS_CORPUS_PROOFS, BARS_PROOFS, type BarsProof } from './bars-proofs.js';
import { HAS_CORPUS } from '../support/corpus.js';
import { validateRequest } from '../../src/bars/http/validate-request.js';
import { LOAD_PROOFS } from './load-proofs.js';
import { RECEIVER_SCENARIO_PROOFS, SCENARIO_PROOFS, UKCORE_SCENARIO_PROOFS, type ScenarioProof } from './scenario-proofs.js';

const PROOFS: RuleProof[] = [...FHIR_PROOFS, ...QUESTIONNAIRE_PROOFS, ...HTTP_PROOFS, ...MEASURE_PROOFS, ...CONFORMANCE_PROOFS, ...SD_PROOFS];
/** BaRS-layer proofs (bars-proofs.ts), run with one shared BaRS engine. */
const BARS: BarsProof[] = HAS_CORPUS ? [...BARS_PROOFS, ...BARS_CORPUS_PROOFS] : BARS_PROOFS;
/** Proofs run as scenarios (scenario-proofs.ts); those checking against UK Core need ../shared/corpus. */
const SCENARIOS: ScenarioProof[] = [...SCENARIO_PROOFS, ...LOAD_PROOFS, ...(HAS_CORPUS ? [...UKCORE_SCENARIO_PROOFS, ...RECEIVER_SCENARIO_PROOFS] : [])];

/**
 * Catalog rules without a proof yet. Keep this the ONE list of them: prove a rule, then remove it
 * here (the coverage test fails while a proved rule is still listed).
 */
const PENDING_PROOFS: readonly string[] = [];

let engine: Promise<Engine> | undefined;
/** R4 core alone (as plainEngine) plus the profiles the proofs build, loaded as one IG folder. */
function proofEngine(): Promise<Engine> {
  const dir = mkdtempSync(join(tmpdir(), 'bars-rule-proofs-'));
  for (const p of [...PROOF_PROFILES, ...CONFORMANCE_PROOF_PROFILES, ...SD_PROOF_PROFILES]) writeFileSync(join(dir, `StructureDefinition-${String(p.url).split('/').pop()}.json`), JSON.stringify(p));
  return testEngine({ barsDefaults: false, igs: [dir] });
}
const shared = (): Promise<Engine> => (engine ??= proofEngine());
const text = (input: RuleProof['invalid']): string => (typeof input === 'string' ? input : JSON.stringify(input));
const where = (i: { expression?: string; line?: number; column?: number }): string => i.expression ?? `${i.line}:${i.column}`;

describe('every rule proved: invalid input raises it where the spec says, the valid neighbour does not', () => {
  let ran = 0;
  afterAll(() => {
    expect(ran).toBe(PROOFS.length);
  });

  it.each(PROOFS.map((p) => [p.id, p.why, p] as const))('%s: %s', async (_id, _why, p) => {
    const e = await shared();
    const issuesOf = async (input: RuleProof['invalid']): Promise<ValidationIssue[]> => {
      if (!p.request) return (await e.validate(text(input))).issues;
      const r = await validateRequest(e.validate, text(input), { hasProfile: e.hasProfile });
      return [...r.issues, ...r.requests.flatMap((q) => q.issues)];
    };
    const bad = await issuesOf(p.invalid);
    expect(bad.filter((i) => i.ruleId === p.id).map(where), JSON.stringify(bad.map((i) => `${i.ruleId} @ ${where(i)}`))).toContain(p.at);
    const good = await issuesOf(p.valid);
    expect(good.filter((i) => i.ruleId === p.id).map(where)).toEqual([]);
    ran++;
  }, 120_000);
});

describe('every BaRS rule proved: a valid BaRS message changed in one place raises it there, the message itself does not', () => {
  let bars: Promise<Engine> | undefined;
  const sharedBars = (): Promise<Engine> => (bars ??= barsEngine());
  let ran = 0;
  afterAll(() => {
    expect(ran).toBe(BARS.length);
  });

  it.each(BARS.map((p) => [p.id, p.why, p] as const))('%s: %s', async (_id, _why, p) => {
    const e = await sharedBars();
    const bad = (await e.validate(text(p.invalid))).issues;
    expect(bad.filter((i) => i.ruleId === p.id).map(where), JSON.stringify(bad.filter((i) => i.ruleId === p.id).map((i) => `${i.ruleId} @ ${where(i)}`))).toContain(p.at);
    const good = (await e.validate(text(p.valid))).issues;
    const stays = good.filter((i) => i.ruleId === p.id).map(where);
    // elsewhere: the message raises the rule at other places for other reasons, never here
    if (p.elsewhere) expect(stays).not.toContain(p.at);
    else expect(stays).toEqual([]);
    ran++;
  }, 120_000);
});

describe('every rule proved by a scenario: run broken, it raises the rule there; run as the guide says, it does not', () => {
  let ran = 0;
  afterAll(() => {
    expect(ran).toBe(SCENARIOS.length);
  });

  it.each(SCENARIOS.map((p) => [p.id, p.why, p] as const))('%s: %s', async (_id, _why, p) => {
    const bad = await p.run(true);
    expect(bad.filter((i) => i.ruleId === p.id).map((i) => i.at), JSON.stringify(bad)).toContain(p.at);
    const good = await p.run(false);
    expect(good.filter((i) => i.ruleId === p.id).map((i) => i.at)).toEqual([]);
    ran++;
  }, 120_000);
});

describe('rule proof coverage', () => {
  it('every catalog rule is proved or listed as pending, never both', () => {
    const proved = new Set<string>([...PROOFS, ...BARS_PROOFS, ...BARS_CORPUS_PROOFS, ...SCENARIO_PROOFS, ...LOAD_PROOFS, ...UKCORE_SCENARIO_PROOFS, ...RECEIVER_SCENARIO_PROOFS].map((p) => (p.id.startsWith('invariant:') ? 'invariant:*' : p.id)));
    const pending = new Set(PENDING_PROOFS);
    const catalog = ruleCatalog();
    expect(catalog.length).toBeGreaterThan(0);
    expect(PROOFS.length).toBeGreaterThan(0);
    for (const p of [...PROOFS, ...BARS_PROOFS, ...BARS_CORPUS_PROOFS, ...SCENARIO_PROOFS, ...LOAD_PROOFS, ...UKCORE_SCENARIO_PROOFS, ...RECEIVER_SCENARIO_PROOFS]) expect(ruleInfo(p.id), `${p.id} is not a catalog rule`).toBeDefined();
    expect(PENDING_PROOFS.filter((id) => !ruleInfo(id)), 'pending ids that are not catalog rules').toEqual([]);
    expect(PENDING_PROOFS.filter((id) => proved.has(id)), 'proved now: remove from PENDING_PROOFS').toEqual([]);
    expect(pending.size, 'PENDING_PROOFS lists an id twice').toBe(PENDING_PROOFS.length);
    const neither = catalog.filter((r) => !proved.has(r.id) && !pending.has(r.id)).map((r) => r.id);
    expect(neither, 'catalog rules with no proof and not pending').toEqual([]);
    console.log(`rule proofs: ${proved.size} of ${catalog.length} catalog rules proved, ${pending.size} pending: ${[...pending].join(', ')}`);
  });
});
